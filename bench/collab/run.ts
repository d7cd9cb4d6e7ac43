import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as Y from "yjs";
import { ensureBuild } from "../../server/build";
import { foldUpdates } from "../../server/collab/persistence";
import { connect, redact, splitUrl } from "../lib/db";
import { machine, memory } from "../lib/proc";
import { fmtBytes, fmtInt, table } from "../lib/stats";
import { timeOpen, storeUpdates, typingUpdates } from "./cold";
import { runLoad, type LoadRow } from "./load";
import { BENCH_USERS, clearDocs, collabBenchDatabaseUrl, prepare } from "./prepare";
import { SERVER_KINDS, signIn, startServer, type Running, type ServerKind } from "./servers";
import { OwnDoc, marker, markersViaYjs, scanMarkers } from "./wire";

// Live-document load: Tongxin's collab server next to @y/websocket-server and Hocuspocus, under the
// same load of light y-websocket clients in separate worker processes. Prints figures; not a test.
// See bench/README.md ("Live documents") for the method and flags.

const { values: args } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true },
    servers: { type: "string" },
    repeat: { type: "string", default: "1" },
    clients: { type: "string" },
    interval: { type: "string", default: "500" },
    docs: { type: "string", default: "200" },
    "per-doc": { type: "string", default: "10" },
    "docs-interval": { type: "string", default: "2000" },
    duration: { type: "string" },
    warmup: { type: "string" },
    workers: { type: "string", default: "2" },
    nodes: { type: "string", default: "2,3" },
    "cluster-clients": { type: "string", default: "50,200" },
    "cold-updates": { type: "string" },
    "awareness-on-edit": { type: "boolean", default: false },
    port: { type: "string", default: "3400" },
    fresh: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    env: { type: "string", multiple: true },
    "node-arg": { type: "string", multiple: true },
    "worker-node-arg": { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  console.log(`用法 usage: tsx bench/collab/run.ts [options]   (npm run bench:collab -- [options])
  --scenario NAME      fanout | docs | cold | cluster | all (repeatable or comma-separated;
                       default: fanout, docs, cold; cluster runs only when asked for or with all)
  --servers LIST       tongxin,y-websocket-server,hocuspocus (default: all three side by side);
                       "tongxin:K=V" is Tongxin with extra environment, e.g. to compare a switch
  --repeat N           run every row N times, interleaved (for a noisy machine; default 1)
  --clients LIST       editors of the one document in fanout (default 10,50,100,200,400)
  --interval MS        fanout: each editor sends an update every MS (default 500)
  --docs N --per-doc K documents × clients in docs (default 200 × 10)
  --docs-interval MS   docs: each client edits every MS (default 2000)
  --duration S         measured seconds per row (default 12; --quick 5)
  --warmup S           seconds first sent and not timed (default 3; --quick 2)
  --workers N          load-generator processes (default 2)
  --nodes LIST         cluster: Tongxin nodes behind Redis (default 2,3; REDIS_URL or redis://127.0.0.1:6379)
  --cluster-clients L  cluster: editors of one document (default 50,200)
  --cold-updates N     cold: updates stored in the document's log (default 100000; --quick 20000)
  --awareness-on-edit  send a cursor (awareness) update with every edit, as a typing TipTap client does
  --env K=V            extra environment for the Tongxin server (repeatable), e.g. to compare a switch
  --node-arg FLAG      extra Node flag for the Tongxin server (repeatable), e.g. --cpu-prof
  --worker-node-arg F  extra Node flag for the load workers (repeatable)
  --port P             first port to use (default 3400)
  --fresh              drop and recreate the bench database first
  --quick              shorter rows, fanout 10,100,200 only, 50 × 10 documents
  --json FILE          also write the rows as JSON
  BENCH_COLLAB_DATABASE_URL (default ${redact(collabBenchDatabaseUrl())})`);
  process.exit(0);
}

