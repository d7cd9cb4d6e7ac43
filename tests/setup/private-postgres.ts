import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own (initdb in a temp directory, a free port), which a test may
 * stop and start again without touching the machine's shared server on 5432.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  url: string;
  port: number;
  /** pg_ctl stop -m fast: open connections are terminated, new ones refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its files. */
  destroy(): Promise<void>;
}

/** The directory holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
function findBinaries(): string | null {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, "initdb")) ? process.env.PG_BIN : null;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")) && existsSync(path.join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], "bin") : null;
}

/** The postgres system user's uid and gid (from /etc/passwd), or null. */
function postgresUser(): { uid: number; gid: number } | null {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith("postgres:"));
    if (!line) return null;
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/** Why a private PostgreSQL cannot be started here (checked without starting one), or null. */
export function privatePostgresUnavailable(): string | null {
  if (!findBinaries()) return "no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or PG_BIN";
  if (process.getuid?.() === 0 && !postgresUser())
    return `running as root (${userInfo().username}) with no postgres user to run initdb as`;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private PostgreSQL, or answers why it cannot (no binaries, root without a postgres
 * user to run as, initdb or start failing) so the caller can skip with that reason.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres | { unavailable: string }> {
  const missing = privatePostgresUnavailable();
  const bin = findBinaries();
  if (missing || !bin) return { unavailable: missing ?? "no PostgreSQL binaries" };
  // initdb and postgres refuse to run as root: run them as the postgres user then.
  const owner = process.getuid?.() === 0 ? postgresUser() : null;
  const asUser = owner ? ["runuser", "-u", "postgres", "--"] : [];
  const dir = mkdtempSync(path.join(tmpdir(), "tongxin-pg-private-"));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  const port = await freePort();
  const exec = (cmd: string, args: string[]) => {
    const [file, ...rest] = [...asUser, path.join(bin, cmd), ...args];
    return run(file, rest, { timeout: 120_000 });
  };
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    // A test database: a fast shutdown checkpoints anyway, and nothing here must survive the machine.
    "-c fsync=off",
    "-c full_page_writes=off",
  ].join(" ");
  const start = async () => {
    await exec("pg_ctl", ["start", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", options]);
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    await exec("pg_ctl", ["stop", "-w", "-t", "60", "-m", mode, "-D", data]);
  };
  try {
    await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { message?: string; stderr?: string };
    return { unavailable: `could not start a private PostgreSQL: ${(err.stderr || err.message || String(e)).trim()}` };
  }
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => stop("fast"),
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop("immediate").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
