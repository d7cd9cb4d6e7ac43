import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureBuild } from "../server/build";
import { chinaParts } from "../shared/time";
import { BENCH_PASSWORD, BRANCH_SECRETARY, COMMITTEE_SECRETARY } from "./lib/accounts";
import { benchDatabaseUrl, connect, redact, splitUrl } from "./lib/db";
import { cpuSeconds, machine, memory } from "./lib/proc";
import { fmtBytes, fmtInt, fmtMs, fmtSeconds, percentile, table } from "./lib/stats";

// Response times of the pages a 党委 and a branch secretary open, against the large dataset
// (bench/seed-large.ts). Starts the production server in a separate process, signs in through
// /login like a browser, then times sequential and concurrent GETs. Prints figures; not a test.
//
//   tsx bench/dashboard.ts [--n 30] [--warmup 3] [--concurrency 10] [--port 3300] [--month 2026-11]

const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    concurrency: { type: "string", default: "10" },
    port: { type: "string", default: "3300" },
    month: { type: "string" },
    reminders: { type: "boolean", default: false },
    only: { type: "string" },
    variant: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(`用法 usage: tsx bench/dashboard.ts [options]
  --n 30            timed requests per row (after the warm-up)
  --warmup 3        untimed requests first
  --concurrency 10  parallel requests in the concurrent runs (0 to skip them)
  --port 3300       where the server under test listens (127.0.0.1)
  --month YYYY-MM   the month the calendars show (default: this month, China time)
  --reminders       leave the app's periodic reminders on (off by default: they write notifications)
  --only TEXT       only the rows whose label contains TEXT
  --variant FILE    also time each row with FILE's "-- on" SQL applied (e.g. candidate indexes or
                    database settings), in the same server right after the baseline; its "-- off"
                    SQL restores the baseline (repeatable; see bench/variants/)
  BENCH_DATABASE_URL (default ${redact(benchDatabaseUrl())}), filled by bench/seed-large.ts`);
  process.exit(0);
}

const N = int(args.n!, "--n", 1);
const WARMUP = int(args.warmup!, "--warmup", 0);
const CONCURRENCY = int(args.concurrency!, "--concurrency", 0);
const PORT = int(args.port!, "--port", 1);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const root = process.cwd();