const root = process.cwd();
const quick = args.quick!;
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const int = (raw: string, name: string, min = 1) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: an integer ≥ ${min}, got ${raw}`);
  return n;
};
const scenarios = new Set((args.scenario ?? ["fanout,docs,cold"]).flatMap(list));
if (scenarios.has("all")) ["fanout", "docs", "cold", "cluster"].forEach((s) => scenarios.add(s));
for (const s of scenarios)
  if (!["fanout", "docs", "cold", "cluster", "all"].includes(s)) throw new Error(`--scenario: ${s}?`);
/** A server to run: its kind and, for a Tongxin variant ("tongxin:K=V"), extra environment. */
interface ServerSpec {
  kind: ServerKind;
  env: Record<string, string>;
  name: string;
}
const servers: ServerSpec[] = (args.servers ? list(args.servers) : SERVER_KINDS).map((name) => {
  const [kind, ...kv] = name.split(":");
  if (!SERVER_KINDS.includes(kind as ServerKind)) throw new Error(`--servers: ${name}? (${SERVER_KINDS.join(", ")})`);
  if (kv.length > 0 && kind !== "tongxin") throw new Error(`--servers: only tongxin takes K=V (${name})`);
  const env = Object.fromEntries(kv.map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)]));
  return { kind: kind as ServerKind, env, name };
});
const repeat = int(args.repeat!, "--repeat");
const fanout = (
  args.clients ? list(args.clients) : quick ? ["10", "100", "200"] : ["10", "50", "100", "200", "400"]
).map((x) => int(x, "--clients", 2));
const interval = int(args.interval!, "--interval");
const docsN = quick && args.docs === "200" ? 50 : int(args.docs!, "--docs");
const perDoc = int(args["per-doc"]!, "--per-doc", 2);
const docsInterval = int(args["docs-interval"]!, "--docs-interval");
const duration = Number(args.duration ?? (quick ? 5 : 12));
const warmup = Number(args.warmup ?? (quick ? 2 : 3));
const workers = int(args.workers!, "--workers");
const nodes = list(args.nodes!).map((x) => int(x, "--nodes", 2));
const clusterClients = list(args["cluster-clients"]!).map((x) => int(x, "--cluster-clients", 2));
const coldUpdates = int(args["cold-updates"] ?? (quick ? "20000" : "100000"), "--cold-updates");
const basePort = int(args.port!, "--port");
const extraEnv = Object.fromEntries(
  (args.env ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const dbUrl = collabBenchDatabaseUrl();
const started = Date.now();

console.log(`同心 bench: live documents — ${new Date().toISOString()}`);
console.log(`  machine   ${machine()}`);
console.log(
  `  load      ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (1/5/15 min)`,
);
console.log(`  database  ${redact(dbUrl)}`);
console.log(`  commit    ${gitCommit()}`);
console.log(
  `  servers   ${servers.map((x) => x.name).join(", ")}; scenarios ${[...scenarios].filter((s) => s !== "all").join(", ")}`,
);
console.log(`  rows      ${warmup} s warm-up + ${duration} s measured; ${workers} load worker processes\n`);

selfCheck();
if (servers.some((x) => x.kind !== "tongxin")) ensurePeers();
if (servers.some((x) => x.kind === "hocuspocus")) ensureBetterSqlite();
ensureBuild(root, (m) => console.log(`  ${m}`));

const needDocs = 2 + (scenarios.has("docs") ? docsN : 0);
const prepared = await prepare(dbUrl, needDocs, args.fresh!);
const [fanoutDoc, coldDoc] = [prepared.docs[0], prepared.docs[1]];
const manyDocs = prepared.docs.slice(2, 2 + docsN);
const sql = connect(dbUrl, 2);
const dbName = splitUrl(dbUrl).name;
let cookies: string[] | null = null;
const rows: { scenario: string; row: LoadRow }[] = [];
const cold: string[][] = [];
let current: Running | null = null;
// Never leave a server under test running behind us.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(
    signal,
    () => void ((current as Running | null)?.stop() ?? Promise.resolve()).then(() => process.exit(130)),
  );

try {
  if (scenarios.has("fanout")) {
    console.log(`Fan-out: one document, each editor sends an update every ${interval} ms`);
    for (const n of fanout)
      for (let i = 0; i < repeat; i++) for (const x of servers) await row("fanout", x, [fanoutDoc], n, interval);
    printTable("fanout");
  }
  if (scenarios.has("docs")) {
    console.log(`Many documents: ${docsN} documents × ${perDoc} clients, one edit per client every ${docsInterval} ms`);
    for (let i = 0; i < repeat; i++) for (const x of servers) await row("docs", x, manyDocs, perDoc, docsInterval);
    printTable("docs");
  }
  if (scenarios.has("cluster")) {
    console.log(`Several Tongxin nodes behind Redis (${redisUrl}): clients of one document spread over the nodes`);
    for (const k of nodes)
      for (const n of clusterClients)
        for (let i = 0; i < repeat; i++)
          await row("cluster", { kind: "tongxin", env: {}, name: "tongxin" }, [fanoutDoc], n, interval, k);
    printTable("cluster");
  }
  if (scenarios.has("cold")) await coldOpen();
} finally {
  await (current as Running | null)?.stop();
  await sql.end({ timeout: 5 });
}
console.log(`\nwhole run ${((Date.now() - started) / 60000).toFixed(1)} min`);
if (args.json) {
  writeFileSync(
    args.json,
    JSON.stringify(
      {
        machine: machine(),
        commit: gitCommit(),
        rows: rows.map(({ scenario, row: r }) => ({ scenario, ...jsonRow(r) })),
        cold,
      },
      null,
      2,
    ),
  );
}

// ---------------------------------------------------------------------------------------------

async function start(kind: ServerKind, nodeCount = 1, env: Record<string, string> = {}): Promise<Running> {
  const s = await startServer(kind, {
    root,
    basePort,
    dbUrl,
    nodes: nodeCount,
    redisUrl: nodeCount > 1 ? redisUrl : undefined,
    env: { ...extraEnv, ...env },
    nodeArgs: args["node-arg"],
  });
  if (Object.keys(env).length > 0)
    s.label = `${s.label} ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`;
  current = s;
  if (kind === "tongxin" && !cookies) {
    const origin = `http://127.0.0.1:${s.ports[0]}`;
    // Two demo users who may write every bench meeting's minutes; sessions outlive server restarts.
    cookies = [];
    for (const u of BENCH_USERS) cookies.push(await signIn(origin, u, prepared.password));
  }
  return s;
}

