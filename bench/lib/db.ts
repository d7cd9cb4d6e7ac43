import postgres from "postgres";
import type { Sql } from "../../db/client";

// The bench database: a real PostgreSQL server, never the embedded PGlite (1 connection, not
// representative). Override with BENCH_DATABASE_URL.
export const DEFAULT_BENCH_URL = "postgres://postgres@127.0.0.1:5432/tongxin_bench";

export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL || DEFAULT_BENCH_URL;
}

/** The database name of a URL and the same URL pointing at the server's `postgres` database. */
export function splitUrl(url: string): { name: string; adminUrl: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!name) throw new Error(`BENCH_DATABASE_URL 缺少数据库名 (no database name in ${url})`);
  u.pathname = "/postgres";
  return { name, adminUrl: u.toString() };
}

/** Connection without the app's pool settings: for the bench scripts' own queries. */
export function connect(url: string, max = 1): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: "tongxin-bench" },
  }) as unknown as Sql;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Makes sure the database exists; with `fresh`, drops it first (closing other connections to it).
 * Returns whether it was created now.
 */
export async function ensureDatabase(url: string, fresh: boolean): Promise<boolean> {
  const { name, adminUrl } = splitUrl(url);
  const admin = connect(adminUrl);
  try {
    if (fresh) await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    const [row] = await admin<{ n: number }[]>`select count(*)::int as n from pg_database where datname = ${name}`;
    if (row.n > 0) return false;
    await admin.unsafe(`create database ${quoteIdent(name)}`);
    return true;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** "postgres://postgres@127.0.0.1:5432/tongxin_bench", without a password if there is one. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
