import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { log } from "../logger";
import type { CollabMetrics } from "./metrics";

/**
 * Several nodes serving the same live documents (docs/decisions/014-multi-node-redis.md).
 * Postgres stays the source of truth: a node stores only what its own clients (or the server
 * itself) changed, and publishes an update only after it is stored. Other nodes apply it with a
 * distinct origin, never store it again and never publish it again. Redis pub/sub carries:
 *
 * - `<prefix>doc:<name>`: binary [node, kind, payload]: stored updates, awareness of the
 *   sender's connections, and "send me your awareness" when a node loads the document;
 * - `<prefix>ctl`: JSON: heartbeats, goodbyes, permission changes to apply everywhere,
 *   presence queries, and "reload these documents" after a publish was lost.
 *
 * Single-node mode has none of this: the room and the server only call the small interfaces
 * below, and only when a cluster was given to them.
 */

/** What a room sends to the other nodes. */
export interface RoomRelay {
  /** Resolves once what other nodes publish for this document reaches this node (or after a short wait while Redis is down). */
  readonly ready: Promise<void>;
  /** An update this node has stored (never one that came from another node). */
  publishUpdate(update: Uint8Array): void;
  /** An awareness update about this node's connections. */
  publishAwareness(update: Uint8Array): void;
  /** Asks the other nodes to send the awareness states of their connections. */
  queryAwareness(): void;
  /** The room is gone: stop receiving for it. */
  leave(): void;
}

/** What the cluster hands to a room. */
export interface RoomPeer {
  /** An update another node has stored. */
  update(update: Uint8Array): void;
  /** An awareness update about another node's connections. */
  awareness(update: Uint8Array, node: string): void;
  /** Another node asks for the awareness states of this node's connections. */
  awarenessQuery(): void;
}

/** Permission changes made on one node that every node applies to its own connections. */
export type ClusterCommand =
  | { t: "revalidate"; users: string[] }
  | { t: "revalidateAll" }
  | { t: "closeSessions"; user: string; keep: string | null };

/** What the collaboration server answers and does for the cluster. */
export interface ClusterHost {
  command(c: ClusterCommand): void;
  /** A node stopped (goodbye) or went silent: forget the awareness states it announced. */
  nodeGone(node: string): void;
  /** Messages may have been lost: reload these documents (all when null) from the database. */
  resync(docs: string[] | null): void;
  /** The users connected to a document on this node. */
  usersIn(doc: string): string[];
}

/** The cluster as the collaboration server sees it (RedisCluster below is the one implementation). */
export interface Cluster {
  readonly nodeId: string;
  readonly isConnected: boolean;
  bind(host: ClusterHost): void;
  join(doc: string, peer: RoomPeer): RoomRelay;
  command(cmd: ClusterCommand): void;
  usersElsewhere(doc: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  url: string;
  /** Prefix of every channel, so deployments (or test runs) sharing a Redis stay apart. */
  prefix: string;
  metrics?: CollabMetrics;
  /** How often a node says it is alive; three missed beats and its awareness states are removed. */
  heartbeatMs?: number;
}

const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;
const KIND_AWARENESS_QUERY = 2;
const KIND_NAMES = ["update", "awareness", "awareness_query"] as const;

/** How long a room's load waits for its subscription while Redis does not answer. */
const SUBSCRIBE_WAIT_MS = 2_000;
/** How long a presence query waits for the other nodes' answers. */
const QUERY_WAIT_MS = 500;

type Control =
  | { t: "hello" | "hb" | "bye"; n: string }
  | { t: "cmd"; n: string; cmd: ClusterCommand }
  | { t: "who"; n: string; id: string; doc: string }
  | { t: "here"; n: string; to: string; id: string; users: string[] }
  | { t: "resync"; n: string; docs: string[] };

export class RedisCluster implements Cluster {
  readonly nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  private pub: Redis;
  private sub: Redis;
  private ctl: string;
  private docPrefix: string;
  private host?: ClusterHost;
  private rooms = new Map<string, RoomPeer>();
  /** Other nodes and when each was last heard from. */
  private peers = new Map<string, number>();
  /** Documents whose publish failed: the other nodes are told to reload them once Redis is back. */
  private missed = new Set<string>();
  private queries = new Map<string, (node: string, users: string[]) => void>();
  private subReadyBefore = false;
  private pubReadyBefore = false;
  private heartbeat: NodeJS.Timeout;
  private lastPublishLog = 0;
  private closed = false;
  private heartbeatMs: number;
  private metrics?: CollabMetrics;

