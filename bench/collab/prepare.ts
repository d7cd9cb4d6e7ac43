import { migrate } from "../../db/migrate";
import { seedDemo } from "../../server/demo/seed";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { connect, ensureDatabase } from "../lib/db";
import type { Sql } from "../../db/client";

// The database of bench/collab/run.ts: the app's migrations and demo branch (server/demo/seed.ts), plus
// meetings of the demo branch whose minutes the bench edits. The demo branch's 书记 (13800000001)
// and 组织委员 (13800000002, the 记录人 of these meetings) may write the minutes of any meeting of
// the branch (shared/permissions.ts minutesAccess), so the light clients sign in as those two.

export const DEFAULT_COLLAB_BENCH_URL = "postgres://postgres@127.0.0.1:5432/tongxin_bench_collab";
export const BENCH_USERS = ["13800000001", "13800000002"] as const;
const TITLE = "协同基准";

export function collabBenchDatabaseUrl(): string {
  return process.env.BENCH_COLLAB_DATABASE_URL || DEFAULT_COLLAB_BENCH_URL;
}

export interface Prepared {
  /** Minutes documents of bench meetings, as many as asked for. */
  docs: string[];
  password: string;
}

/** Creates (or reuses) the database, migrates, seeds the demo branch, and makes `count` bench meetings. */
export async function prepare(url: string, count: number, fresh: boolean): Promise<Prepared> {
  const created = await ensureDatabase(url, fresh);
  const sql = connect(url, 2);
  try {
    await migrate(sql);
    const password = process.env.DEMO_PASSWORD ?? "tongxin2026";
    await seedDemo(sql, password);
    const [who] = await sql<{ branch: string; secretary: string; recorder: string }[]>`
      select o.id as branch,
        (select id from users where username = ${BENCH_USERS[0]}) as secretary,
        (select id from users where username = ${BENCH_USERS[1]}) as recorder
      from organizations o where o.kind = 'branch' and o.name = '机关第一党支部'`;
    if (!who?.secretary || !who.recorder) throw new Error("demo branch or its users missing (seed failed?)");
    const have = await sql<{ id: string }[]>`
      select id from meetings where org_id = ${who.branch} and title like ${TITLE + "%"} order by title`;
    if (have.length < count) {
      // Spread over the coming weeks, an hour each, like scheduled branch meetings.
      await sql`
        insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id)
        select ${who.branch}, 'general_assembly', ${TITLE} || '（' || lpad(n::text, 4, '0') || '）',
          date_trunc('day', now()) + interval '7 days' + n * interval '2 hours',
          date_trunc('day', now()) + interval '7 days' + n * interval '2 hours' + interval '1 hour',
          '基准测试', ${who.secretary}, ${who.secretary}, ${who.recorder}
        from generate_series(${have.length + 1}::int, ${count}::int) n`;
    }
    const rows = await sql<{ id: string }[]>`
      select id from meetings where org_id = ${who.branch} and title like ${TITLE + "%"} order by title limit ${count}`;
    if (created) console.log(`  created database ${new URL(url).pathname.slice(1)}`);
    return { docs: rows.map((r) => meetingMinutesDoc(r.id)), password };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Forgets what earlier runs stored for these documents, so each run starts from the seeded outline. */
export async function clearDocs(sql: Sql, docs: string[]) {
  await sql`delete from doc_updates where doc_name = any(${docs})`;
  await sql`delete from doc_snapshots where doc_name = any(${docs})`;
}
