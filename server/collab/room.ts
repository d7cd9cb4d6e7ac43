import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as awarenessProtocol from "y-protocols/awareness";
import type { WebSocket } from "ws";
import { log } from "../logger";
import { bindAwarenessUpdate, type AwarenessUser } from "./awareness";
import type { DocStore } from "./persistence";
import { COMPACT_AFTER } from "./persistence";
import {
  MSG_AUTH,
  MSG_AWARENESS,
  MSG_QUERY_AWARENESS,
  MSG_SYNC,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  awarenessMessage,
  permissionDeniedMessage,
  syncStep1Message,
  syncStep2Message,
  updateMessage,
} from "./protocol";

export interface Conn {
  ws: WebSocket;
  user: AwarenessUser;
  /** The sign-in session behind the connection, so signing out elsewhere can close it. */
  sessionId: string;
  /** Re-checked when the user's memberships change (CollabServer.revalidate). */
  access: "read" | "write";
  /** Awareness client ids this connection has announced. */
  clientIds: Set<number>;
  /** Messages that arrived before the stored state was loaded, and their total size. */
  pending: Uint8Array[];
  pendingBytes: number;
}

const LOADED = Symbol("loaded");
/** Messages (and bytes) held per connection while a document loads, before the connection is dropped. */
export const MAX_PENDING = 200;
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** Thrown for a message that breaks the protocol; the connection is closed with the reason. */
export class ProtocolError extends Error {}

/**
 * One live document: its Y.Doc, awareness and connections. Nothing is answered before the
 * stored state is loaded, and an update reaches other connections only after it is stored.
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Set<Conn>();
  readonly ready: Promise<void>;
  private loaded = false;
  private broadcastChain: Promise<void> = Promise.resolve();
  private tail = 0;

  constructor(
    readonly name: string,
    private store: DocStore,
    private onFailure: (room: Room, reason: string) => void,
    private seed?: (docName: string) => Promise<Uint8Array | null>,
  ) {
    this.awareness.setLocalState(null);
    this.ready = this.load();
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === LOADED) return;
      this.persistThenBroadcast(update, origin as Conn | null);
    });
    this.awareness.on("update", (ch: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const conn = origin as Conn | null;
      if (conn && this.conns.has(conn)) {
        for (const id of [...ch.added, ...ch.updated]) conn.clientIds.add(id);
        for (const id of ch.removed) conn.clientIds.delete(id);
      }
      const changed = [...ch.added, ...ch.updated, ...ch.removed];
      const msg = awarenessMessage(this.awareness, changed);
      for (const c of this.conns) send(c, msg);
    });
  }

  private async load() {
    const { state, tail } = await this.store.load(this.name);
    if (state) Y.applyUpdate(this.doc, state, LOADED);
    else {
      // A document never stored gets its first content stored before anyone sees it.
      const first = await this.seed?.(this.name);
      if (first) {
        await this.store.append(this.name, first);
        Y.applyUpdate(this.doc, first, LOADED);
      }
    }
    this.tail = tail;
    this.loaded = true;
    if (tail > COMPACT_AFTER) this.compactInBackground();
  }

  private persistThenBroadcast(update: Uint8Array, origin: Conn | null) {
    const stored = this.store.append(this.name, update);
    this.tail++;
    const msg = updateMessage(update);
    // Broadcasts keep the order of the updates: each waits for its own commit and the previous broadcast.
    this.broadcastChain = this.broadcastChain.then(() =>
      stored.then(
        () => {
          for (const c of this.conns) if (c !== origin) send(c, msg);
        },
        () => this.onFailure(this, "persist_failed"),
      ),
    );
  }

  /** Resolves when every update so far is stored and broadcast. */
  settled(): Promise<void> {
    return this.broadcastChain;
  }

  add(conn: Conn) {
    this.conns.add(conn);
    if (this.loaded) this.greet(conn);
    else
      this.ready.then(
        () => this.conns.has(conn) && this.greet(conn),
        () => {},
      );
  }

  private greet(conn: Conn) {
    send(conn, syncStep1Message(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) send(conn, awarenessMessage(this.awareness, states));
    const queued = conn.pending.splice(0);
    conn.pendingBytes = 0;
    for (const m of queued) this.handle(conn, m);
  }

  receive(conn: Conn, data: Uint8Array) {
    if (!this.loaded) {
      conn.pendingBytes += data.byteLength;
      if (conn.pending.length >= MAX_PENDING || conn.pendingBytes > MAX_PENDING_BYTES) {
        throw new ProtocolError("too much sent before the document loaded");
      }
      conn.pending.push(data);
      return;
    }
    this.handle(conn, data);
  }

  private handle(conn: Conn, data: Uint8Array) {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    switch (type) {
      case MSG_SYNC: {
        const step = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (step === SYNC_STEP1) {
          // Answer once every update already applied is stored: nobody receives unstored edits.
          this.settled().then(() => send(conn, syncStep2Message(this.doc, payload)));
        } else if (step === SYNC_STEP2 || step === SYNC_UPDATE) {
          if (conn.access !== "write") {
            // The client answers our sync request even when it has nothing; only real edits are refused.
            if (!isEmptyUpdate(payload)) send(conn, permissionDeniedMessage("只读：你没有编辑此文档的权限"));
            return;
          }
          try {
            Y.applyUpdate(this.doc, payload, conn);
          } catch (e) {
            throw new ProtocolError(`malformed update: ${(e as Error).message}`);
          }
        } else {
          throw new ProtocolError(`unknown sync step ${step}`);
        }
        return;
      }
      case MSG_AWARENESS: {
        const raw = decoding.readVarUint8Array(d);
        let bound: Uint8Array;
        try {
          bound = bindAwarenessUpdate(raw, conn.user, (id) => this.mayControl(conn, id));
        } catch (e) {
          throw new ProtocolError(`malformed awareness: ${(e as Error).message}`);
        }
        awarenessProtocol.applyAwarenessUpdate(this.awareness, bound, conn);
        return;
      }
      case MSG_QUERY_AWARENESS:
        send(conn, awarenessMessage(this.awareness, [...this.awareness.getStates().keys()]));
        return;
      case MSG_AUTH:
        return;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  private mayControl(conn: Conn, clientId: number): boolean {
    if (conn.clientIds.has(clientId)) return true;
    for (const c of this.conns) if (c !== conn && c.clientIds.has(clientId)) return false;
    return true;
  }

  remove(conn: Conn) {
    if (!this.conns.delete(conn)) return;
    if (conn.clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clientIds], null);
  }

  compactInBackground() {
    this.store.compact(this.name).then(
      (folded) => (this.tail = Math.max(0, this.tail - folded)),
      (e) => log.warn("collab.compact_failed", { doc: this.name, error: e }),
    );
  }

  get tailLength() {
    return this.tail;
  }

  destroy() {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** An update carrying no insertions and no deletions (what Yjs encodes for "nothing new"). */
function isEmptyUpdate(u: Uint8Array): boolean {
  return u.length === 2 && u[0] === 0 && u[1] === 0;
}

export function send(conn: Conn, msg: Uint8Array) {
  if (conn.ws.readyState !== conn.ws.OPEN) return;
  conn.ws.send(msg, (err) => err && conn.ws.terminate());
}
