import { useEffect, useRef, useState } from "react";
import { meetingLiveDoc } from "../../shared/doc-names";
import { LIVE_MAP, readLiveState } from "../../shared/live-session";
import { useIdleRevalidate } from "./use-idle-revalidate";

export interface PresentUser {
  id: string;
  name: string;
  color: string;
}

export interface LiveSession {
  connected: boolean;
  /** Bumps whenever the server says something on the page changed. */
  rev: number;
  /** The agenda item the host moved to, once the channel has said so (else the loader's value holds). */
  agendaItemId: string | null | undefined;
  /** Whose turn it is in the round of criticism, once the channel has said so. */
  criticismTurnId: string | null | undefined;
  /**
   * Who has the session page open right now (one entry per person, whatever their tabs). The
   * viewer is always in it, first: they are here, whether or not the channel has said so yet.
   */
  present: PresentUser[];
}

/** Reloads of the page's data are at most this often, however fast changes come (many sign-ins at once). */
const RELOAD_EVERY_MS = 1000;

/**
 * Joins a session's live channel (meeting.<id>.live): its awareness is who is here, bound by the
 * server to the signed-in user, and its state tells when to reload the page's data. Browser only:
 * y-websocket is imported once the page is mounted.
 */
export function useLiveSession(
  meetingId: string,
  me: PresentUser,
  opts: {
    /**
     * Joining will record the viewer's attendance (a started session they have no record in yet):
     * reload once in sync, since the server's change may have come with the first sync itself.
     */
    joiningRecords?: boolean;
  } = {},
): LiveSession {
  const [state, setState] = useState<LiveSession>(() => ({
    connected: false,
    rev: 0,
    agendaItemId: undefined,
    criticismTurnId: undefined,
    present: [me],
  }));
  const reloadWhenIdle = useIdleRevalidate();
  // The connection depends on who we are, not on the object the caller builds each render.
  const { id: myId, name: myName, color: myColor } = me;
  // Read when the first sync comes, without reconnecting when it changes.
  const joiningRecords = useRef(false);
  joiningRecords.current = Boolean(opts.joiningRecords);

  useEffect(() => {
    const me: PresentUser = { id: myId, name: myName, color: myColor };
    let stopped = false;
    let cleanup = () => {};
    void (async () => {
      const [Y, { WebsocketProvider }] = await Promise.all([import("yjs"), import("y-websocket")]);
      if (stopped) return;
      const doc = new Y.Doc();
      const url = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
      const provider = new WebsocketProvider(url, meetingLiveDoc(meetingId), doc);
      // Our own entry is never echoed back, so it carries our name here; for everyone else the
      // server replaces whatever user a client claims with the signed-in one.
      provider.awareness.setLocalStateField("user", { id: me.id, name: me.name, color: me.color });

      // Changes seen while in sync reload the page; a reconnection reloads once to catch up.
      let inSync = false;
      let everSynced = false;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let lastReload = 0;
      const scheduleReload = () => {
        if (timer) return;
        timer = setTimeout(
          () => {
            timer = null;
            lastReload = Date.now();
            reloadWhenIdle();
          },
          Math.max(0, lastReload + RELOAD_EVERY_MS - Date.now()),
        );
      };
      const onMap = () => {
        const live = readLiveState(doc);
        setState((s) => ({
          ...s,
          rev: live.rev,
          agendaItemId: doc.getMap(LIVE_MAP).has("agendaItemId") ? live.agendaItemId : undefined,
          criticismTurnId: doc.getMap(LIVE_MAP).has("criticismTurnId") ? live.criticismTurnId : undefined,
        }));
        if (inSync) scheduleReload();
      };
      const onPresence = () => {
        // Awareness says "change" only when a state comes or goes: alone on the page, our own
        // state never changes after it is set, so nothing would ever count us. We count ourselves.
        const byUser = new Map<string, PresentUser>([[me.id, me]]);
        for (const st of provider.awareness.getStates().values()) {
          const u = (st as { user?: Partial<PresentUser> }).user;
          if (u?.id && u.name) byUser.set(u.id, { id: u.id, name: u.name, color: u.color ?? "var(--color-faint)" });
        }
        setState((s) => ({ ...s, present: [...byUser.values()] }));
      };
      const onStatus = (e: { status: string }) => {
        if (e.status !== "connected") inSync = false;
        setState((s) => ({ ...s, connected: e.status === "connected" }));
      };
      const onSync = (synced: boolean) => {
        if (!synced) return;
        if (everSynced || joiningRecords.current) scheduleReload();
        inSync = false;
        onMap();
        inSync = everSynced = true;
      };
      doc.getMap(LIVE_MAP).observe(onMap);
      provider.awareness.on("change", onPresence);
      onPresence();
      provider.on("status", onStatus);
      provider.on("sync", onSync);
      cleanup = () => {
        if (timer) clearTimeout(timer);
        provider.awareness.off("change", onPresence);
        provider.off("status", onStatus);
        provider.off("sync", onSync);
        provider.destroy();
        doc.destroy();
      };
    })();
    return () => {
      stopped = true;
      cleanup();
    };
  }, [meetingId, reloadWhenIdle, myId, myName, myColor]);

  return state;
}