function int(raw: string, name: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: an integer ≥ ${min}, got ${raw}`);
  return n;
}

const now = new Date();
const today = chinaParts(now);
const month = args.month ?? `${today.year}-${String(today.month).padStart(2, "0")}`;
if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`--month: YYYY-MM, got ${month}`);

const dbUrl = benchDatabaseUrl();
console.log(`同心 bench: 党委 dashboard and calendars — ${now.toISOString()}`);
console.log(`  machine   ${machine()}`);
console.log(`  database  ${redact(dbUrl)}`);
console.log(`  commit    ${gitCommit()}`);

/** A variant: SQL that changes the database (indexes, settings) and SQL that undoes it. */
interface Variant {
  name: string;
  on: string;
  off: string;
}
const variants: Variant[] = (args.variant ?? []).map((file) => {
  const text = readFileSync(file, "utf8");
  const on = /^--\s*on\s*$([\s\S]*?)(?=^--\s*off\s*$|(?![\s\S]))/m.exec(text)?.[1].trim();
  const off = /^--\s*off\s*$([\s\S]*)/m.exec(text)?.[1].trim();
  if (!on || !off) throw new Error(`${file}: needs a "-- on" and an "-- off" section`);
  return { name: path.basename(file).replace(/\.sql$/, ""), on, off };
});

// ------------------------------------------------------------------------------------------
// What to ask for: the seeded 党委 and the branch of the well-known secretary.

const ids = await (async () => {
  const sql = connect(dbUrl);
  try {
    const [c] = await sql<{ id: string; name: string }[]>`
      select o.id, o.name from organizations o join memberships m on m.org_id = o.id and m.ended_at is null
      join users u on u.id = m.user_id where u.username = ${COMMITTEE_SECRETARY.username} and o.kind = 'committee'`;
    const [b] = await sql<{ id: string; name: string }[]>`
      select o.id, o.name from organizations o join memberships m on m.org_id = o.id and m.ended_at is null
      join users u on u.id = m.user_id where u.username = ${BRANCH_SECRETARY.username} and o.kind = 'branch'`;
    const [counts] = await sql<{ users: number; branches: number; meetings: number; attendance: number; pg: string }[]>`
      select (select count(*)::int from users) as users,
        (select count(*)::int from organizations where kind = 'branch') as branches,
        (select count(*)::int from meetings) as meetings,
        (select reltuples::bigint::int from pg_class where relname = 'attendance') as attendance,
        current_setting('server_version') as pg`;
    return { committee: c, branch: b, counts };
  } catch (e) {
    throw new Error(
      `读不到基准数据库 (cannot read the bench database): ${(e as Error).message}
先运行 (run first): npx tsx bench/seed-large.ts --fresh`,
      { cause: e },
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
})();
if (!ids.committee || !ids.branch) {
  console.error(`基准账号不存在 (bench sign-ins missing); run: npx tsx bench/seed-large.ts --fresh`);
  process.exit(1);
}
const { counts } = ids;
console.log(
  `  dataset   ${fmtInt(counts.branches)} branches, ${fmtInt(counts.users)} users, ${fmtInt(counts.meetings)} meetings, ` +
    `~${fmtInt(counts.attendance)} attendance rows; PostgreSQL ${counts.pg}`,
);
console.log(`  党委      ${ids.committee.name} ${ids.committee.id}`);
console.log(`  党支部    ${ids.branch.name} ${ids.branch.id}`);
console.log(`  month     ${month}; n=${N} after ${WARMUP} warm-up; concurrency ${CONCURRENCY}\n`);

// ------------------------------------------------------------------------------------------
// Build (if stale) and start the server under test in its own process.

{
  const t = performance.now();
  ensureBuild(root, (m) => console.log(`  ${m}`));
  console.log(`  build ready in ${fmtSeconds((performance.now() - t) / 1000)}`);
}
const logFile = path.join(tmpdir(), `tongxin-bench-server-${process.pid}.log`);
let stopping = false;
const server = await startServer();
process.on("SIGINT", () => void stop().then(() => process.exit(130)));

async function startServer(): Promise<ChildProcess> {
  const log = createWriteStream(logFile);
  const t = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      SEED_DEMO: "0",
      REMINDERS: args.reminders ? "on" : "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => {
      if (stopping) return;
      // e.g. a migration that fails on this database: show why (and reseed with --fresh)
      const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n    ");
      reject(new Error(`server exited (${code}); ${logFile} ends:\n    ${tail}`));
    }),
  );
  exited.catch(() => {});
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      const ok = await Promise.race([
        fetch(`${ORIGIN}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        ),
        exited,
      ]);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server not healthy after 120 s; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    stopping = true;
    child.kill("SIGKILL"); // not left running behind us
    throw e;
  }
  console.log(
    `  server pid ${child.pid} healthy after ${fmtSeconds((performance.now() - t) / 1000)} on ${ORIGIN} (log ${logFile})`,
  );
  return child;
}

async function stop() {
  if (stopping || server.exitCode !== null) return;
  stopping = true;
  const gone = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 20_000);
  await gone;
  clearTimeout(timer);
}

/** CPU used by the app's PostgreSQL backends since start(), across reconnections. */
const pgCpu = {
  base: new Map<number, number>(),
  done: 0,
  async start() {
    this.base = await backendCpu();
    this.done = 0;
  },
  /** Adds what the current backends used and starts counting afresh (before they are closed). */
  async checkpoint() {
    const now = await backendCpu();
    for (const [pid, s] of now) this.done += s - (this.base.get(pid) ?? 0);
    this.base = now;
  },
  async total() {
    await this.checkpoint();
    return this.done;
  },
};

