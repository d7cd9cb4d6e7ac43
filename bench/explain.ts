import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import type { Sql } from "../db/client";
import { complianceReport } from "../server/services/oversight/compliance";
import * as meetings from "../server/services/calendar/meetings";
import { unreadCount } from "../server/services/notifications";
import { findOrg } from "../server/services/people/orgs";
import { inviteePool } from "../server/services/calendar/invitees";
import { upcomingForOrg } from "../server/services/calendar/meeting-detail";
import * as scheduleChecks from "../server/services/calendar/schedule-checks";
import { loadSubject } from "../server/services/people/subjects";
import { chinaParts, chinaTime } from "../shared/time";
import type { Subject } from "../shared/permissions";
import { BRANCH_SECRETARY, COMMITTEE_SECRETARY } from "./lib/accounts";
import { benchDatabaseUrl, redact } from "./lib/db";
import { fmtInt, fmtMs, percentile } from "./lib/stats";

// The queries behind the benchmarked pages, with their plans. Calls the real service functions
// against the large dataset, records every statement they send (postgres.js `debug` hook, with
// the same parameters), then runs EXPLAIN (ANALYZE, BUFFERS) on each. Prints the time of each
// service call, each statement's execution time and pages touched, and the plan of the slow ones.
//
//   tsx bench/explain.ts [--min-ms 20] [--runs 5] [--only compliance] [--generic]

