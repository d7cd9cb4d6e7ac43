import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import * as Y from "yjs";
import { log } from "../logger";
import { isSameOrigin, type TrustProxy } from "../origin";
import type { AwarenessUser } from "./awareness";
import type { Cluster, ClusterCommand } from "./cluster";
import { admitWrite, DEFAULT_COLLAB_LIMITS, WriteBudgets, type CollabLimits } from "./limits";
import type { CollabMetrics } from "./metrics";
import { DocStore } from "./persistence";
import { isTransientDbError } from "../../db/errors";
import { ProtocolError, Room, refuse, type Conn } from "./room";

export const COLLAB_PREFIX = "/collab/";
/** Largest single message accepted; larger ones close the connection (1009). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/**
 * Messages (updates and presence) a connection may send: this many a second on average, and up to
 * RATE_BURST at once. A fast typist sends about two a keystroke (the edit and the cursor), so 30 to
 * 60 a second; past the limit the connection is closed (1008) like one sending malformed messages.
 */
export const RATE_PER_SECOND = 100;
export const RATE_BURST = 300;
const PING_INTERVAL_MS = 30_000;
/** How long an empty room stays in memory in case someone comes back. */
const IDLE_UNLOAD_MS = 10_000;
/** A room leaving memory folds its log when this many updates have piled up since the snapshot. */
const COMPACT_ON_UNLOAD = 50;

/**
 * Close codes the browser client acts on (app/components/collab-editor.tsx). The official
 * y-websocket client treats 4400–4499 as final (it stops reconnecting) and everything else,
 * including 4500–4599, as transient.
 */
export const CLOSE_ACCESS_REVOKED = 4403; // no access any more: final
export const CLOSE_SIGNED_OUT = 4401; // the session was ended elsewhere: final
export const CLOSE_ACCESS_CHANGED = 4509; // access changed (e.g. now read-only): reconnect and reload

export type DocAccess = "none" | "read" | "write";

export interface CollabAuth {
  /** The signed-in user and session behind the upgrade request's cookie, or null. */
  authenticate(req: IncomingMessage): Promise<{ user: AwarenessUser; sessionId: string } | null>;
  /** The user's access to the named document ("none" also for a document that does not exist). */
  authorize(userId: string, docName: string): Promise<DocAccess>;
  /** Told when a user has joined a document (joining a meeting's live page counts as presence). */
  joined?(userId: string, docName: string): Promise<void>;
  /**
   * The first content of a document that has never been stored (e.g. the minutes' outline from
   * the agenda), as one Yjs update, or null. It must be deterministic (a fixed client id), so two
   * nodes seeding at once produce the same items and Yjs keeps one copy.
   */
  seed?(docName: string): Promise<Uint8Array | null>;
  /** Told after a client's change to a document is stored (e.g. a criticism: its person's note is composed again). */
  changed?(docName: string): void;
}

/**
 * The y-websocket endpoint: authenticates and authorises the upgrade, then hands the
 * connection to the document's room. Our own room manager (docs/decisions/003).
 */
export class CollabServer {
  readonly rooms = new Map<string, Room>();
  private wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private idleTimers = new Map<string, NodeJS.Timeout>();
  private pinger: NodeJS.Timeout;
  private alive = new WeakSet<WebSocket>();
  private closing = false;
  readonly store: DocStore;
  private cluster?: Cluster;
  private metrics?: CollabMetrics;
  /** Whose X-Forwarded-Proto to believe when checking an upgrade's Origin (Express's setting). */
  private trustProxy: TrustProxy;
  readonly limits: CollabLimits;
  /** Each user's write budget on this node, shared by their connections (limits.ts). */
  private budgets: WriteBudgets;