try {
  await run();
} finally {
  await stop();
  // leave the database as it was, whatever happened
  for (const v of variants) await applySql(v.off, false).catch(() => {});
}

async function run() {
  // ----------------------------------------------------------------------------------------
  // Sign in like a browser: a form post to /login with our Origin, keep the session cookie.
  const committee = await signIn(COMMITTEE_SECRETARY.username);
  const secretary = await signIn(BRANCH_SECRETARY.username);
  const pid = server.pid!;
  const loadBefore = loadavg()[0];
  await pgCpu.start();
  const cpu0 = cpuSeconds(pid) ?? 0;
  const mem0 = memory(pid);
  console.log(
    `  signed in as ${COMMITTEE_SECRETARY.username} (${COMMITTEE_SECRETARY.role}) and ` +
      `${BRANCH_SECRETARY.username} (${BRANCH_SECRETARY.role}); server RSS ${kib(mem0?.rssKiB)}, ` +
      `CPU so far ${fmtSeconds(cpu0)}\n`,
  );

  const c = ids.committee.id;
  const b = ids.branch.id;
  const cal = `view=month&month=${month}`;
  const R = {
    overview: routeId("orgs.$orgId.overview"),
    orgCalendar: routeId("orgs.$orgId.calendar"),
    compliance: routeId("orgs.$orgId.compliance"),
    calendar: routeId("calendar._index"),
    home: routeId("_index"),
  };
  type Case = { label: string; who: string; cookie: string | null; url: string; concurrent?: boolean };
  const cases: Case[] = [
    { label: "healthz (no session, no Remix)", who: "—", cookie: null, url: "/healthz" },
    ...both("党委 dashboard", "党委书记", committee, `/orgs/${c}/overview`, R.overview, true),
    ...both("branch calendar", "支部书记", secretary, `/orgs/${b}/calendar?${cal}`, R.orgCalendar, true),
    { label: "branch calendar", who: "党委书记", cookie: committee, url: `/orgs/${b}/calendar?${cal}` },
    { label: "党委 calendar (whole tree)", who: "党委书记", cookie: committee, url: `/orgs/${c}/calendar?${cal}` },
    ...both("branch compliance", "支部书记", secretary, `/orgs/${b}/compliance`, R.compliance, true),
    { label: "branch compliance", who: "党委书记", cookie: committee, url: `/orgs/${b}/compliance` },
    ...both("my calendar", "支部书记", secretary, `/calendar?view=month`, R.calendar),
    ...both("my calendar", "党委书记", committee, `/calendar?view=month`, R.calendar),
    ...both("home", "支部书记", secretary, `/`, R.home),
    ...both("home", "党委书记", committee, `/`, R.home, true),
  ].filter((x) => !args.only || `${x.label} ${x.who} ${x.url}`.includes(args.only));

  // The app runs Remix's single fetch (v3_singleFetch): a client-side navigation asks for
  // <path>.data (/_root.data for "/") with _routes naming the loaders to run, and gets
  // turbo-stream back. Asking for the page's own route only is what a navigation from another
  // page of the app fetches (the root loader does not run again).
  function both(label: string, who: string, cookie: string, url: string, route: string, concurrent = false): Case[] {
    const u = new URL(url, ORIGIN);
    u.pathname = u.pathname === "/" ? "/_root.data" : `${u.pathname}.data`;
    u.searchParams.set("_routes", route);
    const data = u.pathname + u.search;
    return [
      { label: `${label} (HTML)`, who, cookie, url, concurrent },
      { label: `${label} (data)`, who, cookie, url: data },
    ];
  }

  type Stats = { statuses: Map<number, number>; times: number[]; bytes: number; seconds: number };
  const sequential = async (x: Case): Promise<Stats> => {
    for (let i = 0; i < WARMUP; i++) await get(x.url, x.cookie);
    const st: Stats = { statuses: new Map(), times: [], bytes: 0, seconds: 0 };
    const t = performance.now();
    for (let i = 0; i < N; i++) record(st, await get(x.url, x.cookie));
    st.seconds = (performance.now() - t) / 1000;
    return st;
  };
  const parallel = async (x: Case): Promise<Stats> => {
    const total = Math.max(N, 3 * CONCURRENCY);
    await Promise.all(Array.from({ length: CONCURRENCY }, () => get(x.url, x.cookie))); // warm-up
    const st: Stats = { statuses: new Map(), times: [], bytes: 0, seconds: 0 };
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < total) {
          next++;
          record(st, await get(x.url, x.cookie));
        }
      }),
    );
    st.seconds = (performance.now() - t) / 1000;
    return st;
  };
  function record(st: Stats, r: { status: number; ms: number; bytes: number }) {
    st.times.push(r.ms);
    st.statuses.set(r.status, (st.statuses.get(r.status) ?? 0) + 1);
    st.bytes = r.bytes;
  }
  /** Runs one measurement on the baseline, then once with each variant applied. */
  const withVariants = async (x: Case, measure: (x: Case) => Promise<Stats>) => {
    const out: { variant: string; stats: Stats }[] = [{ variant: "baseline", stats: await measure(x) }];
    for (const v of variants) {
      await applySql(v.on);
      try {
        out.push({ variant: `+${v.name}`, stats: await measure(x) });
      } finally {
        await applySql(v.off);
      }
    }
    return out;
  };

  for (const v of variants) await applySql(v.off); // start from the baseline
  const rows: string[][] = [];
  const missing = new Set<string>();
  const tStart = performance.now();
  for (const x of cases) {
    for (const { variant, stats } of await withVariants(x, sequential)) {
      if (stats.statuses.has(404)) missing.add(x.label.replace(/ \((HTML|data)\)$/, ""));
      rows.push(row(x.label, x.who, variant, stats));
      process.stdout.write(`  ${x.label} · ${x.who} · ${variant}: p50 ${fmtMs(percentile(stats.times, 50))} ms\n`);
    }
  }
  const sequentialSeconds = (performance.now() - tStart) / 1000;

  const concurrentRows: string[][] = [];
  if (CONCURRENCY > 0) {
    for (const x of cases.filter((k) => k.concurrent)) {
      for (const { variant, stats } of await withVariants(x, parallel)) {
        concurrentRows.push([...row(x.label, x.who, variant, stats), (stats.times.length / stats.seconds).toFixed(1)]);
        process.stdout.write(
          `  ${x.label} · ${x.who} · ${variant} ×${CONCURRENCY}: p50 ${fmtMs(percentile(stats.times, 50))} ms\n`,
        );
      }
    }
  }

  const cpu1 = cpuSeconds(pid) ?? 0;
  const mem1 = memory(pid);
  const pgSeconds = await pgCpu.total();

  const header = ["route", "as", ...(variants.length ? ["variant"] : []), "status", "n", "p50 ms", "p95 ms"];
  header.push("max ms", "mean ms", "size");
  console.log(`\n顺序请求 (sequential, one at a time), ${fmtSeconds(sequentialSeconds)} in all:\n`);
  console.log(table(header, rows));
  if (concurrentRows.length > 0) {
    console.log(`\n并发请求 (${CONCURRENCY} in parallel, ${Math.max(N, 3 * CONCURRENCY)} requests each):\n`);
    console.log(table([...header, "req/s"], concurrentRows));
  }
  console.log(`\n服务器进程 (server process ${pid}):`);
  console.log(`  peak RSS (VmHWM)      ${kib(mem1?.peakKiB)}   (RSS now ${kib(mem1?.rssKiB)})`);
  console.log(`  CPU during the runs   ${fmtSeconds(cpu1 - cpu0)}   (since start ${fmtSeconds(cpu1)})`);
  console.log(`  PostgreSQL backends   ${fmtSeconds(pgSeconds)} CPU during the runs (the app's connections)`);
  console.log(
    `  load average (1 min)  ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after ` +
      `(other work on this machine skews the figures)`,
  );
  if (missing.size > 0)
    console.log(`\n404: ${[...missing].join("; ")} — route not there yet (or not visible to that user).`);
}

