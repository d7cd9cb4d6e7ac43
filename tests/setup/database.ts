import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase } from "../../db/client";
import { migrate } from "../../db/migrate";
import { seedDemo } from "../../server/demo/seed";
import { chinaDateKey } from "../../shared/time";

export interface TestDatabase {
  /** Environment for the app: DATABASE_URL for a server, DATA_DIR for PGlite. */
  env: { DATABASE_URL?: string; DATA_DIR: string };
  drop(): Promise<void>;
}

// Every test server gets a database of its own, copied from a template that is migrated and
// seeded once (docs/decisions/023-test-database-template.md): a new PGlite directory
// costs about 11 s to create, a copy of the template well under one. The template is named by a
// hash of the migrations, the seed and the China-time day (the seed's meetings are relative to
// today), so a change to any of them, or a new day, makes a new one.

const root = path.resolve(import.meta.dirname, "../..");
const DEMO_PASSWORD = "tongxin2026";

function templateKey(): string {
  const h = createHash("sha256");
  const migrations = path.join(root, "db/migrations");
  for (const f of readdirSync(migrations).sort()) h.update(f).update(readFileSync(path.join(migrations, f)));
  h.update(readFileSync(path.join(root, "server/demo/seed.ts")));
  h.update(chinaDateKey(new Date()));
  return h.digest("hex").slice(0, 16);
}

async function fill(db: { sql: Parameters<typeof migrate>[0] }) {
  await migrate(db.sql);
  await seedDemo(db.sql, DEMO_PASSWORD);
}

/**
 * The migrated, seeded PGlite directory to copy, made once (per key) and shared by every worker:
 * built in a private directory, then renamed into place, so two workers racing both succeed.
 */
export async function pgliteTemplate(): Promise<string> {
  const dir = path.join(tmpdir(), `tongxin-template-${templateKey()}`);
  if (existsSync(path.join(dir, ".ready"))) return dir;
  const work = mkdtempSync(path.join(tmpdir(), "tongxin-template-work-"));
  const db = await openDatabase({ dataDir: work });
  await fill(db);
  await db.close();
  writeFileSync(path.join(work, ".ready"), "");
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another worker was first
  }
  return dir;
}

/** The same on a PostgreSQL server: a template database, made once per key. */
async function serverTemplate(serverUrl: string): Promise<string> {
  const name = `tongxin_tpl_${templateKey()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${name}`;
    if (found) return name;
    const work = `${name}_${randomBytes(3).toString("hex")}`;
    await admin.unsafe(`create database ${work}`);
    const url = new URL(serverUrl);
    url.pathname = `/${work}`;
    const db = await openDatabase({ databaseUrl: url.toString(), dataDir: tmpdir() });
    await fill(db);
    await db.close();
    try {
      await admin.unsafe(`alter database ${work} rename to ${name}`);
    } catch {
      await admin.unsafe(`drop database if exists ${work} with (force)`); // another worker was first
    }
    return name;
  } finally {
    await admin.end();
  }
}

/**
 * A database for one test file or run: a new database on TEST_DATABASE_URL's server when that is
 * set, else a new PGlite data directory. Migrated and seeded with the demo (a copy of the
 * template), unless `empty` asks for a database as a first `npm start` finds it.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const dataDir = mkdtempSync(path.join(tmpdir(), "tongxin-test-"));
  if (!serverUrl) {
    if (!opts.empty) cpSync(await pgliteTemplate(), dataDir, { recursive: true });
    return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const template = opts.empty ? null : await serverTemplate(serverUrl);
  const name = `tongxin_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ""}`);
      break;
    } catch (e) {
      // Another worker copying the same template at this instant (55006): wait and try again.
      if ((e as { code?: string }).code !== "55006" || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    async drop() {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Made before the workers start (vitest's global setup, the e2e server), so they only copy. */
export async function warmTemplate(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) await serverTemplate(serverUrl);
  else await pgliteTemplate();
}
