import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Sql } from "../../db/client";
import { cpuSeconds, memory } from "../lib/proc";
import { Histogram } from "./histogram";
import type { Running } from "./servers";
import { nowUs } from "./wire";
import type { ClientSpec, DocCounts, FromWorker, ToWorker, WorkerResult } from "./worker";

// One measured load: light clients spread over worker processes, each editing on its own timer;
// the server's CPU and memory read from /proc. Returns one row of the table.

export interface LoadOptions {
  server: Running;
  docs: string[];
  perDoc: number;
  intervalMs: number;
  warmupS: number;
  durationS: number;
  workers: number;
  /** Session cookies to hand out round-robin (tongxin); null for the peers. */
  cookies: string[] | null;
  awarenessOnEdit: boolean;
  /** Node flags for the worker processes (e.g. --cpu-prof). */
  workerNodeArgs?: string[];
  /** For tongxin: the bench database, to read its backends' CPU. */
  pg?: { sql: Sql; dbName: string };
  log: (line: string) => void;
}

export interface LoadRow {
  server: string;
  docs: number;
  perDoc: number;
  intervalMs: number;
  hist: Histogram;
  /** The deliveries from a client on another node (several nodes only). */
  crossHist: Histogram;
  sent: number;
  expected: number;
  unique: number;
  lost: number;
  dup: number;
  reorder: number;
  updateMsgs: number;
  markers: number;
  selfEchoes: number;
  closedEarly: number;
  denied: number;
  serverCpuPct: number;
  peakRssKiB: number;
  pgCpuPct: number | null;
  genCpuPct: number;
  connectP50Ms: number;
  clockSkewUs: number;
  drainS: number;
  failed: number;
  errors: string[];
  /** Share of the machine's CPU time left idle during the measured window, and the 1-minute load average after it. */
  idlePct: number;
  load1: number;
  /** Tongxin's own view from /metrics over the window: mean time from arrival to commit, and to broadcast. */
  persistMs: number | null;
  broadcastMs: number | null;
  /** The same at p99, as the /metrics bucket bound it falls under. */
  persistP99Ms: number | null;
  broadcastP99Ms: number | null;
}

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker.ts");

class WorkerProc {
  readonly child: ChildProcess;
  private waiting = new Map<string, ((m: FromWorker) => void)[]>();
  exited: Promise<number | null>;

