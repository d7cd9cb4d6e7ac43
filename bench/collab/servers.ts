import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Dialect } from "./wire";

// The servers under test, each started in its own process:
//
// - tongxin: `node --import tsx server/main.ts` against the bench database (NODE_ENV=production,
//   SEED_DEMO=0, REMINDERS=off, LOG_LEVEL=warn); with REDIS_URL for several nodes.
// - y-websocket-server: @y/websocket-server 0.1.1's own bin (src/server.js: `ws` server +
//   setupWSConnection from its utils), in memory (no YPERSISTENCE).
// - hocuspocus: @hocuspocus/server 4.x with @hocuspocus/extension-sqlite (bench/peers/hocuspocus.ts).
// The two peers live in bench/peers/, a package of their own that run.ts installs on first use.

export type ServerKind = "tongxin" | "y-websocket-server" | "hocuspocus";
export const SERVER_KINDS: ServerKind[] = ["tongxin", "y-websocket-server", "hocuspocus"];

export interface Running {
  kind: ServerKind;
  /** How the tables name it (e.g. "tongxin ×2"). */
  label: string;
  dialect: Dialect;
  pids: number[];
  ports: number[];
  logFiles: string[];
  /** The WebSocket URL of a document on node i. */
  url(docName: string, node: number): string;
  /** Upgrade headers on node i (cookie, Origin). */
  headers(cookie: string | null, node: number): Record<string, string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  root: string;
  basePort: number;
  dbUrl: string;
  nodes?: number;
  redisUrl?: string;
  /** Environment added to tongxin's (e.g. a variant's switch). */
  env?: Record<string, string>;
  /** Node flags for tongxin's process (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}

let starts = 0;

export async function startServer(kind: ServerKind, o: StartOptions): Promise<Running> {
  const nodes = kind === "tongxin" ? (o.nodes ?? 1) : 1;
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const logFiles: string[] = [];
  const cleanups: (() => void)[] = [];
  const prefix = `tongxin-bench-${process.pid}-${Date.now()}:`;
  try {
    for (let i = 0; i < nodes; i++) {
      const port = o.basePort + i;
      if (await portTaken(port))
        throw new Error(`port ${port} is taken (a server left from an earlier run?); use --port`);
      const logFile = path.join(tmpdir(), `tongxin-bench-collab-${process.pid}-${++starts}-${kind}-${port}.log`);
      let child: ChildProcess;
      let health: string;
      if (kind === "tongxin") {
        child = launch(
          process.execPath,
          [...(o.nodeArgs ?? []), "--import", "tsx", "server/main.ts"],
          o.root,
          logFile,
          {
            NODE_ENV: "production",
            DATABASE_URL: o.dbUrl,
            PORT: String(port),
            HOST: "127.0.0.1",
            SEED_DEMO: "0",
            REMINDERS: "off",
            LOG_LEVEL: "warn",
            ...(o.redisUrl ? { REDIS_URL: o.redisUrl, REDIS_PREFIX: prefix } : {}),
            ...o.env,
          },
        );
        health = `http://127.0.0.1:${port}/healthz`;
      } else if (kind === "y-websocket-server") {
        const peers = createRequire(path.join(o.root, "bench/peers/package.json"));
        const bin = path.join(path.dirname(peers.resolve("@y/websocket-server/package.json")), "src/server.js");
        child = launch(process.execPath, [bin], o.root, logFile, { HOST: "127.0.0.1", PORT: String(port) });
        health = `http://127.0.0.1:${port}/`;
      } else {
        const file = path.join(tmpdir(), `tongxin-bench-hocuspocus-${process.pid}-${Date.now()}.sqlite`);
        cleanups.push(() => rmSync(file, { force: true }));
        child = launch(process.execPath, ["--import", "tsx", "bench/peers/hocuspocus.ts"], o.root, logFile, {
          PORT: String(port),
          SQLITE_FILE: file,
        });
        health = `http://127.0.0.1:${port}/`;
      }
      children.push(child);
      ports.push(port);
      logFiles.push(logFile);
      await waitHealthy(health, child, logFile);
    }
  } catch (e) {
    await Promise.all(children.map(stopChild));
    for (const c of cleanups) c();
    throw e;
  }
  const label = kind === "tongxin" && nodes > 1 ? `tongxin ×${nodes}` : kind;
  return {
    kind,
    label,
    dialect: kind === "hocuspocus" ? "hocus" : "y",
    pids: children.map((c) => c.pid!),
    ports,
    logFiles,
    url: (docName, node) => {
      const port = ports[node % ports.length];
      if (kind === "tongxin") return `ws://127.0.0.1:${port}/collab/${encodeURIComponent(docName)}`;
      if (kind === "y-websocket-server") return `ws://127.0.0.1:${port}/${encodeURIComponent(docName)}`;
      return `ws://127.0.0.1:${port}/`;
    },
    headers: (cookie, node) => {
      if (kind !== "tongxin") return {};
      const h: Record<string, string> = { origin: `http://127.0.0.1:${ports[node % ports.length]}` };
      if (cookie) h.cookie = cookie;
      return h;
    },
    stop: async () => {
      await Promise.all(children.map(stopChild));
      for (const c of cleanups) c();
    },
  };
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function launch(cmd: string, args: string[], cwd: string, logFile: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(logFile);
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

async function waitHealthy(url: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + 120_000;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => {
      const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-8).join("\n    ");
      reject(new Error(`server exited (${code}); ${logFile} ends:\n    ${tail}`));
    }),
  );
  exited.catch(() => {});
  for (;;) {
    const ok = await Promise.race([
      fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      ),
      exited,
    ]);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server not healthy after 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await gone;
  clearTimeout(timer);
}

/** Signs in through POST /login like a browser (bench/dashboard.ts does the same) and returns the session cookie. */
export async function signIn(origin: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${origin}/login`, {
    method: "POST",
    headers: { origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, redirectTo: "/" }),
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
