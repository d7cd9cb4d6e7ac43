import { useEffect, useRef, useState } from "react";
import { EditorContent, useEditor } from "@tiptap/react";
import Collaboration from "@tiptap/extension-collaboration";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { countWords } from "../../shared/domain/text";
import { baseExtensions, EDITOR_FIELD } from "../../shared/editor/extensions";
import { plainText } from "../../shared/editor/minutes";
import { parseWriteRefusal, retryDelayMs, type WriteRefusal } from "../../shared/write-limits";
import { RefusalNotice } from "./write-refusal-notice";
import { Toolbar } from "./editor-toolbar";
import { useIdleRevalidate } from "./use-idle-revalidate";

// The editor of a document only its author writes — the 心得体会 (meeting.<m>.reflection.<me>)
// and the 对照检查材料 (meeting.<m>.examination.<me>, `label` names it): TipTap bound to the live document,
// kept in the browser's IndexedDB as well (y-indexeddb), so a phone that loses its connection
// keeps every keystroke and sends them when it is back. Browser only, lazy-loaded by the page.
//
// Chrome does not close an open WebSocket when the network goes away (nor does Playwright's
// offline mode), so the editor follows the browser's online/offline events itself: offline it
// disconnects and works from IndexedDB, online it reconnects and Yjs merges both sides.

/** What the status pill says. */
export type ReflectionSyncState = "loading" | "local" | "synced" | "offline" | "refused" | "revoked";

const STATE_TEXT: Record<ReflectionSyncState, string> = {
  loading: "正在载入…",
  local: "已保存到本机",
  synced: "已同步",
  offline: "离线编辑中，联网后自动同步",
  refused: "已保存到本机，未能保存到服务器",
  revoked: "已无编辑权限",
};
const STATE_TONE: Record<ReflectionSyncState, string> = {
  loading: "connecting",
  local: "connecting",
  synced: "connected",
  offline: "disconnected",
  refused: "disconnected",
  revoked: "disconnected",
};

// The 心得体会 is kept in IndexedDB too; a reload rebuilds it from there without the deleted text.
const REFLECTION_ADVICE = {
  rate: "内容同时保存在这台设备的浏览器里，关闭页面也不会丢失。",
  too_large: "请删去过大的内容后刷新页面，再自动保存；内容保存在这台设备的浏览器里，刷新不会丢失。",
};

export interface ReflectionEditorApi {
  /** The document's full state, base64, for the submit form (what the author sees is what is stored). */
  encodeState(): string;
}