// ------------------------------------------------------------------------------------------

function row(
  label: string,
  who: string,
  variant: string,
  { statuses, times, bytes }: { statuses: Map<number, number>; times: number[]; bytes: number },
): string[] {
  const status = [...statuses].map(([s, n]) => (statuses.size > 1 ? `${s}×${n}` : String(s))).join(" ");
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return [
    label,
    who,
    ...(variants.length ? [variant] : []),
    status,
    String(times.length),
    fmtMs(percentile(times, 50)),
    fmtMs(percentile(times, 95)),
    fmtMs(Math.max(...times)),
    fmtMs(mean),
    fmtBytes(bytes),
  ];
}

/**
 * Runs a variant's SQL on the bench database, then closes the app's connections so that the
 * next request opens fresh ones (new settings apply, no plan cached from before). postgres.js
 * reconnects on its own.
 */
async function applySql(text: string, reconnect = true) {
  const sql = connect(dbUrl);
  try {
    await sql.unsafe(text).simple();
    if (!reconnect) return;
    await pgCpu.checkpoint(); // the backends are about to go
    await sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = ${splitUrl(dbUrl).name} and application_name = 'tongxin' and state = 'idle'`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  if (!reconnect) return;
  // postgres.js notices a closed connection only when it next uses it (that request fails with
  // ECONNRESET, a 500): use every pooled connection once, through /healthz, before measuring.
  for (let round = 0; round < 10; round++) {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${ORIGIN}/healthz`, { signal: AbortSignal.timeout(10_000) }).then(
          (r) => r.arrayBuffer().then(() => r.status),
          () => 0,
        ),
      ),
    );
    if (statuses.every((s) => s === 200)) return;
  }
  throw new Error("the app did not reconnect to the database after a variant was applied");
}

