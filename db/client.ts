import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";

export type Sql = postgres.Sql<Record<string, never>>;

export interface Database {
  sql: Sql;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL URL; without one an embedded PGlite in dataDir is used. */
  databaseUrl?: string;
  dataDir: string;
}

const common = {
  onnotice: () => {},
  connection: { application_name: "tongxin" },
} as const;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    // JIT compilation cost more than it saved on every aggregate page measured (bench/README.md), and
    // random_page_cost 1.1 suits SSDs: both per session, so a shared server's defaults stay as they are.
    const sql = postgres(opts.databaseUrl, {
      ...common,
      connection: { ...common.connection, jit: "off", random_page_cost: "1.1" },
      max: 10,
    }) as unknown as Sql;
    await sql`select 1`;
    return { sql, kind: "postgres", close: () => sql.end({ timeout: 5 }) };
  }
  return openEmbedded(opts.dataDir);
}

// PGlite serves one client at a time, so the app talks to it through the same wire protocol
// as a real server (a private Unix socket) with a single postgres.js connection.
async function openEmbedded(dataDir: string): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir);
  const socketPath = path.join(tmpdir(), `tongxin-pg-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
  const server = new PGLiteSocketServer({ db: pg, path: socketPath });
  await server.start();
  const sql = postgres({
    ...common,
    path: socketPath,
    user: "postgres",
    database: "postgres",
    max: 1,
    // The embedded server has no idle limits; keep the one connection open.
    idle_timeout: 0,
  }) as unknown as Sql;
  await sql`select 1`;
  return {
    sql,
    kind: "pglite",
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await pg.close();
      rmSync(socketPath, { force: true });
    },
  };
}
