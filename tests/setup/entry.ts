import { spawn, type ChildProcess } from "node:child_process";
import type { TestDatabase } from "./database";

// The Node entry exactly as `npm start` runs it (server/main.ts), in its own process, on a test
// database. `clockShiftMs` runs its clock that far ahead (tests/setup/shifted-clock.ts).

export interface Entry {
  proc: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM (or the given signal) and the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startEntry(
  db: TestDatabase,
  opts: { env?: Record<string, string>; clockShiftMs?: number } = {},
): Promise<Entry> {
  const preload = opts.clockShiftMs ? ["--import", "./tests/setup/shifted-clock.ts"] : [];
  const proc = spawn(process.execPath, ["--import", "tsx", ...preload, "server/main.ts"], {
    env: {
      ...process.env,
      ...db.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...(opts.clockShiftMs ? { TONGXIN_TEST_CLOCK_SHIFT_MS: String(opts.clockShiftMs) } : {}),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /已启动: (http:\/\/\S+)/.exec(out);
      if (m && /\n\n$/.test(out)) {
        clearInterval(t);
        resolve({
          proc,
          url: m[1],
          output: () => out,
          stop: (signal = "SIGTERM") => {
            proc.kill(signal);
            return exited;
          },
        });
      }
    }, 50);
    proc.once("exit", (code) => {
      clearInterval(t);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
}