async function row(scenario: string, spec: ServerSpec, docs: string[], per: number, everyMs: number, nodeCount = 1) {
  const kind = spec.kind;
  if (kind === "tongxin") await clearDocs(sql, docs);
  let s: Running;
  try {
    s = await start(kind, nodeCount, spec.env);
  } catch (e) {
    console.log(`  ${kind}: did not start: ${(e as Error).message}`);
    return;
  }
  const label = `${s.label} · ${docs.length > 1 ? `${docs.length}×${per}` : per}`;
  try {
    const r = await runLoad({
      server: s,
      docs,
      perDoc: per,
      intervalMs: everyMs,
      warmupS: warmup,
      durationS: duration,
      workers,
      cookies: kind === "tongxin" ? cookies : null,
      awarenessOnEdit: args["awareness-on-edit"]!,
      workerNodeArgs: args["worker-node-arg"],
      pg: kind === "tongxin" ? { sql, dbName } : undefined,
      log: (line) => console.log(`  ${label}: ${line}`),
    });
    rows.push({ scenario, row: r });
    console.log(
      `  ${label}: p50 ${ms(r.hist.percentileMs(50))} p99 ${ms(r.hist.percentileMs(99))} max ${ms(r.hist.maxUs / 1000)} ms; ` +
        `lost ${r.lost}, dup ${r.dup}, reorder ${r.reorder}; server CPU ${r.serverCpuPct.toFixed(0)}%, ` +
        `generator CPU ${r.genCpuPct.toFixed(0)}%, drain ${r.drainS.toFixed(1)} s` +
        (r.crossHist.n > 0
          ? `; across nodes p50 ${ms(r.crossHist.percentileMs(50))} p99 ${ms(r.crossHist.percentileMs(99))} ms`
          : "") +
        (r.persistMs !== null
          ? `; server-side arrival→commit mean ${ms(r.persistMs)} ms (p99 ≤ ${ms(r.persistP99Ms ?? NaN)}), ` +
            `→broadcast mean ${ms(r.broadcastMs ?? NaN)} ms (p99 ≤ ${ms(r.broadcastP99Ms ?? NaN)})`
          : ""),
    );
  } catch (e) {
    console.log(`  ${label}: failed: ${(e as Error).message}`);
  } finally {
    await s.stop();
    current = null;
  }
}