  /**
   * `cluster` (server/collab/cluster.ts) shares live documents with other nodes; without it this
   * process works alone. `metrics` (metrics.ts) is what `/metrics` shows. `limits` caps documents,
   * writers and presence (limits.ts; the defaults unless given).
   */
  constructor(
    store: DocStore,
    private auth: CollabAuth,
    options: { cluster?: Cluster; metrics?: CollabMetrics; trustProxy?: TrustProxy; limits?: CollabLimits } = {},
  ) {
    this.store = store;
    this.trustProxy = options.trustProxy ?? (() => false);
    this.cluster = options.cluster;
    this.metrics = options.metrics;
    this.limits = options.limits ?? DEFAULT_COLLAB_LIMITS;
    this.budgets = new WriteBudgets(this.limits.writeBytesPerMinute, this.limits.writeBurstBytes);
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
    const cluster = this.cluster;
    this.metrics?.observe({
      connections: () => this.wss.clients.size,
      documents: () => this.rooms.size,
      redisConnected: cluster ? () => (cluster.isConnected ? 1 : 0) : undefined,
    });
    cluster?.bind({
      command: (c) => this.apply(c),
      nodeGone: (node) => {
        for (const room of this.rooms.values()) room.dropNode(node);
      },
      resync: (docs) => {
        for (const room of this.rooms.values())
          if (!docs || docs.includes(room.name))
            room.resync().catch((e) => log.warn("collab.resync_failed", { doc: room.name, error: e }));
      },
      usersIn: (doc) => [...this.usersIn(doc)],
    });
  }

  attach(server: Server) {
    server.on("upgrade", (req, socket, head) => {
      const path = (req.url ?? "").split("?")[0];
      if (!path.startsWith(COLLAB_PREFIX)) return; // not ours (e.g. Vite's HMR socket)
      let docName: string;
      try {
        docName = decodeURIComponent(path.slice(COLLAB_PREFIX.length));
      } catch {
        return this.refuseUpgrade(socket, 400, "Bad Request", { reason: "bad_name" });
      }
      this.upgrade(req, socket, head, docName).catch((e) => {
        log.error("collab.upgrade_failed", { doc: docName, error: e });
        // The database away (restarting): the client's reconnect, with its backoff, is the retry.
        if (isTransientDbError(e))
          this.refuseUpgrade(socket, 503, "Service Unavailable", { doc: docName, reason: "database" });
        else this.refuseUpgrade(socket, 500, "Internal Server Error", { doc: docName, reason: "error" });
      });
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, docName: string) {
    const doc = docName;
    if (this.closing) return this.refuseUpgrade(socket, 503, "Service Unavailable", { doc, reason: "closing" });
    if (!isSameOrigin(req, this.trustProxy))
      return this.refuseUpgrade(socket, 403, "Forbidden", { doc, reason: "origin" });
    const who = await this.auth.authenticate(req);
    if (!who) return this.refuseUpgrade(socket, 401, "Unauthorized", { doc, reason: "no_session" });
    const access = await this.auth.authorize(who.user.id, docName);
    // A document the user may not see answers like one that does not exist.
    if (access === "none")
      return this.refuseUpgrade(socket, 404, "Not Found", { doc, user: who.user.id, reason: "no_access" });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, docName, who.user, who.sessionId, access));
  }