function collabUrl() {
  return `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/collab`;
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export default function ReflectionEditor({
  docName,
  readOnly,
  heading,
  onWords,
  onState,
  onReady,
  label = "心得体会正文",
}: {
  /** The editor's accessible name: what is being written. */
  label?: string;
  docName: string;
  readOnly: boolean;
  heading?: React.ReactNode;
  onWords?: (n: number) => void;
  onState?: (s: ReflectionSyncState) => void;
  onReady?: (api: ReflectionEditorApi | null) => void;
}) {
  const [live, setLive] = useState<{ doc: Y.Doc } | null>(null);
  const [state, setState] = useState<ReflectionSyncState>("loading");
  const [refused, setRefused] = useState<{ refusal: WriteRefusal; retry: () => void } | null>(null);
  const [words, setWords] = useState(0);
  const revalidate = useIdleRevalidate();
  // Callbacks change identity on each render of the page; the effect below must not restart.
  const cb = useRef({ onWords, onState, onReady });
  cb.current = { onWords, onState, onReady };

  useEffect(() => {
    const doc = new Y.Doc();
    const local = new IndexeddbPersistence(docName, doc);
    const provider = new WebsocketProvider(collabUrl(), docName, doc, { connect: navigator.onLine });
    let localReady = false;
    let online = navigator.onLine;
    let wsSynced = false;
    let connected = false;
    let dirty = false;
    let revoked = false;
    // A write the server would not store (too large, too fast: shared/write-limits.ts) stays here
    // and in IndexedDB; the next connection sends it again, after a wait (at once it would be
    // refused again). The notice goes once a connection has stayed in sync for a moment.
    let refusal: WriteRefusal | null = null;
    let retryTimer: number | undefined;
    let clearTimer: number | undefined;
    let attempts = 0;
    const retryNow = () => {
      window.clearTimeout(retryTimer);
      if (online && !revoked) provider.connect();
    };

    const show = () => {
      const s: ReflectionSyncState = revoked
        ? "revoked"
        : refusal
          ? "refused"
          : online && connected && wsSynced
            ? "synced"
            : dirty && (!online || !connected)
              ? "offline"
              : localReady || wsSynced
                ? "local"
                : "loading";
      setState(s);
      cb.current.onState?.(s);
    };
    const count = () => {
      const n = countWords(plainText(doc));
      setWords(n);
      cb.current.onWords?.(n);
    };

    void local.whenSynced.then(() => {
      localReady = true;
      show();
    });
    const onStatus = (e: { status: "connecting" | "connected" | "disconnected" }) => {
      connected = e.status === "connected";
      if (!connected) wsSynced = false;
      show();
    };
    const onSync = (s: boolean) => {
      wsSynced = s;
      if (s) dirty = false;
      window.clearTimeout(clearTimer);
      if (s && refusal)
        clearTimer = window.setTimeout(() => {
          if (!provider.wsconnected) return;
          refusal = null;
          attempts = 0;
          setRefused(null);
          show();
        }, 2000);
      show();
    };
    // The server closes with these codes when the rights change (submitted, returned, access ended):
    // the page reloads its data and shows the new state.
    let reconnect: number | undefined;
    const onClose = (e: CloseEvent | null) => {
      const refused = e ? parseWriteRefusal(e.code, e.reason) : null;
      if (refused) {
        refusal = refused;
        provider.shouldConnect = false;
        window.clearTimeout(clearTimer);
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(retryNow, retryDelayMs(refused, attempts++));
        setRefused({ refusal: refused, retry: retryNow });
        show();
      }
      if (e?.code === 4403) {
        provider.shouldConnect = false;
        revoked = true;
        show();
      }
      if (e?.code === 4509) {
        // Submitted or returned: the page reloads its data and usually replaces the editor. Wait
        // before reconnecting, so a socket is not cut while it is still opening.
        provider.shouldConnect = false;
        window.clearTimeout(reconnect);
        reconnect = window.setTimeout(() => online && !revoked && provider.connect(), 1500);
      }
      if (e?.code === 4403 || e?.code === 4509 || e?.code === 4401) revalidate();
    };
    const onUpdate = (_u: Uint8Array, origin: unknown) => {
      // A keystroke (not the server's sync, not the local store loading) while not in sync.
      if (origin !== provider && origin !== local && !(online && connected && wsSynced)) dirty = true;
      count();
      show();
    };
    const goOffline = () => {
      online = false;
      provider.disconnect();
      show();
    };
    const goOnline = () => {
      online = true;
      if (!revoked) provider.connect();
      show();
    };
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("connection-close", onClose);
    doc.on("update", onUpdate);
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    setLive({ doc });
    cb.current.onReady?.({ encodeState: () => toBase64(Y.encodeStateAsUpdate(doc)) });
    count();
    show();
    return () => {
      window.clearTimeout(reconnect);
      window.clearTimeout(retryTimer);
      window.clearTimeout(clearTimer);
      cb.current.onReady?.(null);
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      doc.off("update", onUpdate);
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("connection-close", onClose);
      provider.destroy();
      void local.destroy();
      doc.destroy();
    };
  }, [docName, revalidate]);

  return (
    <div className="editor-wrap reflection-editor">
      <div className="sheet__head">
        {heading}
        <span
          className="editor-status"
          data-status={STATE_TONE[state]}
          data-state={state}
          role="status"
          aria-live="polite"
        >
          <span className="editor-status__dot" />
          {STATE_TEXT[state]}
        </span>
      </div>
      {refused ? <RefusalNotice refusal={refused.refusal} onRetry={refused.retry} advice={REFLECTION_ADVICE} /> : null}
      {live ? (
        <BoundEditor key={docName} doc={live.doc} readOnly={readOnly || state === "revoked"} label={label} />
      ) : (
        <div className="editor editor--loading" aria-busy="true">
          正在载入…
        </div>
      )}
      <div className="reflection-editor__foot">
        <span data-testid="live-word-count">
          <strong>{words}</strong> 字
        </span>
        <span className="muted">自动保存 · 断网也可继续写</span>
      </div>
    </div>
  );
}

function BoundEditor({ doc, readOnly, label }: { doc: Y.Doc; readOnly: boolean; label: string }) {
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: !readOnly,
      extensions: [...baseExtensions(), Collaboration.configure({ document: doc, field: EDITOR_FIELD })],
      editorProps: {
        attributes: { class: "editor__content", "aria-label": label, "data-testid": "reflection-editor" },
      },
    },
    [doc],
  );
  useEffect(() => {
    editor?.setEditable(!readOnly);
  }, [editor, readOnly]);
  return (
    <div className="editor" data-readonly={readOnly ? "" : undefined}>
      {readOnly ? null : <Toolbar editor={editor} />}
      <EditorContent editor={editor} className="editor__body" />
    </div>
  );
}