  constructor(nodeArgs: string[] = []) {
    this.child = fork(workerFile, [], {
      execArgv: [...nodeArgs, "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (m: FromWorker) => {
      const q = this.waiting.get(m.t);
      const f = q?.shift();
      f?.(m);
    });
    this.exited = new Promise((r) => this.child.once("exit", (code) => r(code)));
  }

  ask<T extends FromWorker["t"]>(msg: ToWorker, reply: T): Promise<Extract<FromWorker, { t: T }>> {
    return new Promise((resolve, reject) => {
      const q = this.waiting.get(reply) ?? [];
      q.push(resolve as (m: FromWorker) => void);
      this.waiting.set(reply, q);
      this.exited.then((code) => reject(new Error(`load worker exited (${code})`)));
      this.child.send(msg);
    });
  }

  tell(msg: ToWorker) {
    this.child.send(msg);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(o: LoadOptions): Promise<LoadRow> {
  const n = o.docs.length * o.perDoc;
  const workers = Array.from({ length: Math.max(1, Math.min(o.workers, n)) }, () => new WorkerProc(o.workerNodeArgs));
  try {
    // Clients: document by document, spread round-robin over the workers (so latency is measured
    // across processes) and over the server's nodes (so neighbours in a document sit on different nodes).
    const salt = 1 + Math.floor(Math.random() * 200_000);
    const specs: ClientSpec[][] = workers.map(() => []);
    let gid = 0;
    for (const doc of o.docs) {
      for (let local = 0; local < o.perDoc; local++, gid++) {
        const node = local % o.server.ports.length;
        const cookie = o.cookies ? o.cookies[gid % o.cookies.length] : null;
        specs[gid % workers.length].push({
          gid,
          url: o.server.url(doc, node),
          docName: doc,
          local,
          docSize: o.perDoc,
          nodes: o.server.ports.length,
          headers: o.server.headers(cookie, node),
          clientId: salt * 4096 + gid,
        });
      }
    }
    const t0 = performance.now();
    const ready = await Promise.all(
      workers.map((w, i) =>
        w.ask(
          {
            t: "setup",
            dialect: o.server.dialect,
            clients: specs[i],
            intervalMs: o.intervalMs,
            awarenessOnEdit: o.awarenessOnEdit,
            concurrency: 25,
            connectTimeoutMs: 60_000,
          },
          "ready",
        ),
      ),
    );
    const failed = ready.reduce((s, r) => s + r.failed, 0);
    const errors = ready.flatMap((r) => r.errors);
    const connectMs = ready.flatMap((r) => r.connectMs).sort((a, b) => a - b);
    o.log(
      `${n - failed}/${n} clients synced in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
        (failed ? `; ${failed} failed: ${errors.join("; ")}` : ""),
    );

    // The workers' clocks against ours (CLOCK_MONOTONIC is machine-wide, so this should be noise).
    // Per worker, the offset seen in the exchange with the shortest round trip (at most half of it).
    let skew = 0;
    for (const w of workers) {
      let best = { rtt: Infinity, offset: 0 };
      for (let k = 0; k < 5; k++) {
        const a = nowUs();
        const r = await w.ask({ t: "clock" }, "clock");
        const b = nowUs();
        if (b - a < best.rtt) best = { rtt: b - a, offset: r.us - (a + b) / 2 };
      }
      skew = Math.max(skew, Math.abs(best.offset));
    }

    const startUs = nowUs() + 300_000;
    const warmEndUs = startUs + o.warmupS * 1e6;
    const endUs = warmEndUs + o.durationS * 1e6;
    for (const w of workers) w.tell({ t: "go", startUs, warmEndUs, endUs });

    await sleep((warmEndUs - nowUs()) / 1000);
    const cpu0 = o.server.pids.map((p) => cpuSeconds(p) ?? 0);
    const machine0 = machineTicks();
    const m0 = await serverMetrics(o.server);
    const pg0 = o.pg ? await backendCpu(o.pg) : null;
    const w0 = nowUs();
    await sleep((endUs - nowUs()) / 1000);
    const cpu1 = o.server.pids.map((p) => cpuSeconds(p) ?? 0);
    const machine1 = machineTicks();
    const m1 = await serverMetrics(o.server);
    const pg1 = o.pg ? await backendCpu(o.pg) : null;
    const windowS = (nowUs() - w0) / 1e6;

    // Drain: wait until every sent edit has reached every other client, or nothing moves for 3 s.
    const drain0 = nowUs();
    let last = -1;
    let still = 0;
    for (;;) {
      await sleep(250);
      const polls = await Promise.all(workers.map((w) => w.ask({ t: "poll" }, "poll")));
      const unique = polls.reduce((s, p) => s + p.unique, 0);
      const sent = polls.reduce((s, p) => s + p.sent, 0);
      if (unique >= sent * (o.perDoc - 1)) break;
      if (unique === last) still += 250;
      else still = 0;
      last = unique;
      if (still >= 3000 || nowUs() - drain0 > 30e6) break;
    }
    const drainS = (nowUs() - drain0) / 1e6;
    const peak = o.server.pids.map((p) => memory(p)?.peakKiB ?? 0);
    const results = await Promise.all(workers.map((w) => w.ask({ t: "finish" }, "result")));
    return summarise(o, results, {
      serverCpuPct: (100 * cpu1.reduce((s, c, i) => s + c - cpu0[i], 0)) / windowS,
      peakRssKiB: Math.max(...peak),
      pgCpuPct: pg0 && pg1 ? (100 * cpuDelta(pg0, pg1)) / windowS : null,
      genWindowS: (endUs - startUs) / 1e6 + drainS,
      connectP50Ms: connectMs[Math.floor(connectMs.length / 2)] ?? NaN,
      clockSkewUs: skew,
      drainS,
      failed,
      errors,
      idlePct: (100 * (machine1.idle - machine0.idle)) / Math.max(1, machine1.total - machine0.total),
      persistMs: m0 && m1 ? meanMs(m0, m1, "tongxin_collab_persist_seconds") : null,
      broadcastMs: m0 && m1 ? meanMs(m0, m1, "tongxin_collab_broadcast_seconds") : null,
      persistP99Ms: m0 && m1 ? bucketMs(m0, m1, "tongxin_collab_persist_seconds", 99) : null,
      broadcastP99Ms: m0 && m1 ? bucketMs(m0, m1, "tongxin_collab_broadcast_seconds", 99) : null,
      load1: loadavg()[0],
    });
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  }
}

function summarise(
  o: LoadOptions,
  results: WorkerResult[],
  x: {
    serverCpuPct: number;
    peakRssKiB: number;
    pgCpuPct: number | null;
    genWindowS: number;
    connectP50Ms: number;
    clockSkewUs: number;
    drainS: number;
    failed: number;
    errors: string[];
    idlePct: number;
    load1: number;
    persistMs: number | null;
    broadcastMs: number | null;
    persistP99Ms: number | null;
    broadcastP99Ms: number | null;
  },
): LoadRow {
  const hist = new Histogram();
  const crossHist = new Histogram();
  const docs = new Map<string, DocCounts>();
  let updateMsgs = 0;
  let markers = 0;
  let selfEchoes = 0;
  let closedEarly = 0;
  let denied = 0;
  let genCpu = 0;
  for (const r of results) {
    hist.merge(r.hist);
    crossHist.merge(r.crossHist);
    for (const [name, c] of Object.entries(r.docs)) {
      const d = docs.get(name) ?? { sent: 0, unique: 0, dup: 0, reorder: 0 };
      d.sent += c.sent;
      d.unique += c.unique;
      d.dup += c.dup;
      d.reorder += c.reorder;
      docs.set(name, d);
    }
    updateMsgs += r.updateMsgs;
    markers += r.markers;
    selfEchoes += r.selfEchoes;
    closedEarly += r.closedEarly;
    denied += r.denied;
    genCpu += r.cpuSeconds;
  }
  let sent = 0;
  let expected = 0;
  let unique = 0;
  let dup = 0;
  let reorder = 0;
  for (const d of docs.values()) {
    sent += d.sent;
    expected += d.sent * (o.perDoc - 1);
    unique += d.unique;
    dup += d.dup;
    reorder += d.reorder;
  }
  return {
    server: o.server.label,
    docs: o.docs.length,
    perDoc: o.perDoc,
    intervalMs: o.intervalMs,
    hist,
    crossHist,
    sent,
    expected,
    unique,
    lost: expected - unique,
    dup,
    reorder,
    updateMsgs,
    markers,
    selfEchoes,
    closedEarly,
    denied,
    serverCpuPct: x.serverCpuPct,
    peakRssKiB: x.peakRssKiB,
    pgCpuPct: x.pgCpuPct,
    genCpuPct: (100 * genCpu) / x.genWindowS,
    connectP50Ms: x.connectP50Ms,
    clockSkewUs: x.clockSkewUs,
    drainS: x.drainS,
    failed: x.failed,
    errors: x.errors,
    idlePct: x.idlePct,
    load1: x.load1,
    persistMs: x.persistMs,
    broadcastMs: x.broadcastMs,
    persistP99Ms: x.persistP99Ms,
    broadcastP99Ms: x.broadcastP99Ms,
  };
}

/** Tongxin's /metrics (node 0), as name → value, or null for the peers or when it does not answer. */
async function serverMetrics(server: Running): Promise<Map<string, number> | null> {
  if (server.kind !== "tongxin") return null;
  try {
    const res = await fetch(`http://127.0.0.1:${server.ports[0]}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const out = new Map<string, number>();
    for (const line of (await res.text()).split("\n")) {
      const m = /^([a-z_]+(?:\{[^}]*\})?) ([\d.e+-]+)$/.exec(line);
      if (m) out.set(m[1], Number(m[2]));
    }
    return out;
  } catch {
    return null;
  }
}

/** The bucket bound (ms) under which p% of a Prometheus histogram's observations over the window fell. */
function bucketMs(a: Map<string, number>, b: Map<string, number>, name: string, p: number): number | null {
  const n = (b.get(`${name}_count`) ?? 0) - (a.get(`${name}_count`) ?? 0);
  if (n <= 0) return null;
  const bounds = [...b.keys()]
    .map((k) => new RegExp(`^${name}_bucket\\{le="([\\d.e+-]+)"\\}$`).exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ le: Number(m[1]), key: m[0] }))
    .sort((x, y) => x.le - y.le);
  for (const { le, key } of bounds) if ((b.get(key) ?? 0) - (a.get(key) ?? 0) >= (p / 100) * n) return le * 1000;
  return Infinity;
}

/** Mean of a Prometheus histogram over the window, in ms (null without observations). */
function meanMs(a: Map<string, number>, b: Map<string, number>, name: string): number | null {
  const n = (b.get(`${name}_count`) ?? 0) - (a.get(`${name}_count`) ?? 0);
  const sum = (b.get(`${name}_sum`) ?? 0) - (a.get(`${name}_sum`) ?? 0);
  return n > 0 ? (1000 * sum) / n : null;
}

/** The machine's CPU ticks from /proc/stat: idle (idle + iowait) and all. */
function machineTicks(): { idle: number; total: number } {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + f[4], total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return { idle: 0, total: 0 };
  }
}

/** CPU seconds of each PostgreSQL backend serving the app (application_name tongxin), by pid. */
async function backendCpu(pg: { sql: Sql; dbName: string }): Promise<Map<number, number>> {
  const rows = await pg.sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${pg.dbName} and application_name = 'tongxin'`;
  return new Map(
    rows.flatMap((r) => {
      const s = cpuSeconds(r.pid);
      return s === null ? [] : [[r.pid, s] as [number, number]];
    }),
  );
}

function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [pid, v] of b) s += v - (a.get(pid) ?? 0);
  return s;
}