const { values: args } = parseArgs({
  options: {
    "min-ms": { type: "string", default: "20" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    generic: { type: "boolean", default: false },
    reminders: { type: "boolean", default: false },
    set: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(`用法 usage: tsx bench/explain.ts [options]
  --min-ms 20   print the plan of statements at least this slow (execution time)
  --runs 5      timed calls of each service function (median printed)
  --only TEXT   only the cases whose name contains TEXT
  --generic     plan_cache_mode = force_generic_plan: the plan a prepared statement gets once
                PostgreSQL switches to a generic plan (postgres.js prepares every statement)
  --reminders   also time sendReminders (server/services/calendar/reminders.ts), rolled back
  --set k=v     a session setting first, e.g. --set jit=off --set random_page_cost=1.1 (repeatable)
  BENCH_DATABASE_URL (default ${redact(benchDatabaseUrl())})`);
  process.exit(0);
}
const MIN_MS = Number(args["min-ms"]);
const RUNS = Math.max(1, Number(args.runs));

type Captured = { query: string; params: unknown[] };
let capture: Captured[] | null = null;
const url = benchDatabaseUrl();
const sql = postgres(url, {
  max: 1,
  onnotice: () => {},
  connection: { application_name: "tongxin-bench" },
  debug: (_conn, query, params) => capture?.push({ query, params: params as unknown[] }),
}) as unknown as Sql;

type Case = { name: string; run: (q: Sql) => Promise<unknown>; rollback?: boolean };

try {
  if (args.generic) await sql`set plan_cache_mode = force_generic_plan`;
  for (const kv of args.set ?? []) {
    const [k, ...v] = kv.split("=");
    await sql`select set_config(${k.trim()}, ${v.join("=").trim()}, false)`;
  }
  const who = async (username: string) => {
    const [u] = await sql<{ id: string }[]>`select id from users where username = ${username}`;
    if (!u) throw new Error(`${username} missing: run bench/seed-large.ts first`);
    return { id: u.id, subject: await loadSubject(sql, u.id) };
  };
  const committeeUser = await who(COMMITTEE_SECRETARY.username);
  const secretary = await who(BRANCH_SECRETARY.username);
  const orgOf = (s: Subject, kind: string) => s.memberships.find((m) => m.orgKind === kind)!.orgId;
  const committee = (await findOrg(sql, orgOf(committeeUser.subject, "committee")))!;
  const branch = (await findOrg(sql, orgOf(secretary.subject, "branch")))!;

  const now = new Date();
  const { year, month } = chinaParts(now);
  const monthStart = chinaTime(year, month, 1);
  const monthEnd = chinaTime(year, month + 1, 1);

  // Functions still being written elsewhere are looked up by name, so this file keeps compiling.
  type Fn = (...a: unknown[]) => Promise<unknown>;
  const m = meetings as unknown as Record<string, Fn | undefined>;
  const sch = scheduleChecks as unknown as Record<string, Fn | undefined>;
  // 40 days ahead at 03:00 China time: nobody hosts a meeting then
  const freeSlot = chinaTime(year, month, chinaParts(now).day + 40, 3);
  const optional = async (file: string, name: string): Promise<Fn | undefined> => {
    try {
      const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, Fn | undefined>;
      return mod[name];
    } catch {
      return undefined;
    }
  };
  const oversight = await optional("server/services/oversight/oversight.ts", "oversight");
  const sendReminders = await optional("server/services/calendar/reminders.ts", "sendReminders");

  const cases: Case[] = [
    { name: "loadSubject 党委书记", run: (q: Sql) => loadSubject(q, committeeUser.id) },
    { name: "loadSubject 支部书记", run: (q: Sql) => loadSubject(q, secretary.id) },
    { name: "unreadCount 党委书记 (root loader)", run: (q: Sql) => unreadCount(q, committeeUser.id) },
    ...(m.meetingsToAttend
      ? [
          {
            name: "meetingsToAttend 党委书记, from now, limit 20 (home)",
            run: (q: Sql) => m.meetingsToAttend!(q, committeeUser.subject, { from: now, limit: 20 }),
          },
          {
            name: "meetingsToAttend 支部书记, from now, limit 20 (home)",
            run: (q: Sql) => m.meetingsToAttend!(q, secretary.subject, { from: now, limit: 20 }),
          },
          {
            name: "meetingsToAttend 党委书记, this month (my calendar)",
            run: (q: Sql) =>
              m.meetingsToAttend!(q, committeeUser.subject, { from: monthStart, to: monthEnd, limit: 500 }),
          },
          {
            name: "meetingsToAttend 支部书记, this month (my calendar)",
            run: (q: Sql) => m.meetingsToAttend!(q, secretary.subject, { from: monthStart, to: monthEnd, limit: 500 }),
          },
        ]
      : []),
    // What the home page and the member calendar used before meetingsToAttend, if still there.
    ...(m.listMeetingsFor
      ? [
          {
            name: "listMeetingsFor 党委书记, from now (old home)",
            run: (q: Sql) => m.listMeetingsFor!(q, committeeUser.subject, { from: now }),
          },
          {
            name: "listMeetingsFor 支部书记, from now (old home)",
            run: (q: Sql) => m.listMeetingsFor!(q, secretary.subject, { from: now }),
          },
        ]
      : []),
    ...(m.meetingsOfOrg
      ? [
          {
            name: "meetingsOfOrg branch, this month (branch calendar)",
            run: (q: Sql) => m.meetingsOfOrg!(q, secretary.subject, branch.id, { from: monthStart, to: monthEnd }),
          },
          {
            name: "meetingsOfOrg 党委, this month (whole tree)",
            run: (q: Sql) =>
              m.meetingsOfOrg!(q, committeeUser.subject, committee.id, { from: monthStart, to: monthEnd }),
          },
        ]
      : []),
    { name: "complianceReport branch", run: (q: Sql) => complianceReport(q, branch, now) },
    { name: "upcomingForOrg branch", run: (q: Sql) => upcomingForOrg(q, branch.id) },
    { name: "inviteePool branch (schedule form)", run: (q: Sql) => inviteePool(q, branch) },
    ...(sch.checkHostFree
      ? [
          {
            // what scheduling (and each meeting of a bulk/annual plan) checks before saving
            name: "checkHostFree 支部书记, a free slot (schedule)",
            run: (q: Sql) =>
              sch.checkHostFree!(
                q,
                { userId: secretary.id, subject: secretary.subject, address: "127.0.0.1" },
                { hostId: secretary.id, startsAt: freeSlot, endsAt: new Date(freeSlot.getTime() + 7_200_000) },
              ),
          },
        ]
      : []),
    ...(oversight ? [{ name: "oversight 党委 (dashboard)", run: (q: Sql) => oversight(q, committee, now) }] : []),
    ...(sendReminders && args.reminders
      ? [
          {
            name: "sendReminders (whole database, rolled back)",
            run: (q: Sql) => sendReminders(q, now),
            rollback: true,
          },
        ]
      : []),
  ].filter((c) => !args.only || c.name.includes(args.only));

  console.log(`同心 bench: query plans — ${now.toISOString()} — ${redact(url)}`);
  const settings = [...(args.generic ? ["generic plans"] : []), ...(args.set ?? [])].join(", ");
  console.log(`  runs ${RUNS}; plans printed for statements ≥ ${MIN_MS} ms${settings ? `; ${settings}` : ""}\n`);

  for (const c of cases) {
    const call = () => (c.rollback ? inRollback(c.run) : c.run(sql));
    await call(); // warm the cache and the prepared statements
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await call();
      times.push(performance.now() - t);
    }
    const statements: Captured[] = [];
    capture = statements;
    await call();
    capture = null;
    console.log(`■ ${c.name}: median ${fmtMs(percentile(times, 50))} ms, ${statements.length} statements`);
    for (const s of statements) {
      if (/^\s*(begin|commit|rollback|set |select pg_advisory)/i.test(s.query)) continue;
      if (/^\s*(insert|update|delete)/i.test(s.query) && !c.rollback) continue;
      const plan = await explain(s, c.rollback ?? false);
      const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      // The top node's buffers (8 kB pages touched): unlike the time, the same whatever the load.
      const top = /Buffers: ([^\n]+)/.exec(plan)?.[1] ?? "";
      const pages = [...top.matchAll(/=(\d+)/g)].reduce((n, x) => n + Number(x[1]), 0);
      console.log(`  ${fmtMs(ms).padStart(7)} ms ${fmtInt(pages).padStart(9)} pages  ${oneLine(s.query)}`);
      if (ms >= MIN_MS) console.log(plan.replace(/^/gm, "      "));
    }
    console.log("");
  }
} finally {
  await sql.end({ timeout: 5 });
}

async function explain(s: Captured, rollback: boolean): Promise<string> {
  const plan = (rows: readonly unknown[]) => rows.map((r) => (r as Record<string, string>)["QUERY PLAN"]).join("\n");
  const run = async (q: Sql) => {
    if (!args.generic) return plan(await q.unsafe(`explain (analyze, buffers) ${s.query}`, s.params as never[]));
    // A prepared statement's generic plan, as the app gets it once PostgreSQL stops planning
    // each execution afresh (plan_cache_mode = force_generic_plan makes that happen at once).
    await q.unsafe(`prepare bench_generic as ${s.query}`);
    try {
      const [{ types }] = await q<{ types: string[] }[]>`
        select parameter_types::text[] as types from pg_prepared_statements where name = 'bench_generic'`;
      // EXPLAIN cannot take parameters for EXECUTE: the values go in as typed literals.
      const values = s.params.map((v, i) => `${literal(v)}::${types[i]}`).join(", ");
      const execute = s.params.length ? `execute bench_generic(${values})` : "execute bench_generic";
      return plan(await q.unsafe(`explain (analyze, buffers) ${execute}`));
    } finally {
      await q.unsafe("deallocate bench_generic");
    }
  };
  return rollback ? inRollback(run) : run(sql);
}

/** Runs fn in a transaction that is rolled back (for statements that write). */
async function inRollback<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
  let out: T | undefined;
  const rollback = new Error("rollback");
  try {
    await sql.begin(async (tx) => {
      out = await fn(tx as unknown as Sql);
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return out as T;
}

/** A value as a SQL literal (strings, numbers, booleans, dates and arrays of them). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  const quote = (x: string) => `'${x.replace(/'/g, "''")}'`;
  if (v instanceof Date) return quote(v.toISOString());
  if (Array.isArray(v)) {
    const item = (x: unknown) =>
      x === null ? "NULL" : `"${(x instanceof Date ? x.toISOString() : String(x)).replace(/(["\\])/g, "\\$1")}"`;
    return quote(`{${v.map(item).join(",")}}`);
  }
  return quote(String(v));
}

function oneLine(q: string): string {
  const s = q.replace(/\s+/g, " ").trim();
  return s.length > 150 ? s.slice(0, 147) + "…" : s;
}
