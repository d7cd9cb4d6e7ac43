/**
 * A tiny Prometheus registry (text exposition format 0.0.4), so `/metrics` needs no dependency.
 * Counters, gauges read at scrape time, and histograms with fixed buckets; labels are plain
 * strings from a small, fixed set (never user data). One registry per app instance.
 */
type Labels = Record<string, string>;

interface Metric {
  render(): string[];
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

function num(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return Number.isNaN(v) ? "NaN" : String(v);
}

export class Counter implements Metric {
  private values = new Map<string, { labels: Labels; value: number }>();
  /** The sample without labels, kept apart: it is counted per message sent, so it must be cheap. */
  private plain = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1) {
    if (!labels) {
      this.plain += by;
      return;
    }
    const k = keyOf(labels);
    const v = this.values.get(k);
    if (v) v.value += by;
    else this.values.set(k, { labels, value: by });
  }

  get(labels?: Labels): number {
    if (!labels) return this.plain;
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.plain > 0 || this.values.size === 0) lines.push(`${this.name} ${num(this.plain)}`);
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${num(value)}`);
    return lines;
  }
}

/** A value read when scraped (open connections, loaded documents). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private read: () => number,
  ) {}

  render() {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${num(this.read())}`];
  }
}

export class Histogram implements Metric {
  private counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number) {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) this.counts[i]++;
  }

  /** Starts a timer; calling the returned function observes the seconds since. */
  startTimer(): () => void {
    const t0 = process.hrtime.bigint();
    return () => this.observe(Number(process.hrtime.bigint() - t0) / 1e9);
  }

  get observations() {
    return this.count;
  }

  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({}, ["le", num(b)])} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${num(this.sum)}`, `${this.name}_count ${this.count}`);
    return lines;
  }
}

export class Registry {
  private metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  /** The whole registry in Prometheus text format. */
  render(): string {
    return this.metrics.flatMap((m) => m.render()).join("\n") + "\n";
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

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
  readonly updatesReceived = this.registry.add(
    new Counter("tongxin_collab_updates_received_total", "Document updates received from clients and applied"),
  );
  readonly bytesReceived = this.registry.add(
    new Counter("tongxin_collab_received_bytes_total", "Bytes of WebSocket messages received from clients"),
  );
  readonly bytesSent = this.registry.add(
    new Counter("tongxin_collab_sent_bytes_total", "Bytes of WebSocket messages sent to clients"),
  );
  readonly persistSeconds = this.registry.add(
    new Histogram(
      "tongxin_collab_persist_seconds",
      "Time from an update's arrival to its commit in doc_updates",
      LATENCY_BUCKETS,
    ),
  );
  readonly broadcastSeconds = this.registry.add(
    new Histogram(
      "tongxin_collab_broadcast_seconds",
      "Time from an update's arrival to its broadcast to the other connections",
      LATENCY_BUCKETS,
    ),
  );
  readonly rejected = this.registry.add(
    new Counter("tongxin_collab_rejected_messages_total", "Client messages refused, by reason"),
  );
  readonly upgradesRejected = this.registry.add(
    new Counter("tongxin_collab_upgrades_rejected_total", "WebSocket upgrades refused, by HTTP status"),
  );
  readonly redisPublished = this.registry.add(
    new Counter("tongxin_collab_redis_published_total", "Messages published to Redis, by kind"),
  );
  readonly redisReceived = this.registry.add(
    new Counter("tongxin_collab_redis_received_total", "Messages received from other nodes through Redis, by kind"),
  );
  readonly redisErrors = this.registry.add(
    new Counter("tongxin_collab_redis_errors_total", "Failed Redis publishes and connection errors, by kind"),
  );

  /** Registers the gauges read from the collaboration server at scrape time. */
  observe(read: { connections: () => number; documents: () => number; redisConnected?: () => number }) {
    this.registry.add(
      new Gauge("tongxin_collab_connections", "Open WebSocket connections on this node", read.connections),
    );
    this.registry.add(new Gauge("tongxin_collab_documents_loaded", "Live documents in memory", read.documents));
    if (read.redisConnected)
      this.registry.add(
        new Gauge("tongxin_collab_redis_connected", "1 while both Redis connections are ready", read.redisConnected),
      );
  }

  reject(reason: RejectReason) {
    this.rejected.inc({ reason });
  }
}

/** Process figures every scrape carries. */
export function processMetrics(): string {
  const mem = process.memoryUsage();
  return [
    "# HELP process_resident_memory_bytes Resident memory size in bytes.",
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${mem.rss}`,
    "# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.",
    "# TYPE nodejs_heap_used_bytes gauge",
    `nodejs_heap_used_bytes ${mem.heapUsed}`,
    "# HELP process_uptime_seconds Seconds since the process started.",
    "# TYPE process_uptime_seconds gauge",
    `process_uptime_seconds ${process.uptime()}`,
    "",
  ].join("\n");
}
