import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

const ENTRY = path.resolve(import.meta.dirname, "child-entry.ts");

/** A Tongxin running in a child process (tests/setup/child-entry.ts), which a test may kill. */
export interface ChildServer {
  url: string;
  port: number;
  pid: number;
  /** Structured log lines the process wrote (JSON objects from server/logger.ts). */
  logs: Record<string, unknown>[];
  /** The last lines the process wrote (for failure messages). */
  output(): string;
  /** Set once the process has exited, with how. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The stored document as one update, read through the app's own DocStore. */
  load(docName: string): Promise<Uint8Array | null>;
  /** Documents opened from now on stay loading until releaseLoads(). */
  holdLoads(): Promise<void>;
  releaseLoads(): Promise<void>;
  /** SIGKILL: no shutdown, no flush. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the ordinary shutdown. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** DATABASE_URL or DATA_DIR, as tests/setup/database.ts gives them. */
  env: Record<string, string | undefined>;
  /** 0 (default) picks a free port; a restart passes the previous one so clients find it again. */
  port?: number;
  logLevel?: "debug" | "info" | "warn";
  /** Start with document loads held (see holdLoads), e.g. to read the stored state first. */
  holdLoads?: boolean;
}

export async function startChildServer({
  env,
  port = 0,
  logLevel = "warn",
  holdLoads = false,
}: ChildOptions): Promise<ChildServer> {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: logLevel,
      NODE_ENV: "production",
      HOLD_LOADS: holdLoads ? "1" : "0",
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  const logs: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const tail = () => raw.slice(-20).join("\n");
  const onLine = (line: string) => {
    raw.push(line);
    if (raw.length > 200) raw.shift();
    if (!line.startsWith("{")) return;
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of ours
    }
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);

  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  child.on("message", (m: { id: number; error?: string } & Record<string, unknown>) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(m.error));
    else w.resolve(m);
  });
  let exit: ChildServer["exit"] = null;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      for (const w of waiting.values()) w.reject(new Error(`the server process exited:\n${tail()}`));
      waiting.clear();
      if (child.pid) removeSockets(child.pid);
      resolve();
    }),
  );
  const ask = (body: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exit || !child.connected) return reject(new Error(`the server process has exited:\n${tail()}`));
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ id, ...body }, (err) => {
        if (!err) return;
        waiting.delete(id);
        reject(err);
      });
    });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${raw.join("\n")}`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const m = /^TONGXIN_URL (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (${code ?? signal}):\n${raw.join("\n")}`));
    });
  });

  const server: ChildServer = {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    logs,
    output: tail,
    get exit() {
      return exit;
    },
    query: async <T>(text: string, params: unknown[] = []) => (await ask({ op: "query", text, params })).rows as T[],
    load: async (doc) => (await ask({ op: "load", doc })).state as Uint8Array | null,
    holdLoads: async () => void (await ask({ op: "hold-loads" })),
    releaseLoads: async () => void (await ask({ op: "release-loads" })),
    async kill() {
      if (!exit) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (!exit) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return server;
}

/** The embedded database's Unix socket is left behind when its process is killed. */
function removeSockets(pid: number) {
  const prefix = `tongxin-pg-${pid}-`;
  for (const f of readdirSync(tmpdir())) if (f.startsWith(prefix)) rmSync(path.join(tmpdir(), f), { force: true });
}
