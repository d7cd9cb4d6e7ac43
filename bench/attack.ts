import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import { ensureBuild } from "../server/build";
import { cpuSeconds, machine, memory } from "./lib/proc";
import { fmtBytes, fmtMs, percentile, table } from "./lib/stats";

// What one user's abuse costs everyone else (docs/decisions/017-resource-limits.md). The server runs
// in its own process on the embedded database (PGlite, inside that process), as a small deployment
// does. While one member attacks, another signed-in member asks for the home page 5 times a second
// on a fixed schedule (a stalled request does not delay the next one's start, so a stall shows in the
// percentiles), and the server's memory is read from /proc.
//
//   npm run bench:attack [-- --port 3400] [--writes 10] [--write-mb 5] [--post-mb 400] [--rate 5] [--under-mb 1.9]
//
// Rows:
// - baseline: the home page with nobody attacking;
// - reflection writes: `--writes` updates of `--write-mb` MB each into the attacker's own 心得体会,
//   one after another, reconnecting whenever the server closes the socket;
// - the same with writes just under the burst (`--under-mb`, 1.9 MB against the default 2 MiB), the
//   most the server accepts at once: the first is stored, the next ones wait for the budget;
// - a `--post-mb` MB anonymous POST to /login with Content-Length, and the same chunked.

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PORT = opt("port", 3400);
const WRITES = opt("writes", 10);
const WRITE_MB = opt("write-mb", 5);
const POST_MB = opt("post-mb", 400);
const RATE = opt("rate", 5);
const UNDER_MB = opt("under-mb", 1.9);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const PASSWORD = "tongxin2026";
const ATTACKER = "13800000004"; // 刘洋, a member of the demo branch
const BYSTANDER = "13800000005"; // 陈静, another member
const MiB = 1024 * 1024;

// ---- the server ----------------------------------------------------------------------------------

const root = process.cwd();
const dataDir = mkdtempSync(path.join(tmpdir(), "tongxin-attack-"));
const logFile = path.join(tmpdir(), `tongxin-bench-attack-${process.pid}.log`);
let child: ChildProcess | undefined;

async function startServer(): Promise<number> {
  ensureBuild(root, (m) => console.log(m));
  const log = createWriteStream(logFile);
  const { DATABASE_URL: _external, ...env } = process.env; // the embedded database, whatever the shell says
  child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      ...env,
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      SEED_DEMO: "1",
      REMINDERS: "off",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited; see ${logFile}`);
    const ok = await fetch(`${ORIGIN}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child.pid!;
    if (Date.now() > deadline) throw new Error(`server not healthy after 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer() {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child!.kill("SIGKILL"), 20_000);
    await gone;
    clearTimeout(t);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${ORIGIN}/login`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password: PASSWORD, redirectTo: "/" }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("tongxin_session=") && c.length > 16);
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return cookie;
}

/** The attacker's own 心得体会 for one of the meetings on their home page (a document they may write). */
async function reflectionDocOf(cookie: string): Promise<string> {
  const home = await (await fetch(`${ORIGIN}/`, { headers: { cookie } })).text();
  const meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(home)?.[1];
  if (!meetingId) throw new Error("no meeting on the attacker's home page");
  const page = await (await fetch(`${ORIGIN}/meetings/${meetingId}/reflection`, { headers: { cookie } })).text();
  const doc = new RegExp(`meeting\\.${meetingId}\\.reflection\\.[0-9a-f-]{36}`).exec(page)?.[0];
  if (!doc) throw new Error("the reflection page names no document");
  return doc;
}

// ---- the victim: another member's home page, on a fixed schedule -------------------------------------

interface Sampler {
  stop(): Promise<{ ms: number[]; statuses: Map<number, number> }>;
}