  private connect(ws: WebSocket, docName: string, user: AwarenessUser, sessionId: string, access: "read" | "write") {
    ws.binaryType = "nodebuffer";
    const room = this.room(docName);
    const conn: Conn = {
      ws,
      user,
      sessionId,
      access,
      clientIds: new Set(),
      pending: [],
      pendingBytes: 0,
      metrics: this.metrics,
    };
    this.alive.add(ws);
    ws.on("pong", () => this.alive.add(ws));
    // Token bucket for RATE_PER_SECOND / RATE_BURST.
    let tokens = RATE_BURST;
    let refilledAt = performance.now();
    ws.on("message", (data: Buffer, isBinary) => {
      this.metrics?.bytesReceived.inc(data.byteLength);
      // Nothing more from a connection being closed (e.g. after a bad message): ws still delivers
      // frames that were already in flight.
      if (ws.readyState !== ws.OPEN) return;
      try {
        const now = performance.now();
        tokens = Math.min(RATE_BURST, tokens + ((now - refilledAt) / 1000) * RATE_PER_SECOND);
        refilledAt = now;
        if (tokens < 1) throw new ProtocolError(`more than ${RATE_PER_SECOND} messages a second`, "rate");
        tokens -= 1;
        if (!isBinary) throw new ProtocolError("text frame", "text_frame");
        room.receive(conn, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (e) {
        refuse(conn, docName, e);
      }
    });
    ws.on("close", (code: number) => {
      log.debug("collab.disconnect", { doc: docName, user: user.id, code });
      this.disconnect(room, conn);
    });
    ws.on("error", (e: Error & { code?: string }) => {
      if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.metrics?.reject("too_large");
        log.warn("collab.bad_message", { doc: docName, user: user.id, reason: "too_large" });
      } else log.warn("collab.socket_error", { doc: docName, user: user.id, error: e });
    });
    room.add(conn);
    log.debug("collab.connect", { doc: docName, user: user.id, access });
    this.auth.joined?.(user.id, docName).catch((e) => log.warn("collab.joined_failed", { doc: docName, error: e }));
  }

  /**
   * Re-checks the open connections of users whose memberships or roles changed. Lost access
   * closes the connection (the client stops); a change of level takes effect on the spot (a
   * connection made read-only drops edits from now on) and the client is asked to reconnect
   * so its page reloads with the new rights.
   */
  async revalidate(userIds: Iterable<string>) {
    const ids = new Set(userIds);
    this.cluster?.command({ t: "revalidate", users: [...ids] });
    await this.revalidateHere(ids);
  }

  private async revalidateHere(ids: Set<string>) {
    const checks: Promise<void>[] = [];
    for (const room of this.rooms.values()) {
      for (const conn of room.conns) {
        if (!ids.has(conn.user.id)) continue;
        checks.push(
          this.auth.authorize(conn.user.id, room.name).then((access) => {
            if (access === conn.access) return;
            log.info("collab.access_changed", { doc: room.name, user: conn.user.id, from: conn.access, to: access });
            if (access === "none") return conn.ws.close(CLOSE_ACCESS_REVOKED, "access revoked");
            conn.access = access;
            conn.ws.close(CLOSE_ACCESS_CHANGED, "access changed");
          }),
        );
      }
    }
    await Promise.all(checks);
  }

  /** Re-checks every open connection: after the tree itself changed, anyone's rights may have. */
  async revalidateAll() {
    this.cluster?.command({ t: "revalidateAll" });
    await this.revalidateAllHere();
  }

  private async revalidateAllHere() {
    const ids = new Set<string>();
    for (const room of this.rooms.values()) for (const conn of room.conns) ids.add(conn.user.id);
    await this.revalidateHere(ids);
  }

  /** Closes a user's connections that belong to sessions other than `keepSessionId` (signed out elsewhere). */
  closeSessions(userId: string, keepSessionId: string | null) {
    this.cluster?.command({ t: "closeSessions", user: userId, keep: keepSessionId });
    this.closeSessionsHere(userId, keepSessionId);
  }

  /** A permission change made on another node, applied to this node's connections. */
  private apply(c: ClusterCommand) {
    const failed = (e: unknown) => log.error("collab.revalidate_failed", { error: e });
    if (c.t === "revalidate") this.revalidateHere(new Set(c.users)).catch(failed);
    else if (c.t === "revalidateAll") this.revalidateAllHere().catch(failed);
    else if (c.t === "closeSessions") this.closeSessionsHere(c.user, c.keep);
  }

  private closeSessionsHere(userId: string, keepSessionId: string | null) {
    for (const room of this.rooms.values())
      for (const conn of room.conns)
        if (conn.user.id === userId && conn.sessionId !== keepSessionId) conn.ws.close(CLOSE_SIGNED_OUT, "signed out");
  }

  /**
   * A change made by the server itself (the agenda position, a vote's result in the minutes):
   * applied to the live document, stored, then sent to everyone connected, like a client's edit.
   */
  async edit(docName: string, change: (doc: Y.Doc) => void): Promise<void> {
    if (this.closing) throw new Error("collab server is closing");
    const room = this.room(docName);
    await room.ready;
    room.doc.transact(() => change(room.doc), null);
    await room.settled();
    if (room.conns.size === 0) this.scheduleUnload(room);
  }

  /** The state of a document open on this node (loaded), or null. */
  async liveState(docName: string): Promise<Uint8Array | null> {
    const room = this.rooms.get(docName);
    if (!room) return null;
    try {
      await room.ready;
    } catch {
      return null;
    }
    return this.rooms.get(docName) === room ? Y.encodeStateAsUpdate(room.doc) : null;
  }

  /** The users connected to a document on this node right now. */
  usersIn(docName: string): Set<string> {
    const ids = new Set<string>();
    for (const c of this.rooms.get(docName)?.conns ?? []) ids.add(c.user.id);
    return ids;
  }

  /** The users connected to a document on any node (the other nodes are asked through the cluster). */
  async presentUsers(docName: string): Promise<string[]> {
    const ids = this.usersIn(docName);
    for (const u of (await this.cluster?.usersElsewhere(docName)) ?? []) ids.add(u);
    return [...ids];
  }

  private room(docName: string): Room {
    const timer = this.idleTimers.get(docName);
    if (timer) {
      clearTimeout(timer);
      this.idleTimers.delete(docName);
    }
    let room = this.rooms.get(docName);
    if (!room) {
      // With a cluster the room subscribes to the other nodes before it loads (cluster.ts).
      let created: Room | undefined;
      const relay = this.cluster?.join(docName, {
        update: (u) => created?.receiveRemote(u),
        awareness: (u, node) => created?.receiveRemoteAwareness(u, node),
        awarenessQuery: () => created?.announceAwareness(),
      });
      room = created = new Room(docName, this.store, (r, reason) => this.fail(r, reason), this.auth.seed, {
        relay,
        metrics: this.metrics,
        admitWrite: (conn, docBytes, bytes) => admitWrite(this.limits, this.budgets, conn.user.id, docBytes, bytes),
        presenceMaxBytes: this.limits.presenceMaxBytes,
      });
      this.rooms.set(docName, room);
      const changed = this.auth.changed;
      if (changed) {
        const r = created;
        // A client's edit (its origin is the connection), once stored.
        r.doc.on("update", (_u: Uint8Array, origin: unknown) => {
          if (origin && typeof origin === "object" && "ws" in origin)
            void r.settled().then(
              () => changed(docName),
              () => undefined,
            );
        });
      }
      created.ready.catch((e) => {
        log.error("collab.load_failed", { doc: docName, error: e });
        this.fail(created, "load_failed");
      });
    }
    return room;
  }

  /** Drops a room that could not load or store: its clients reconnect and resync from the database. */
  private fail(room: Room, reason: string) {
    if (this.rooms.get(room.name) !== room) return;
    log.error("collab.room_failed", { doc: room.name, reason });
    this.rooms.delete(room.name);
    for (const c of room.conns) c.ws.close(1011, reason);
    room.destroy();
  }

  private disconnect(room: Room, conn: Conn) {
    room.remove(conn);
    if (room.conns.size > 0 || this.rooms.get(room.name) !== room) return;
    this.scheduleUnload(room);
  }

  private scheduleUnload(room: Room) {
    if (this.idleTimers.has(room.name)) return;
    const t = setTimeout(() => this.unload(room), IDLE_UNLOAD_MS);
    t.unref();
    this.idleTimers.set(room.name, t);
  }

  private async unload(room: Room) {
    this.idleTimers.delete(room.name);
    if (room.conns.size > 0 || this.rooms.get(room.name) !== room) return;
    this.rooms.delete(room.name);
    await room.settled();
    if (room.tailLength > COMPACT_ON_UNLOAD) room.compactInBackground();
    room.destroy();
  }

  /** Refuses an upgrade: counted by status, logged with the document, user and reason. */
  private refuseUpgrade(
    socket: Duplex,
    status: number,
    text: string,
    fields: { doc?: string; user?: string; reason: string },
  ) {
    this.metrics?.upgradesRejected.inc({ status: String(status) });
    if (status >= 500) log.warn("collab.upgrade_refused", { status, ...fields });
    else log.info("collab.upgrade_refused", { status, ...fields });
    reject(socket, status, text);
  }

  private ping() {
    this.budgets.sweep();
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  /** Stops taking connections, closes the open ones and waits until every update is stored. */
  async close() {
    this.closing = true;
    clearInterval(this.pinger);
    for (const t of this.idleTimers.values()) clearTimeout(t);
    for (const ws of this.wss.clients) ws.close(1001, "server shutting down");
    await Promise.all([...this.rooms.values()].map((r) => r.settled()));
    await this.store.flush();
    for (const r of this.rooms.values()) r.destroy();
    this.rooms.clear();
    this.wss.close();
  }
}

function reject(socket: Duplex, status: number, text: string) {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
