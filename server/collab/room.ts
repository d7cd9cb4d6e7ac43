import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as awarenessProtocol from "y-protocols/awareness";
import type { WebSocket } from "ws";
import { log } from "../logger";
import {
  CLOSE_WRITE_RATE,
  CLOSE_WRITE_TOO_LARGE,
  writeRefusalReason,
  writeRefusalText,
  type WriteRefusal,
} from "../../shared/write-limits";
import { awarenessClientIds, bindAwarenessUpdate, PresenceTooLarge, type AwarenessUser } from "./awareness";
import type { RoomRelay } from "./cluster";
import type { CollabMetrics, RejectReason } from "./metrics";
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
  /** Counts the bytes sent to the connection (metrics.ts), when the server keeps metrics. */
  metrics?: CollabMetrics;
}

/** Optional parts of a room: the other nodes (cluster.ts) and metrics; a single node without metrics has neither. */
export interface RoomOptions {
  relay?: RoomRelay;
  metrics?: CollabMetrics;
  /**
   * Whether a connection's write of `bytes` may go into the document, which holds `docBytes` now
   * (limits.ts: the document's cap and the writer's budget); without it every write is taken.
   */
  admitWrite?: (conn: Conn, docBytes: number, bytes: number) => WriteRefusal | null;
  /** Largest presence state a connection may announce (bytes of its JSON). */
  presenceMaxBytes?: number;
}

/** An update on its way out: who sent it (skipped), when it is stored, and whether other nodes still need it. */
interface Outgoing {
  update: Uint8Array;
  origin: Conn | null;
  stored: Promise<void>;
  publish: boolean;
  done?: () => void;
  /** Position in the room's outbox order (settled()). */
  seq?: number;
  /** Committed, waiting only for the updates ahead of it. */
  ok?: boolean;
}
const STORED = Promise.resolve();

const LOADED = Symbol("loaded");
/** Origin of what another node stored and published: applied and sent on, never stored or published again. */
const REMOTE = Symbol("remote");
/** Messages (and bytes) held per connection while a document loads, before the connection is dropped. */
export const MAX_PENDING = 200;
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/**
 * Presence client ids one connection may announce. The official client announces one (its
 * document's); states for more are dropped, so one socket cannot fill the room with capped states.
 */
export const MAX_PRESENCE_IDS_PER_CONNECTION = 4;