// In a worker thread, so the attacker's work in this process (building and sending megabytes) cannot
// delay the victim's requests or their clocks.
const SAMPLER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { origin, cookie, perSecond } = workerData;
const ms = [];
const statuses = {};
const inFlight = new Set();
const started = performance.now();
let n = 0;
let timer;
const tick = () => {
  const due = started + (n * 1000) / perSecond;
  n++;
  const p = fetch(origin + "/", { headers: { cookie } })
    .then(async (r) => { await r.arrayBuffer(); statuses[r.status] = (statuses[r.status] || 0) + 1; })
    .catch(() => { statuses[0] = (statuses[0] || 0) + 1; })
    .then(() => { ms.push(performance.now() - due); inFlight.delete(p); }); // from when it was due
  inFlight.add(p);
  timer = setTimeout(tick, Math.max(0, started + (n * 1000) / perSecond - performance.now()));
};
tick();
parentPort.once("message", async () => {
  clearTimeout(timer);
  await Promise.all(inFlight);
  parentPort.postMessage({ ms, statuses });
});
`;

function sampleHome(cookie: string, perSecond = RATE): Sampler {
  const worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { origin: ORIGIN, cookie, perSecond } });
  return {
    async stop() {
      const result = new Promise<{ ms: number[]; statuses: Record<string, number> }>((r) => worker.once("message", r));
      worker.postMessage("stop");
      const { ms, statuses } = await result;
      await worker.terminate();
      return { ms, statuses: new Map(Object.entries(statuses).map(([k, v]) => [Number(k), v])) };
    },
  };
}

// ---- attacks -------------------------------------------------------------------------------------

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // sync
  encoding.writeVarUint(e, 2); // update
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** A paragraph of about `bytes` bytes (one character repeated), as one Yjs update. */
function bigUpdate(bytes: number, tag: number): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (update = u));
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(`${tag}` + "害".repeat(Math.floor(bytes / 3)))]);
  doc.getXmlFragment("default").insert(0, [p]);
  doc.destroy();
  return update!;
}

/**
 * Sends the updates one after another; a new socket whenever the server closes one. Returns what
 * became of each: its close code, or "kept".
 */
async function writeAttack(doc: string, cookie: string, updates: Uint8Array[]): Promise<string[]> {
  const outcomes: string[] = [];
  let ws: WebSocket | null = null;
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`ws://127.0.0.1:${PORT}/collab/${doc}`, { headers: { cookie, origin: ORIGIN } });
      s.once("open", () => resolve(s));
      s.once("error", reject);
    });
  for (const message of updates) {
    if (!ws || ws.readyState !== WebSocket.OPEN) ws = await open();
    const s = ws;
    const closed = new Promise<string>((resolve) => s.once("close", (code) => resolve(String(code))));
    await new Promise<void>((resolve, reject) => s.send(message, (e) => (e ? reject(e) : resolve())));
    // Kept (no close within 1.5 s) or refused (closed with a code).
    outcomes.push(await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("kept"), 1500))]));
  }
  ws?.terminate();
  return outcomes;
}

