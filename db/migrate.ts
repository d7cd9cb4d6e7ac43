import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Umzug, type UmzugStorage } from "umzug";
import type { Sql } from "./client";

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

// Migrations are plain SQL files run in name order; the applied names live in schema_migrations.
function storage(sql: Sql): UmzugStorage {
  return {
    async logMigration({ name }) {
      await sql`insert into schema_migrations (name) values (${name})`;
    },
    async unlogMigration({ name }) {
      await sql`delete from schema_migrations where name = ${name}`;
    },
    async executed() {
      const rows = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
      return rows.map((r) => r.name);
    },
  };
}

/** Applies pending migrations in one transaction, serialised across app nodes by an advisory lock. */
export async function migrate(sql: Sql): Promise<{ applied: string[]; version: string | null }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`select pg_advisory_xact_lock(727001)`;
    await t`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`;
    const umzug = new Umzug({
      migrations: {
        glob: ["*.sql", { cwd: migrationsDir }],
        resolve: ({ name, path: file }) => ({
          name,
          up: async () => {
            await t.unsafe(readFileSync(file!, "utf8")).simple();
          },
        }),
      },
      storage: storage(t),
      logger: undefined,
    });
    const applied = await umzug.up();
    const executed = await umzug.executed();
    return { applied: applied.map((m) => m.name), version: executed.at(-1)?.name ?? null };
  }) as Promise<{ applied: string[]; version: string | null }>;
}