/** One GET, timed until the whole body is read; a failed connection counts as status 0. */
async function get(url: string, cookie: string | null): Promise<{ status: number; ms: number; bytes: number }> {
  const t = performance.now();
  try {
    const res = await fetch(ORIGIN + url, {
      headers: cookie ? { cookie } : {},
      redirect: "manual",
      signal: AbortSignal.timeout(120_000),
    });
    const body = await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t, bytes: body.byteLength };
  } catch {
    return { status: 0, ms: performance.now() - t, bytes: 0 };
  }
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${ORIGIN}/login`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password: BENCH_PASSWORD, redirectTo: "/" }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("tongxin_session=") && c.length > "tongxin_session=".length);
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return cookie;
}

/** The Remix route id of a file in app/routes (flat file or folder with route.tsx). */
function routeId(name: string): string {
  const dir = path.join(root, "app/routes");
  const found = existsSync(dir) && readdirSync(dir).some((f) => f === name || f.replace(/\.[jt]sx?$/, "") === name);
  if (!found) console.log(`  (app/routes/${name} not found: its rows will answer 404)`);
  return `routes/${name}`;
}

/** CPU seconds of each PostgreSQL backend serving the app (application_name tongxin). */
async function backendCpu(): Promise<Map<number, number>> {
  const sql = connect(dbUrl);
  try {
    const rows = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = ${splitUrl(dbUrl).name} and application_name = 'tongxin'`;
    return new Map(
      rows.flatMap((r) => {
        const s = cpuSeconds(r.pid);
        return s === null ? [] : [[r.pid, s] as [number, number]];
      }),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function kib(n: number | undefined): string {
  return n === undefined || Number.isNaN(n) ? "?" : fmtBytes(n * 1024);
}

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim();
    if (!status) return head;
    // Others may be editing the tree: a fingerprint of the changes tells two runs apart.
    const diff = execFileSync("git", ["diff", "HEAD"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
    const print = createHash("sha256").update(status).update(diff).digest("hex").slice(0, 8);
    return `${head} + uncommitted changes (fingerprint ${print})`;
  } catch {
    return "unknown";
  }
}
