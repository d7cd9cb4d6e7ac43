import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * What `/metrics` shows, through prom-client: one registry per app instance (tests run several in
 * one process), the collaboration server's counters and latencies, and prom-client's process and
 * Node figures (memory, CPU, handles, event-loop lag). Labels come from small fixed sets, never
 * from user data.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Why a message from a client was refused (the `reason` label of rejected_messages_total). */
export type RejectReason =
  | "read_only"
  | "text_frame"
  | "malformed"
  | "unknown_type"
  | "too_large"
  | "queue_full"
  | "rate"
  | "protocol"
  | "write_too_large"
  | "write_rate"
  | "presence_too_large";

/** What the collaboration server counts; `/metrics` renders it with the process figures. */
export class CollabMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  private counter<L extends string = never>(name: string, help: string, labelNames: L[] = []) {
    return new Counter<L>({ name, help, labelNames, registers: this.registers });
  }

  private histogram(name: string, help: string) {
    return new Histogram({ name, help, buckets: LATENCY_BUCKETS, registers: this.registers });
  }

  readonly updatesReceived = this.counter(
    "tongxin_collab_updates_received_total",
    "Document updates received from clients and applied",
  );
  readonly bytesReceived = this.counter(
    "tongxin_collab_received_bytes_total",
    "Bytes of WebSocket messages received from clients",
  );
  readonly bytesSent = this.counter("tongxin_collab_sent_bytes_total", "Bytes of WebSocket messages sent to clients");
  readonly persistSeconds = this.histogram(
    "tongxin_collab_persist_seconds",
    "Time from an update's arrival to its commit in the document's update log",
  );
  readonly broadcastSeconds = this.histogram(
    "tongxin_collab_broadcast_seconds",
    "Time from an update's arrival to its broadcast to the other connections",
  );
  readonly rejected = this.counter("tongxin_collab_rejected_messages_total", "Client messages refused, by reason", [
    "reason",
  ]);
  readonly upgradesRejected = this.counter(
    "tongxin_collab_upgrades_rejected_total",
    "WebSocket upgrades refused, by HTTP status",
    ["status"],
  );
  readonly redisPublished = this.counter(
    "tongxin_collab_redis_published_total",
    "Messages published to Redis, by kind",
    ["kind"],
  );
  readonly redisReceived = this.counter(
    "tongxin_collab_redis_received_total",
    "Messages received from other nodes through Redis, by kind",
    ["kind"],
  );
  readonly redisErrors = this.counter(
    "tongxin_collab_redis_errors_total",
    "Failed Redis publishes and connection errors, by kind",
    ["kind"],
  );

  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    // Memory, CPU, open handles, GC and event-loop lag, under prom-client's standard names.
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Registers the gauges read from the collaboration server at scrape time. */
  observe(read: { connections: () => number; documents: () => number; redisConnected?: () => number }) {
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers: this.registers,
        collect() {
          this.set(value());
        },
      });
    gauge("tongxin_collab_connections", "Open WebSocket connections on this node", read.connections);
    gauge("tongxin_collab_documents_loaded", "Live documents in memory", read.documents);
    if (read.redisConnected)
      gauge("tongxin_collab_redis_connected", "1 while both Redis connections are ready", read.redisConnected);
  }

  reject(reason: RejectReason) {
    this.rejected.inc({ reason });
  }

  /** The scrape: the text format and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