function printTable(scenario: string) {
  const mine = rows.filter((r) => r.scenario === scenario).map((r) => r.row);
  if (mine.length === 0) return;
  console.log(
    "\n" +
      table(
        [
          "server",
          "clients",
          "p50 ms",
          "p95 ms",
          "p99 ms",
          "max ms",
          "lost",
          "dup",
          "reord",
          "srv CPU",
          "peak RSS",
          "pg CPU",
          "edits/msg",
          "gen CPU",
          "idle",
          "load",
        ],
        mine.map((r) => [
          r.server,
          r.docs > 1 ? `${r.docs}×${r.perDoc}` : String(r.perDoc),
          ms(r.hist.percentileMs(50)),
          ms(r.hist.percentileMs(95)),
          ms(r.hist.percentileMs(99)),
          ms(r.hist.maxUs / 1000),
          lossCell(r.lost, r.expected),
          fmtInt(r.dup),
          fmtInt(r.reorder),
          `${r.serverCpuPct.toFixed(0)}%`,
          fmtBytes(r.peakRssKiB * 1024),
          r.pgCpuPct === null ? "—" : `${r.pgCpuPct.toFixed(0)}%`,
          r.updateMsgs ? (r.markers / r.updateMsgs).toFixed(2) : "—",
          `${r.genCpuPct.toFixed(0)}%`,
          `${r.idlePct.toFixed(0)}%`,
          r.load1.toFixed(1),
        ]),
      ) +
      "\n",
  );
  for (const r of mine.filter((r) => r.crossHist.n > 0))
    console.log(
      `  across nodes ${r.server} ${r.docs}×${r.perDoc} (receiver on another node than the sender, ` +
        `${fmtInt(r.crossHist.n)} deliveries): p50 ${ms(r.crossHist.percentileMs(50))}, ` +
        `p95 ${ms(r.crossHist.percentileMs(95))}, p99 ${ms(r.crossHist.percentileMs(99))}, max ${ms(r.crossHist.maxUs / 1000)} ms`,
    );
  const notes = mine.filter((r) => r.failed || r.closedEarly || r.denied || r.selfEchoes);
  for (const r of notes)
    console.log(
      `  note ${r.server} ${r.docs}×${r.perDoc}: ` +
        [
          r.failed ? `${r.failed} clients failed to connect (${r.errors[0]})` : "",
          r.closedEarly ? `${r.closedEarly} connections closed during the run` : "",
          r.denied ? `${r.denied} permission-denied messages` : "",
          r.selfEchoes ? `${fmtInt(r.selfEchoes)} of the clients' own edits sent back to them` : "",
        ]
          .filter(Boolean)
          .join("; "),
    );
  const skew = Math.max(...mine.map((r) => r.clockSkewUs));
  console.log(
    `  (latencies over ${fmtInt(mine.reduce((s, r) => s + r.hist.n, 0))} deliveries; worker clock check within ${(skew / 1000).toFixed(2)} ms)\n`,
  );
}