/** A POST of `bytes` to /login, with Content-Length or chunked; resolves with the status (or the error). */
function bigPost(bytes: number, chunked: boolean): Promise<string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN };
    if (!chunked) headers["content-length"] = String(bytes);
    const req = httpRequest(`${ORIGIN}/login`, { method: "POST", headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on("error", (e: NodeJS.ErrnoException) => answered || resolve(e.code ?? e.message));
    const block = Buffer.alloc(MiB, 0x61);
    block.write("username=", 0);
    let sent = 0;
    const pump = () => {
      while (sent < bytes && !answered) {
        const piece = sent + block.length <= bytes ? block : block.subarray(0, bytes - sent);
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

// ---- run -----------------------------------------------------------------------------------------

interface Row {
  what: string;
  outcome: string;
  seconds: number;
  ms: number[];
  statuses: Map<number, number>;
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  cpu: number;
}

async function measure(pid: number, what: string, attack: () => Promise<string>, victim: string): Promise<Row> {
  const before = memory(pid)!;
  const cpuBefore = cpuSeconds(pid) ?? NaN;
  let peak = before.rssKiB;
  const watch = setInterval(() => (peak = Math.max(peak, memory(pid)?.rssKiB ?? 0)), 20);
  const sampler = sampleHome(victim);
  const t0 = performance.now();
  const outcome = await attack();
  const seconds = (performance.now() - t0) / 1000;
  // What the attack left behind (a commit, a GC), and at least 20 s of samples for the percentiles.
  await new Promise((r) => setTimeout(r, Math.max(2000, 20_000 - (performance.now() - t0))));
  const { ms, statuses } = await sampler.stop();
  clearInterval(watch);
  const after = memory(pid)!;
  const cpu = (cpuSeconds(pid) ?? NaN) - cpuBefore;
  return {
    what,
    outcome,
    seconds,
    ms,
    statuses,
    rssBefore: before.rssKiB * 1024,
    rssAfter: after.rssKiB * 1024,
    rssPeak: Math.max(peak, after.rssKiB) * 1024,
    cpu,
  };
}

const summarize = (xs: string[]) => {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n}× ${k}`).join(", ");
};

async function main() {
  console.log(`machine: ${machine()}`);
  const pid = await startServer();
  const attacker = await signIn(ATTACKER);
  const victim = await signIn(BYSTANDER);
  const doc = await reflectionDocOf(attacker);
  for (let i = 0; i < 50; i++) await (await fetch(`${ORIGIN}/`, { headers: { cookie: victim } })).arrayBuffer();

  // Built before anything is timed.
  const messages = (bytes: number) => Array.from({ length: WRITES }, (_, i) => updateMessage(bigUpdate(bytes, i)));
  const big = messages(WRITE_MB * 1_000_000);
  const under = messages(UNDER_MB * 1_000_000);

  const rows: Row[] = [];
  rows.push(
    await measure(
      pid,
      "baseline (no attack), 20 s",
      () => new Promise((r) => setTimeout(() => r("—"), 20_000)),
      victim,
    ),
  );
  rows.push(
    await measure(
      pid,
      `${WRITES} × ${WRITE_MB} MB into own 心得体会`,
      async () => summarize(await writeAttack(doc, attacker, big)),
      victim,
    ),
  );
  // A second attacker, so the first one's spent budget does not decide this row.
  const second = await signIn("13800000006");
  const doc2 = await reflectionDocOf(second);
  rows.push(
    await measure(
      pid,
      `${WRITES} × ${UNDER_MB} MB (under the burst)`,
      async () => summarize(await writeAttack(doc2, second, under)),
      victim,
    ),
  );
  rows.push(
    await measure(pid, `${POST_MB} MB POST /login, Content-Length`, () => bigPost(POST_MB * MiB, false), victim),
  );
  rows.push(await measure(pid, `${POST_MB} MB POST /login, chunked`, () => bigPost(POST_MB * MiB, true), victim));

  console.log(
    "\n" +
      table(
        [
          "attack",
          "outcome",
          "attack s",
          "home n",
          "p50 ms",
          "p99 ms",
          "max ms",
          "server CPU s",
          "RSS before",
          "RSS growth",
          "RSS peak",
        ],
        rows.map((r) => [
          r.what,
          r.outcome,
          r.seconds.toFixed(1),
          String(r.ms.length) +
            ([...r.statuses.keys()].some((s) => s !== 200)
              ? ` (${[...r.statuses].map(([s, n]) => `${n}×${s}`).join(" ")})`
              : ""),
          fmtMs(percentile(r.ms, 50)),
          fmtMs(percentile(r.ms, 99)),
          fmtMs(Math.max(...r.ms)),
          r.cpu.toFixed(1),
          fmtBytes(r.rssBefore),
          fmtBytes(Math.max(0, r.rssAfter - r.rssBefore)),
          fmtBytes(r.rssPeak),
        ]),
      ),
  );
  const refused = readFileSync(logFile, "utf8")
    .split("\n")
    .filter((l) => /write_refused|body_too_large/.test(l)).length;
  console.log(`\nserver log: ${refused} refusals logged (${logFile})`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopServer());