  constructor(opts: ClusterOptions) {
    this.ctl = `${opts.prefix}ctl`;
    this.docPrefix = `${opts.prefix}doc:`;
    this.metrics = opts.metrics;
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    const common = {
      retryStrategy: (times: number) => Math.min(times * 100, 3_000),
      connectionName: `tongxin:${this.nodeId}`,
    };
    // Publishing never queues while disconnected: a lost publish is repaired by "resync".
    this.pub = new Redis(opts.url, { ...common, enableOfflineQueue: false });
    // Subscriptions wait for the connection and are renewed after every reconnect.
    this.sub = new Redis(opts.url, { ...common, maxRetriesPerRequest: null, autoResubscribe: true });
    this.watch(this.pub, "pub", () => {
      if (this.pubReadyBefore) this.repairMissed();
      this.pubReadyBefore = true;
    });
    this.watch(this.sub, "sub", () => {
      // Back after a drop: whatever was published meanwhile is lost; reload from the database.
      if (this.subReadyBefore) this.host?.resync(null);
      this.subReadyBefore = true;
    });
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
      try {
        this.receive(channel.toString(), message);
      } catch (e) {
        log.warn("cluster.bad_message", { channel: channel.toString(), error: e });
        this.metrics?.redisErrors.inc({ kind: "bad_message" });
      }
    });
    void this.sub
      .subscribe(this.ctl)
      .catch((e) => log.warn("cluster.subscribe_failed", { channel: this.ctl, error: e }));
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Waits (up to `ms`) until both connections are up; the node starts anyway and keeps retrying. */
  async connected(ms = 5_000): Promise<boolean> {
    const up = (r: Redis) =>
      r.status === "ready" ? Promise.resolve() : new Promise<void>((res) => r.once("ready", () => res()));
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      Promise.all([up(this.pub), up(this.sub)]).then(() => true),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms))),
    ]);
    clearTimeout(timer);
    if (!ok) log.warn("cluster.redis_unavailable", { node: this.nodeId, waitedMs: ms });
    else this.control({ t: "hello", n: this.nodeId });
    return ok;
  }

  get isConnected(): boolean {
    return this.pub.status === "ready" && this.sub.status === "ready";
  }

  /** Binds the collaboration server; called once by its constructor. */
  bind(host: ClusterHost) {
    this.host = host;
  }

  /** Starts receiving another node's messages for a document, before its room loads. */
  join(doc: string, peer: RoomPeer): RoomRelay {
    this.rooms.set(doc, peer);
    const channel = this.docPrefix + doc;
    const subscribed = this.sub.subscribe(channel).then(
      () => undefined,
      (e) => log.warn("cluster.subscribe_failed", { doc, error: e }),
    );
    let timer: NodeJS.Timeout | undefined;
    // Redis down: load now; the reconnect reloads every room anyway.
    let late = this.sub.status !== "ready";
    const ready = late
      ? Promise.resolve()
      : Promise.race([
          subscribed,
          new Promise<void>((r) => (timer = setTimeout(() => ((late = true), r()), SUBSCRIBE_WAIT_MS))),
        ]).finally(() => clearTimeout(timer));
    // A room that loaded before its subscription was confirmed may have missed an update: reload it.
    void subscribed.then(() => {
      if (late && this.rooms.get(doc) === peer && this.sub.status === "ready") this.host?.resync([doc]);
    });
    return {
      ready,
      publishUpdate: (u) => this.publishDoc(doc, KIND_UPDATE, u),
      publishAwareness: (u) => this.publishDoc(doc, KIND_AWARENESS, u),
      queryAwareness: () => this.publishDoc(doc, KIND_AWARENESS_QUERY, new Uint8Array(0)),
      leave: () => {
        if (this.rooms.get(doc) !== peer) return; // a newer room for the same document took over
        this.rooms.delete(doc);
        if (!this.closed)
          void this.sub.unsubscribe(channel).catch((e) => log.warn("cluster.unsubscribe_failed", { doc, error: e }));
      },
    };
  }

  /** Sends a permission change to every other node. */
  command(cmd: ClusterCommand) {
    this.control({ t: "cmd", n: this.nodeId, cmd });
  }

  /** The users connected to a document on the other nodes (those that answer within half a second). */
  async usersElsewhere(doc: string): Promise<string[]> {
    const waiting = new Set(this.livePeers());
    if (waiting.size === 0 || !this.isConnected) return [];
    const id = randomBytes(6).toString("hex");
    const users = new Set<string>();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.queries.delete(id);
        resolve();
      };
      const timer = setTimeout(done, QUERY_WAIT_MS);
      this.queries.set(id, (node, list) => {
        for (const u of list) users.add(u);
        waiting.delete(node);
        if (waiting.size === 0) done();
      });
      this.control({ t: "who", n: this.nodeId, id, doc });
    });
    return [...users];
  }

  /** Says goodbye (so other nodes drop this node's awareness at once) and disconnects. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.pub.status === "ready")
      await this.pub.publish(this.ctl, JSON.stringify({ t: "bye", n: this.nodeId })).catch(() => undefined);
    this.sub.disconnect();
    this.pub.disconnect();
  }

  private livePeers(): string[] {
    const now = Date.now();
    return [...this.peers].filter(([, seen]) => now - seen <= 3 * this.heartbeatMs).map(([n]) => n);
  }

  private beat() {
    this.control({ t: "hb", n: this.nodeId });
    const now = Date.now();
    for (const [node, seen] of this.peers)
      if (now - seen > 3 * this.heartbeatMs) {
        this.peers.delete(node);
        log.warn("cluster.node_silent", { node, silentMs: now - seen });
        this.host?.nodeGone(node);
      }
  }

  private publishDoc(doc: string, kind: number, payload: Uint8Array) {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, this.nodeId);
    encoding.writeVarUint(e, kind);
    encoding.writeVarUint8Array(e, payload);
    const msg = Buffer.from(encoding.toUint8Array(e));
    this.publish(this.docPrefix + doc, msg, KIND_NAMES[kind], kind === KIND_UPDATE ? doc : null);
  }

  private control(c: Control) {
    this.publish(this.ctl, Buffer.from(JSON.stringify(c)), "control", null);
  }

  private publish(channel: string, msg: Buffer, kind: string, doc: string | null) {
    if (this.closed) return;
    this.pub.publish(channel, msg).then(
      () => this.metrics?.redisPublished.inc({ kind }),
      (e) => {
        this.metrics?.redisErrors.inc({ kind: "publish" });
        if (doc) this.missed.add(doc);
        // While Redis is down the disconnect is logged once; each lost publish only counts.
        const now = Date.now();
        if (this.pub.status === "ready" && now - this.lastPublishLog > 5_000) {
          this.lastPublishLog = now;
          log.warn("cluster.publish_failed", { node: this.nodeId, kind, doc, error: (e as Error).message });
        }
      },
    );
  }

  /** Updates this node stored but could not publish: the other nodes reload those documents. */
  private repairMissed() {
    if (this.missed.size === 0) return;
    const docs = [...this.missed];
    this.missed.clear();
    log.info("cluster.resync_requested", { node: this.nodeId, docs: docs.length });
    this.control({ t: "resync", n: this.nodeId, docs });
  }

  private receive(channel: string, message: Buffer) {
    if (channel === this.ctl) return this.receiveControl(JSON.parse(message.toString()) as Control);
    if (!channel.startsWith(this.docPrefix)) return;
    const doc = channel.slice(this.docPrefix.length);
    const d = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    const node = decoding.readVarString(d);
    if (node === this.nodeId) return;
    const kind = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    this.heard(node);
    const room = this.rooms.get(doc);
    if (!room) return;
    this.metrics?.redisReceived.inc({ kind: KIND_NAMES[kind] ?? "unknown" });
    if (kind === KIND_UPDATE) room.update(payload);
    else if (kind === KIND_AWARENESS) room.awareness(payload, node);
    else if (kind === KIND_AWARENESS_QUERY) room.awarenessQuery();
  }

  private receiveControl(c: Control) {
    if (c.n === this.nodeId) return;
    this.metrics?.redisReceived.inc({ kind: "control" });
    if (c.t === "bye") {
      this.peers.delete(c.n);
      log.info("cluster.node_left", { node: c.n });
      this.host?.nodeGone(c.n);
      return;
    }
    const known = this.peers.has(c.n);
    this.heard(c.n);
    switch (c.t) {
      case "hello":
        // A node that just started learns who else is there without waiting for a heartbeat.
        if (!known) this.control({ t: "hb", n: this.nodeId });
        return;
      case "cmd":
        return this.host?.command(c.cmd);
      case "who":
        return this.control({ t: "here", n: this.nodeId, to: c.n, id: c.id, users: this.host?.usersIn(c.doc) ?? [] });
      case "here":
        if (c.to === this.nodeId) this.queries.get(c.id)?.(c.n, c.users);
        return;
      case "resync": {
        const docs = c.docs.filter((d) => this.rooms.has(d));
        if (docs.length > 0) this.host?.resync(docs);
        return;
      }
    }
  }

  private heard(node: string) {
    if (!this.peers.has(node)) log.info("cluster.node_seen", { node });
    this.peers.set(node, Date.now());
  }

  private watch(r: Redis, conn: "pub" | "sub", onReady: () => void) {
    let down = false;
    r.on("ready", () => {
      if (down) log.info("cluster.redis_reconnected", { node: this.nodeId, conn });
      down = false;
      onReady();
    });
    r.on("error", (e: Error) => {
      this.metrics?.redisErrors.inc({ kind: "connection" });
      if (!down) log.warn("cluster.redis_error", { node: this.nodeId, conn, error: e.message });
      down = true;
    });
    r.on("close", () => {
      if (this.closed || down) return;
      down = true;
      log.warn("cluster.redis_disconnected", { node: this.nodeId, conn });
    });
  }
}