/** Thrown for a message that breaks the protocol; the connection is closed with the reason. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly reason: RejectReason = "protocol",
  ) {
    super(message);
  }
}

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
  /** Updates waiting for their commit, or for those ahead of them, in arrival order (enqueue). */
  private outbox: Outgoing[] = [];
  private enqueued = 0;
  private delivered = 0;
  private flushQueued = false;
  /** A commit failed: nothing more goes out, and the room is being dropped. */
  private failed = false;
  private settleWaiters: { seq: number; resolve: () => void }[] = [];
  /** Awareness client ids changed in this event-loop turn, sent together at its end. */
  private awarenessChanged = new Set<number>();
  private tail = 0;
  /** Updates from other nodes that arrived while the stored state was loading. */
  private remoteBacklog: Uint8Array[] = [];
  /** Awareness client ids announced through other nodes, and by which node. */
  private remoteOwners = new Map<number, string>();
  private relay?: RoomRelay;
  private metrics?: CollabMetrics;
  private admit?: RoomOptions["admitWrite"];
  private presenceMaxBytes?: number;
  /**
   * The document's size in bytes as stored: what was loaded plus every update stored since. A sum
   * of updates overstates the folded state (many small edits fold to less), so before refusing a
   * write for size the room measures the state itself once (`sizeIsSum` says whether it must).
   */
  private size = 0;
  private sizeIsSum = false;

  constructor(
    readonly name: string,
    private store: DocStore,
    private onFailure: (room: Room, reason: string) => void,
    private seed?: (docName: string) => Promise<Uint8Array | null>,
    options: RoomOptions = {},
  ) {
    this.relay = options.relay;
    this.metrics = options.metrics;
    this.admit = options.admitWrite;
    this.presenceMaxBytes = options.presenceMaxBytes;
    this.awareness.setLocalState(null);
    this.ready = this.load();
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === LOADED) return;
      this.size += update.byteLength;
      this.sizeIsSum = true;
      if (origin === REMOTE) return this.sendOn(update);
      this.persistThenBroadcast(update, origin as Conn | null);
    });
    this.awareness.on("update", (ch: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const conn = origin as Conn | null;
      if (conn && this.conns.has(conn)) {
        for (const id of [...ch.added, ...ch.updated]) {
          conn.clientIds.add(id);
          this.remoteOwners.delete(id); // e.g. a client that moved here from another node
        }
        for (const id of ch.removed) conn.clientIds.delete(id);
      }
      for (const id of ch.removed) this.remoteOwners.delete(id);
      const changed = [...ch.added, ...ch.updated, ...ch.removed];
      this.queueAwareness(changed);
      // Our own connections' presence goes to the other nodes (not theirs back, nor our timeouts).
      if (this.relay && (origin === null || (conn && this.conns.has(conn))))
        this.relay.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    });
  }

  private async load() {
    // Subscribe before reading: an update stored by another node after the read still reaches us.
    await this.relay?.ready;
    const { state, tail } = await this.store.load(this.name);
    if (state) {
      Y.applyUpdate(this.doc, state, LOADED);
      this.size = state.byteLength;
    } else {
      // A document never stored gets its first content stored before anyone sees it.
      const first = await this.seed?.(this.name);
      if (first) {
        await this.store.append(this.name, first);
        Y.applyUpdate(this.doc, first, LOADED);
        this.size = first.byteLength;
      }
    }
    this.tail = tail;
    this.loaded = true;
    // What other nodes stored while we were reading (Yjs ignores what the read already had).
    for (const u of this.remoteBacklog.splice(0)) this.applyRemote(u);
    this.relay?.queryAwareness();
    if (tail > COMPACT_AFTER) this.compactInBackground();
  }

  /** An update another node stored and published (cluster.ts). */
  receiveRemote(update: Uint8Array) {
    if (!this.loaded) this.remoteBacklog.push(update);
    else this.applyRemote(update);
  }

  private applyRemote(update: Uint8Array) {
    try {
      Y.applyUpdate(this.doc, update, REMOTE);
    } catch (e) {
      log.warn("collab.remote_update_failed", { doc: this.name, error: e });
    }
  }

  /** Sends on an update that is stored already (by another node): in order with our own broadcasts. */
  private sendOn(update: Uint8Array) {
    this.enqueue({ update, origin: null, stored: STORED, publish: false });
  }

  /** Presence of another node's connections. */
  receiveRemoteAwareness(update: Uint8Array, node: string) {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
      for (const id of awarenessClientIds(update))
        if (this.awareness.getStates().has(id)) this.remoteOwners.set(id, node);
        else this.remoteOwners.delete(id);
    } catch (e) {
      log.warn("collab.remote_awareness_failed", { doc: this.name, node, error: e });
    }
  }

  /** Another node (re)loaded the document: tell it who is here. */
  announceAwareness() {
    const ids = [...this.conns].flatMap((c) => [...c.clientIds]);
    if (ids.length > 0) this.relay?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  /** A node left or went silent: the presence it announced goes away. */
  dropNode(node: string) {
    const ids = [...this.remoteOwners].filter(([, n]) => n === node).map(([id]) => id);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, REMOTE);
  }

  /** Redis messages may have been lost: merge in what the database has (others' updates are stored before they are published). */
  async resync() {
    await this.ready;
    const { state } = await this.store.load(this.name);
    if (state) this.applyRemote(state);
    this.relay?.queryAwareness();
  }

  private persistThenBroadcast(update: Uint8Array, origin: Conn | null) {
    const persisted = this.metrics?.persistSeconds.startTimer();
    const broadcast = this.metrics?.broadcastSeconds.startTimer();
    const stored = this.store.append(this.name, update, origin !== null);
    if (persisted)
      stored.then(
        () => persisted(),
        () => {},
      );
    this.tail++;
    this.enqueue({ update, origin, stored, publish: true, done: broadcast });
  }

  /**
   * Coalescing (docs/decisions/015): an update waits in the outbox until it is committed and
   * everything ahead of it has gone out. Whatever is committed then goes out at once, as one merged
   * message (Y.mergeUpdates). The DocStore commits what arrived during the previous commit in one
   * transaction, so a busy room sends one message per commit to each connection instead of one per
   * update, and an update never waits for anything but its own commit and those ahead of it.
   */
  private enqueue(item: Outgoing) {
    item.seq = ++this.enqueued;
    this.outbox.push(item);
    item.stored.then(
      () => {
        item.ok = true;
        // After the other reactions of this commit (the DocStore resolves a whole batch in one
        // loop), so one commit's updates leave as one message.
        if (this.flushQueued) return;
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flushCommitted();
        });
      },
      () => {
        if (this.failed) return;
        this.failed = true;
        this.outbox = [];
        this.releaseSettled(Infinity);
        this.onFailure(this, "persist_failed");
      },
    );
  }

  private flushCommitted() {
    let n = 0;
    while (n < this.outbox.length && this.outbox[n].ok) n++;
    if (n === 0 || this.failed) return;
    const batch = this.outbox.splice(0, n);
    this.deliver(batch);
    this.delivered = batch[n - 1].seq!;
    this.releaseSettled(this.delivered);
  }

  private releaseSettled(upTo: number) {
    if (this.settleWaiters.length === 0) return;
    const ready = this.settleWaiters.filter((w) => w.seq <= upTo);
    this.settleWaiters = this.settleWaiters.filter((w) => w.seq > upTo);
    for (const w of ready) w.resolve();
  }

  /**
   * Presence changes of one event-loop turn go out as one message with each changed client's
   * latest state (a join storm or many cursor moves cost one send per connection per turn).
   */
  private queueAwareness(ids: number[]) {
    if (ids.length === 0) return;
    const scheduled = this.awarenessChanged.size > 0;
    for (const id of ids) this.awarenessChanged.add(id);
    if (scheduled) return;
    setImmediate(() => {
      const changed = [...this.awarenessChanged];
      this.awarenessChanged.clear();
      if (this.conns.size === 0) return;
      const msg = awarenessMessage(this.awareness, changed);
      for (const c of this.conns) send(c, msg);
    });
  }

  private deliver(batch: Outgoing[]) {
    const update = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((b) => b.update));
    // A sender has its own update already. A batch from one sender goes to everyone else; a batch
    // from several goes to everyone (a client applying its own edit again is a no-op for Yjs, and
    // the waste is its own few bytes inside a message it receives anyway: cheaper than a merge per sender).
    const skip = batch.every((b) => b.origin === batch[0].origin) ? batch[0].origin : null;
    const msg = updateMessage(update);
    for (const c of this.conns) if (c !== skip) send(c, msg);
    for (const b of batch) b.done?.();
    // Other nodes get our updates only once they are stored, like our own connections.
    const ours = batch.filter((b) => b.publish);
    if (this.relay && ours.length > 0)
      this.relay.publishUpdate(ours.length === batch.length ? update : Y.mergeUpdates(ours.map((b) => b.update)));
  }

  /** Resolves when every update so far is stored and broadcast (or the room failed). */
  settled(): Promise<void> {
    if (this.failed || this.outbox.length === 0) return Promise.resolve();
    const seq = this.enqueued;
    return new Promise((resolve) => this.settleWaiters.push({ seq, resolve }));
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
    for (const m of queued) {
      if (conn.ws.readyState !== conn.ws.OPEN) return;
      try {
        this.handle(conn, m);
      } catch (e) {
        // A bad message held while loading closes its connection, like one arriving later (and
        // never escapes as an unhandled rejection, which would end the process).
        refuse(conn, this.name, e);
        return;
      }
    }
  }

  receive(conn: Conn, data: Uint8Array) {
    if (!this.loaded) {
      conn.pendingBytes += data.byteLength;
      if (conn.pending.length >= MAX_PENDING || conn.pendingBytes > MAX_PENDING_BYTES) {
        throw new ProtocolError("too much sent before the document loaded", "queue_full");
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
          // The answer is what the document holds now (a bad state vector fails here, on this
          // connection), sent once all of that is stored: nobody receives unstored edits. Encoding
          // it later would take in updates applied meanwhile whose commits are still in flight.
          let answer: Uint8Array;
          try {
            answer = syncStep2Message(this.doc, payload);
          } catch (e) {
            throw new ProtocolError(`malformed state vector: ${(e as Error).message}`, "malformed");
          }
          void this.settled().then(() => {
            if (!this.failed) send(conn, answer); // a failed room closes its connections instead
          });
        } else if (step === SYNC_STEP2 || step === SYNC_UPDATE) {
          if (conn.access !== "write") {
            // The client answers our sync request even when it has nothing; only real edits are refused.
            if (!isEmptyUpdate(payload)) {
              this.metrics?.reject("read_only");
              log.debug("collab.read_only_update", { doc: this.name, user: conn.user.id, reason: "read_only" });
              send(conn, permissionDeniedMessage("只读：你没有编辑此文档的权限"));
            }
            return;
          }
          if (!isEmptyUpdate(payload)) {
            const refusal = this.admitWrite(conn, payload);
            if (refusal) return refuseWrite(conn, this.name, refusal, payload.byteLength);
          }
          try {
            Y.applyUpdate(this.doc, payload, conn);
          } catch (e) {
            throw new ProtocolError(`malformed update: ${(e as Error).message}`, "malformed");
          }
          if (!isEmptyUpdate(payload)) this.metrics?.updatesReceived.inc();
        } else {
          throw new ProtocolError(`unknown sync step ${step}`, "unknown_type");
        }
        return;
      }
      case MSG_AWARENESS: {
        const raw = decoding.readVarUint8Array(d);
        let bound: Uint8Array;
        let announced = 0; // new client ids in this message
        try {
          bound = bindAwarenessUpdate(
            raw,
            conn.user,
            (id) => {
              if (!this.mayControl(conn, id)) return false;
              if (conn.clientIds.has(id)) return true;
              return conn.clientIds.size + announced++ < MAX_PRESENCE_IDS_PER_CONNECTION;
            },
            this.presenceMaxBytes,
          );
        } catch (e) {
          if (e instanceof PresenceTooLarge) throw new ProtocolError(e.message, "presence_too_large");
          throw new ProtocolError(`malformed awareness: ${(e as Error).message}`, "malformed");
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
        throw new ProtocolError(`unknown message type ${type}`, "unknown_type");
    }
  }

  /** Whether an update from the connection may go in (RoomOptions.admitWrite), or why not. */
  private admitWrite(conn: Conn, update: Uint8Array): WriteRefusal | null {
    if (!this.admit) return null;
    const bytes = update.byteLength;
    const refusal = this.admit(conn, this.size, bytes);
    if (refusal?.kind !== "too_large" || refusal.scope !== "document") return refusal;
    // Near the cap by the sum of updates: measure the folded state once before refusing (a few ms
    // for a document of megabytes; and again only after more updates went in).
    if (this.sizeIsSum) {
      this.size = Y.encodeStateAsUpdate(this.doc).byteLength;
      this.sizeIsSum = false;
      const again = this.admit(conn, this.size, bytes);
      if (again?.kind !== "too_large" || again.scope !== "document") return again;
    }
    // An update that adds no item the document lacks (deletions only, or a reconnecting client's
    // answer carrying the whole delete set) cannot make it larger: weighed as against an empty
    // document, so a full document can still be trimmed.
    return addsNothing(this.doc, update) ? this.admit(conn, 0, bytes) : refusal;
  }

  /** The document's size as the room counts it (see `size`). */
  get sizeBytes() {
    return this.size;
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
    this.relay?.leave();
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** Whether an update holds no item beyond what the document has (deletions at most). */
function addsNothing(doc: Y.Doc, update: Uint8Array): boolean {
  let to: Map<number, number>;
  try {
    to = Y.parseUpdateMeta(update).to;
  } catch {
    return false; // malformed: let it be refused, or fail when applied
  }
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of to) if (clock > (have.get(client) ?? 0)) return false;
  return true;
}

/** An update carrying no insertions and no deletions (what Yjs encodes for "nothing new"). */
function isEmptyUpdate(u: Uint8Array): boolean {
  return u.length === 2 && u[0] === 0 && u[1] === 0;
}

/**
 * Refuses a write the limits do not allow: nothing of it is applied, stored or sent on. The writer is
 * told why (a permission-denied message in words, as for a read-only connection) and the connection
 * closes with a code the editors read as "keep it, retry later" (shared/write-limits.ts): its later
 * edits build on the refused one, so they could not be applied either until it resyncs.
 */
function refuseWrite(conn: Conn, docName: string, refusal: WriteRefusal, bytes: number) {
  const reason = refusal.kind === "rate" ? "write_rate" : "write_too_large";
  conn.metrics?.reject(reason);
  log.warn("collab.write_refused", {
    doc: docName,
    user: conn.user.id,
    reason: refusal.kind === "rate" ? reason : `${reason}:${refusal.scope}`,
    bytes,
  });
  send(conn, permissionDeniedMessage(writeRefusalText(refusal)));
  conn.ws.close(refusal.kind === "rate" ? CLOSE_WRITE_RATE : CLOSE_WRITE_TOO_LARGE, writeRefusalReason(refusal));
}

/** Closes a connection that broke the protocol (1008), with the reason logged and counted. */
export function refuse(conn: Conn, docName: string, e: unknown) {
  const reason = e instanceof ProtocolError ? e.message : String(e);
  conn.metrics?.reject(e instanceof ProtocolError ? e.reason : "protocol");
  log.warn("collab.bad_message", { doc: docName, user: conn.user.id, reason });
  conn.ws.close(1008, "protocol error");
}

export function send(conn: Conn, msg: Uint8Array) {
  if (conn.ws.readyState !== conn.ws.OPEN) return;
  conn.metrics?.bytesSent.inc(msg.byteLength);
  conn.ws.send(msg, (err) => err && conn.ws.terminate());
}