async function coldOpen() {
  console.log(`Cold open: one document with ${fmtInt(coldUpdates)} stored updates (Tongxin)`);
  const t = performance.now();
  const updates = typingUpdates(coldUpdates);
  const bytes = updates.reduce((s, u) => s + u.byteLength, 0);
  await clearDocs(sql, [coldDoc, fanoutDoc]);
  await storeUpdates(sql, coldDoc, updates);
  const folded = foldUpdates(updates);
  console.log(
    `  stored ${fmtInt(updates.length)} updates (${fmtBytes(bytes)}; ${fmtBytes(folded.byteLength)} as one state) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const out: string[][] = [];
  const s1 = await start("tongxin");
  const pid = s1.pids[0];
  const url = s1.url(coldDoc, 0);
  const headers = s1.headers(cookies![0], 0);
  try {
    const empty = await timeOpen(s1.url(fanoutDoc, 0), headers, fanoutDoc, "y");
    empty.ws.terminate();
    out.push([
      "small document (outline only), new server",
      ms(empty.upgradeMs),
      ms(empty.syncMs),
      fmtBytes(empty.bytes),
      fmtBytes(memory(pid)!.peakKiB * 1024),
    ]);
    const first = await timeOpen(url, headers, coldDoc, "y");
    out.push([
      `${fmtInt(coldUpdates)} updates in the log, no snapshot`,
      ms(first.upgradeMs),
      ms(first.syncMs),
      fmtBytes(first.bytes),
      fmtBytes(memory(pid)!.peakKiB * 1024),
    ]);
    const warm = await timeOpen(url, headers, coldDoc, "y");
    out.push([
      "same, a second client (room in memory; the server is folding the log meanwhile)",
      ms(warm.upgradeMs),
      ms(warm.syncMs),
      fmtBytes(warm.bytes),
      fmtBytes(memory(pid)!.peakKiB * 1024),
    ]);
    // Loading a long log folds it into the snapshot in the background (COMPACT_AFTER); wait for it.
    const c0 = performance.now();
    for (;;) {
      const [{ n }] = await sql<
        { n: number }[]
      >`select count(*)::int as n from doc_updates where doc_name = ${coldDoc}`;
      if (n < 50) break;
      if (performance.now() - c0 > 300_000) throw new Error(`compaction not done after 300 s (${n} updates left)`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(
      `  the server folded the log into a snapshot ${((performance.now() - c0) / 1000).toFixed(1)} s after the first sync`,
    );
    first.ws.terminate();
    warm.ws.terminate();
  } finally {
    await s1.stop();
  }
  const s2 = await start("tongxin");
  try {
    const after = await timeOpen(url, headers, coldDoc, "y");
    after.ws.terminate();
    out.push([
      "after compaction (snapshot), new server",
      ms(after.upgradeMs),
      ms(after.syncMs),
      fmtBytes(after.bytes),
      fmtBytes(memory(s2.pids[0])!.peakKiB * 1024),
    ]);
  } finally {
    await s2.stop();
    current = null;
  }
  cold.push(...out);
  console.log("\n" + table(["open", "upgrade ms", "first sync ms", "SyncStep2", "server peak RSS"], out) + "\n");
}

// ---------------------------------------------------------------------------------------------

/** The marker scanner must find exactly what Yjs's decoder finds, in single and merged updates. */
function selfCheck() {
  const a = new OwnDoc(11);
  const b = new OwnDoc(12);
  const ua = [a.edit(marker(0, 0, 123)), a.edit(marker(0, 1, 456))];
  const ub = [b.edit(marker(1, 0, 789))];
  for (const u of [ua[0], Y.mergeUpdates([...ua, ...ub]), Y.mergeUpdates([ub[0], ua[1]])]) {
    const viaScan: string[] = [];
    scanMarkers(u, (s, q, t) => viaScan.push(`${s}.${q}.${t}`));
    const viaYjs = markersViaYjs(u).map((m) => `${m.sender}.${m.seq}.${m.sentUs}`);
    if (viaScan.sort().join() !== viaYjs.sort().join()) throw new Error(`marker scan ${viaScan} ≠ Yjs ${viaYjs}`);
  }
}

/**
 * The peer servers (@y/websocket-server, Hocuspocus) are a package of their own in bench/peers, so
 * the app's `npm install` neither fetches them nor warns about their engines (Hocuspocus 4 asks for
 * Node 22; it runs here on 20). Installed from its lockfile on first use, and again when that changes.
 */
function ensurePeers() {
  const dir = path.join(root, "bench/peers");
  const installed = path.join(dir, "node_modules/.package-lock.json");
  const lock = path.join(dir, "package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("  installing the peer servers into bench/peers (npm ci, once)…");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
}

/** better-sqlite3 (Hocuspocus's SQLite extension) is a native addon: bench/peers/package.json denies its install script (allowScripts) so the install stays fast; build it here once. */
function ensureBetterSqlite() {
  const require = createRequire(path.join(root, "bench/peers/package.json"));
  try {
    // Requiring the package loads nothing native; opening a database loads the addon.
    const Database = require("better-sqlite3");
    new Database(":memory:").close();
    return;
  } catch {
    // not built yet
  }
  const dir = path.dirname(require.resolve("better-sqlite3/package.json"));
  console.log(`  building better-sqlite3 for Hocuspocus's SQLite extension once (node-gyp; a few minutes)…`);
  execFileSync("npm", ["run", "build-release"], { cwd: dir, stdio: "inherit" });
  if (!existsSync(path.join(dir, "build/Release/better_sqlite3.node"))) throw new Error("better-sqlite3 did not build");
}

function ms(v: number): string {
  if (!Number.isFinite(v)) return "—";
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : fmtInt(Math.round(v));
}

function lossCell(lost: number, expected: number): string {
  if (lost === 0) return "0";
  return `${fmtInt(lost)} (${((100 * lost) / expected).toFixed(lost * 1000 < expected ? 2 : 1)}%)`;
}

function jsonRow(r: LoadRow) {
  const { hist, crossHist, ...rest } = r;
  return {
    ...rest,
    acrossNodes:
      crossHist.n > 0 ? { p50: crossHist.percentileMs(50), p99: crossHist.percentileMs(99), n: crossHist.n } : null,
    p50: hist.percentileMs(50),
    p95: hist.percentileMs(95),
    p99: hist.percentileMs(99),
    max: hist.maxUs / 1000,
    n: hist.n,
  };
}

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const diff = execFileSync("git", ["diff", "HEAD", "--", "server"], { encoding: "utf8" });
    return diff
      ? `${head} + uncommitted server changes (${createHash("sha1").update(diff).digest("hex").slice(0, 8)})`
      : head;
  } catch {
    return "unknown";
  }
}
