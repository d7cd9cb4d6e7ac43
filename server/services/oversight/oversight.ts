import type { Sql } from "../../../db/client";
import { CHINA_TIME_ZONE, chinaDate, chinaParts, chinaTime } from "../../../shared/time";
import { periodOf, type Period } from "../../../shared/domain/periods";
import { resolveSettings } from "../../../shared/domain/org-settings";
import { type ResolvedSettings } from "../../../shared/domain/kind-rules";
import {
  meetingsWithoutMinutes,
  requiredVsHeld,
  type Compliance,
  type ComplianceMeeting,
  type KindCompliance,
} from "../../../shared/domain/compliance";
import {
  kindsAnsweredFor,
  MEETING_KINDS,
  type MeetingKind,
  type OrgKind,
  type Role,
} from "../../../shared/domain/labels";
import { sitsOnCommittee } from "../../../shared/permissions";
import type { Org } from "../people/orgs";

// The 党委 (or 党总支) overview: every 党支部 below an organisation with what its organisational
// life looks like this quarter and this year, and the subtree's meetings and attendance month by
// month. It answers for a 党委 of a thousand branches with three set-based queries, whatever the
// size: the subtree with each branch's local rules; this year's meetings folded per organisation
// and kind; the last 24 months folded per month and kind. The rules themselves are the ones the
// branch's own compliance page applies (shared/domain/compliance.ts), run per branch in memory.
//
// Help for the level above to see where to follow up, not an assessment: no points, no scores, no
// ranking. Branches come in tree order (by name under each 党总支), never sorted by a figure.

const MONTHS_BACK = 24;
/** What a branch answers for (its own kinds and its groups' 党小组会). */
const BRANCH_KINDS = kindsAnsweredFor("branch");
const EPOCH = new Date(0);
const collator = new Intl.Collator("zh-CN-u-co-pinyin", { numeric: true });

const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** "十二" → 12, "一百零五" → 105, "二〇二六" → 2026. */
function chineseNumber(s: string): number {
  if (![...s].some((c) => c in UNIT)) return Number([...s].map((c) => DIGIT[c]).join(""));
  let total = 0;
  let digit = 0;
  for (const c of s) {
    if (c in UNIT) {
      total += (digit || 1) * UNIT[c];
      digit = 0;
    } else digit = DIGIT[c];
  }
  return total + digit;
}

/**
 * Name order as people read it: by pinyin, with numbers, Chinese numerals included, in numeric
 * order (第二党支部 before 第十党支部 before 第十一党支部; plain pinyin would put 二 èr before 一 yī).
 */
function sortByName<T extends { id: string; name: string }>(list: T[]): T[] {
  const keyed = list.map((o) => ({
    o,
    key: o.name.replace(/[零〇一二两三四五六七八九十百千]+/g, (n) => String(chineseNumber(n))),
  }));
  keyed.sort(
    (a, b) => collator.compare(a.key, b.key) || collator.compare(a.o.name, b.o.name) || (a.o.id < b.o.id ? -1 : 1),
  );
  return keyed.map((k) => k.o);
}

export interface OversightFigures extends Omit<Compliance, "nextDue"> {
  /** Per kind; 党小组会 are summed over the branch's groups. */
  kinds: Omit<KindCompliance, "groups">[];
}

export interface BranchOversight {
  id: string;
  name: string;
  /** The organisations between the overview's organisation and the branch, top down (its 党总支). */
  trail: { id: string; name: string; kind: OrgKind }[];
  /** Number of 党小组. */
  groups: number;
  /** "2026-12-07": the branch's obligations are counted from this date. */
  trackingStartedOn: string;
  quarter: OversightFigures;
  year: OversightFigures;
  /** Meetings held this year without minutes, and those whose minutes are past the branch's due day. */
  minutes: { missing: number; overdue: number };
  /** This year's meetings that are over: 应到 attendees and how many came (on time, late or leaving early). */
  attendance: { expected: number; came: number; rate: number | null };
  /** Something to follow up: a required meeting whose period has passed, or minutes past due. */
  lacking: boolean;
  /** The branch's 整改清单 as reported upward: items not yet closed, and those past their deadline. */
  rectification: { open: number; overdue: number };
}

export interface OversightMonth {
  /** "2026-03", China time. */
  key: string;
  /** Meetings held in the branches (and their groups) that month, by kind. */
  held: Record<MeetingKind, number>;
  total: number;
  /** Attendance at those of them that are over. */
  expected: number;
  came: number;
  rate: number | null;
}

export interface Oversight {
  quarter: Period;
  year: Period;
  /** In tree order: branches directly below first, then by 党总支, each by name. */
  branches: BranchOversight[];
  /** The last 24 months, oldest first, this month last. */
  months: OversightMonth[];
  totals: {
    branches: number;
    quarter: { required: number; held: number };
    /** Branches with a required meeting overdue this year. */
    branchesOverdue: number;
    /** Minutes past due, this year. */
    minutesOverdue: number;
    minutesMissing: number;
    branchesLacking: number;
    attendance: { expected: number; came: number; rate: number | null };
    rectification: { open: number; overdue: number };
  };
}

interface OrgRow {
  id: string;
  parentId: string | null;
  kind: OrgKind;
  name: string;
  settings: unknown;
  /** "2026-12-07": obligations are counted from this China-time date. */
  trackingStartedOn: string;
}

interface YearRow {
  orgId: string;
  kind: MeetingKind;
  /** China-time months (1–12) of meetings held, of meetings still to come, of planned ones. */
  held: number[];
  scheduled: number[];
  planned: number[];
  /** Start times (epoch seconds) of meetings held without minutes. */
  noMinutes: number[];
  expected: number;
  came: number;
}

interface MonthRow {
  /** "2026-03" */
  month: string;
  kind: MeetingKind;
  held: number;
  expected: number;
  came: number;
}

// The two queries over meetings take the organisations as an array of ids ($1). They run as
// unnamed statements, planned each time with the actual array: a prepared statement would switch
// to a generic plan after five runs, which cannot see that the array holds 4,000 ids and picks
// index lookups per meeting, three times slower for a large 党委.

/**
 * 2. This year's meetings ($3 ≤ start < $4) of the branches and their groups ($1), folded per
 * organisation and kind: the China-time months of those held by $2, still to come and planned
 * (all the cadence rules need, since every cadence period is made of whole months), the start of
 * each held one without minutes (nobody wrote in its document: live_doc_person_edits, the
 * collaboration store's read model; the name is shared/doc-names' meetingMinutesDoc), and attendance at
 * those that are over (meeting_turnout, kept by triggers). Cancelled meetings count nowhere.
 */
const YEAR_SQL = `
  select m.org_id as "orgId", m.kind,
    coalesce(array_agg(m.month) filter (where m.held), '{}') as held,
    coalesce(array_agg(m.month) filter (where m.status = 'scheduled' and not m.held), '{}') as scheduled,
    coalesce(array_agg(m.month) filter (where m.status = 'planned'), '{}') as planned,
    coalesce(array_agg(extract(epoch from m.starts_at)::float8) filter (where m.held
      and not exists (select 1 from live_doc_person_edits e where e.doc_name = 'meeting.' || m.id || '.minutes')), '{}')
      as "noMinutes",
    coalesce(sum(t.expected) filter (where m.over), 0)::int as expected,
    coalesce(sum(t.came) filter (where m.over), 0)::int as came
  from (
    select m.id, m.org_id, m.kind, m.status, m.starts_at,
      date_part('month', m.starts_at at time zone '${CHINA_TIME_ZONE}')::int as month,
      m.status = 'scheduled' and (m.starts_at < $2 or coalesce(m.session_started_at < $2, false)) as held,
      m.status = 'scheduled' and coalesce(m.session_ended_at, m.ends_at) < $2 as over
    from meetings m
    where m.org_id = any($1::uuid[]) and m.starts_at >= $3 and m.starts_at < $4 and m.status <> 'cancelled'
  ) m
  left join meeting_turnout t on t.meeting_id = m.id
  group by m.org_id, m.kind`;

/**
 * 3. Meetings of the branches and their groups ($1) held by $2 with $3 ≤ start < $4 (the last 24
 * months), per China-time month and kind, with attendance at those that are over.
 */
const MONTHS_SQL = `
  select to_char(month, 'YYYY-MM') as month, kind, held, expected, came from (
    select date_trunc('month', m.starts_at at time zone '${CHINA_TIME_ZONE}') as month, m.kind,
      count(*)::int as held,
      coalesce(sum(t.expected) filter (where coalesce(m.session_ended_at, m.ends_at) < $2), 0)::int as expected,
      coalesce(sum(t.came) filter (where coalesce(m.session_ended_at, m.ends_at) < $2), 0)::int as came
    from meetings m
    left join meeting_turnout t on t.meeting_id = m.id
    where m.org_id = any($1::uuid[]) and m.status = 'scheduled' and m.starts_at >= $3 and m.starts_at < $4
      and (m.starts_at < $2 or m.session_started_at < $2)
    group by 1, 2
  ) x`;

const rate = (came: number, expected: number) => (expected > 0 ? came / expected : null);

/** The China-time start of the month `offset` months from the month of `now`. */
function monthStart(now: Date, offset: number): Date {
  const { year, month } = chinaParts(now);
  return chinaTime(year, month + offset, 1);
}

function monthKey(d: Date): string {
  const { year, month } = chinaParts(d);
  return `${year}-${String(month).padStart(2, "0")}`;
}

function figures(kinds: KindCompliance[]): OversightFigures {
  const out: OversightFigures = { required: 0, held: 0, scheduled: 0, planned: 0, missing: 0, overdue: 0, kinds: [] };
  for (const { groups: _groups, ...k } of kinds) {
    out.kinds.push(k);
    out.required += k.required;
    out.held += k.held;
    out.scheduled += k.scheduled;
    out.planned += k.planned;
    out.missing += k.missing;
    out.overdue += k.overdue;
  }
  return out;
}

/**
 * What the level above sees of the branches below `org` (a 党委 or 党总支; for a 党支部, itself):
 * compliance this quarter and this year per branch, under each branch's own local rules, with its
 * 党小组; minutes outstanding; this year's attendance rate; and, for the subtree, meetings held
 * and attendance per month over the last 24 months.
 */
export async function oversight(sql: Sql, org: Pick<Org, "id">, now = new Date()): Promise<Oversight> {
  const quarter = periodOf("quarterly", now);
  const year = periodOf("yearly", now);
  const since = monthStart(now, -(MONTHS_BACK - 1));

  // 1. The subtree, with the local rules of its branches.
  const orgs = await sql<OrgRow[]>`
    with recursive down as (
      select id, parent_id, kind, name, 0 as depth from organizations where id = ${org.id}
      union all
      select o.id, o.parent_id, o.kind, o.name, down.depth + 1
      from organizations o join down on o.parent_id = down.id
      -- a damaged tree with a cycle must not loop forever
      where down.depth < 32
    )
    select d.id, d.parent_id as "parentId", d.kind, d.name, s.settings,
      to_char(o.tracking_started_on, 'YYYY-MM-DD') as "trackingStartedOn"
    from down d join organizations o on o.id = d.id
    left join org_settings s on s.org_id = d.id and d.kind = 'branch'`;

  const children = new Map<string, OrgRow[]>();
  for (const o of orgs) {
    if (o.id === org.id || !o.parentId) continue;
    const list = children.get(o.parentId);
    if (list) list.push(o);
    else children.set(o.parentId, [o]);
  }
  for (const [parent, list] of children) children.set(parent, sortByName(list));

  // Branches in tree order, each with the organisations above it (below the root) and its groups;
  // and for every organisation in a branch (the branch, its groups) the branch it counts for.
  interface Found {
    row: OrgRow;
    trail: OrgRow[];
    groupIds: string[];
  }
  const found: Found[] = [];
  const branchOf = new Map<string, string>();
  const root = orgs.find((o) => o.id === org.id);
  const walk = (o: OrgRow, trail: OrgRow[], branch: Found | null) => {
    let here = branch;
    if (!here && o.kind === "branch") {
      here = { row: o, trail, groupIds: [] };
      found.push(here);
    } else if (here && o.kind === "group") here.groupIds.push(o.id);
    if (here) branchOf.set(o.id, here.row.id);
    const below = here || o.id === org.id ? trail : [...trail, o];
    for (const c of children.get(o.id) ?? []) walk(c, below, here);
  };
  if (root) walk(root, [], null);
  // Branches directly below first, then those under each 党总支 (in tree order).
  const ordered = [...found.filter((b) => b.trail.length === 0), ...found.filter((b) => b.trail.length > 0)];
  const orgIds = [...branchOf.keys()];

  // 2 and 3 go out together (on two connections of the pool, where there is one), each as an
  // unnamed statement (see YEAR_SQL).
  // 4. The 整改清单 of every branch, folded in one statement (decision 031).
  const branchIds = ordered.map((b) => b.row.id);
  const [yearRows, monthRows, rectRows] = orgIds.length
    ? await Promise.all([
        sql.unsafe<YearRow[]>(YEAR_SQL, [orgIds, now, year.start, year.end], { prepare: false }),
        sql.unsafe<MonthRow[]>(MONTHS_SQL, [orgIds, now, since, monthStart(now, 1)], { prepare: false }),
        sql<{ orgId: string; open: number; overdue: number }[]>`
          select org_id as "orgId", count(*)::int as open,
            (count(*) filter (where deadline < ${chinaParts(now).date}::date))::int as overdue
          from rectification_items where org_id = any(${branchIds}::uuid[]) and status <> 'closed'
          group by org_id`,
      ])
    : [[], [], []];
  const rectOf = new Map(rectRows.map((r) => [r.orgId, { open: r.open, overdue: r.overdue }]));

  // Per branch: the meetings as the compliance rules see them, one per meeting, dated to its month
  // (a meeting still to come: not before now, so it is not taken for held).
  const { year: yearNumber } = chinaParts(now);
  const firstOf = Array.from({ length: 13 }, (_, m) => chinaTime(yearNumber, m, 1));
  const comingIn = firstOf.map((d) => (d > now ? d : now));
  const perBranch = new Map<
    string,
    { meetings: ComplianceMeeting[]; noMinutes: Date[]; expected: number; came: number }
  >();
  for (const b of ordered) perBranch.set(b.row.id, { meetings: [], noMinutes: [], expected: 0, came: 0 });
  for (const r of yearRows) {
    const acc = perBranch.get(branchOf.get(r.orgId) ?? "");
    if (!acc) continue;
    const { kind, orgId } = r;
    for (const m of r.held)
      acc.meetings.push({ kind, orgId, status: "scheduled", startsAt: firstOf[m], heldAt: EPOCH, hasMinutes: true });
    for (const m of r.scheduled)
      acc.meetings.push({ kind, orgId, status: "scheduled", startsAt: comingIn[m], heldAt: null, hasMinutes: true });
    for (const m of r.planned)
      acc.meetings.push({ kind, orgId, status: "planned", startsAt: firstOf[m], hasMinutes: true });
    for (const s of r.noMinutes) acc.noMinutes.push(new Date(s * 1000));
    acc.expected += r.expected;
    acc.came += r.came;
  }

  // Most branches keep the defaults: resolve each distinct set of local rules once.
  const resolved = new Map<string, ResolvedSettings>();
  const settingsOf = (stored: unknown) => {
    const key = JSON.stringify(stored ?? {});
    let r = resolved.get(key);
    if (!r) resolved.set(key, (r = resolveSettings(stored ?? {})));
    return r;
  };
  const branches: BranchOversight[] = ordered.map((b) => {
    const acc = perBranch.get(b.row.id)!;
    const settings = settingsOf(b.row.settings);
    const rules = settings.kinds;
    const trackingStart = chinaDate(b.row.trackingStartedOn) ?? undefined;
    const input = { rules, meetings: acc.meetings, now, groupIds: b.groupIds, trackingStart, kinds: BRANCH_KINDS };
    const q = figures(requiredVsHeld({ ...input, period: quarter }));
    const y = figures(requiredVsHeld({ ...input, period: year }));
    const due = meetingsWithoutMinutes(
      acc.noMinutes.map((startsAt) => ({ startsAt, status: "scheduled" as const, heldAt: EPOCH, hasMinutes: false })),
      now,
      settings.minutesDueDays,
    );
    const minutes = { missing: due.length, overdue: due.filter((d) => d.overdue).length };
    return {
      id: b.row.id,
      name: b.row.name,
      trail: b.trail.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
      groups: b.groupIds.length,
      trackingStartedOn: b.row.trackingStartedOn,
      quarter: q,
      year: y,
      minutes,
      attendance: { expected: acc.expected, came: acc.came, rate: rate(acc.came, acc.expected) },
      lacking: y.overdue > 0 || minutes.overdue > 0,
      rectification: rectOf.get(b.row.id) ?? { open: 0, overdue: 0 },
    };
  });

  const months: OversightMonth[] = [];
  const byKey = new Map<string, OversightMonth>();
  for (let i = MONTHS_BACK - 1; i >= 0; i--) {
    const key = monthKey(monthStart(now, -i));
    const held = Object.fromEntries(MEETING_KINDS.map((k) => [k, 0])) as Record<MeetingKind, number>;
    const m: OversightMonth = { key, held, total: 0, expected: 0, came: 0, rate: null };
    months.push(m);
    byKey.set(key, m);
  }
  for (const r of monthRows) {
    const m = byKey.get(r.month);
    if (!m) continue;
    m.held[r.kind] += r.held;
    m.total += r.held;
    m.expected += r.expected;
    m.came += r.came;
  }
  for (const m of months) m.rate = rate(m.came, m.expected);

  const sum = (f: (b: BranchOversight) => number) => branches.reduce((n, b) => n + f(b), 0);
  const expected = sum((b) => b.attendance.expected);
  const came = sum((b) => b.attendance.came);
  return {
    quarter,
    year,
    branches,
    months,
    totals: {
      branches: branches.length,
      quarter: { required: sum((b) => b.quarter.required), held: sum((b) => b.quarter.held) },
      branchesOverdue: branches.filter((b) => b.year.overdue > 0).length,
      minutesOverdue: sum((b) => b.minutes.overdue),
      minutesMissing: sum((b) => b.minutes.missing),
      branchesLacking: branches.filter((b) => b.lacking).length,
      attendance: { expected, came, rate: rate(came, expected) },
      rectification: {
        open: sum((b) => b.rectification.open),
        overdue: sum((b) => b.rectification.overdue),
      },
    },
  };
}

/** A leader of the organisation and their 双重组织生活: where below they take part as an ordinary member. */
export interface LeaderLife {
  userId: string;
  name: string;
  /** Their posts in the organisation itself, as role codes. */
  roles: Role[];
  /** The branches or groups below in which they hold a live membership. */
  orgs: { id: string; name: string; kind: OrgKind }[];
  /** This year's meetings there that are over, on their list as 应到, and how many they came to. */
  expected: number;
  came: number;
  lastAttended: Date | null;
}

/**
 * 双重组织生活 of an organisation's committee (domain.md): each member of its 委员会 with the
 * branches or 党小组 below where they take part as an ordinary member, and their attendance there
 * this year; the level above checks it. Someone with no such membership is listed with none.
 * By name.
 */
export async function leadersDualLife(sql: Sql, org: Pick<Org, "id">, now = new Date()): Promise<LeaderLife[]> {
  const year = periodOf("yearly", now);
  const here = await sql<{ userId: string; name: string; role: Role }[]>`
    select m.user_id as "userId", u.display_name as name, m.role
    from memberships m join users u on u.id = m.user_id
    where m.org_id = ${org.id} and m.ended_at is null`;
  const leaders = new Map<string, LeaderLife>();
  for (const r of here) {
    if (!sitsOnCommittee({ memberships: [{ orgId: org.id, role: r.role }] }, org.id)) continue;
    const l = leaders.get(r.userId);
    if (l) l.roles.push(r.role);
    else
      leaders.set(r.userId, {
        userId: r.userId,
        name: r.name,
        roles: [r.role],
        orgs: [],
        expected: 0,
        came: 0,
        lastAttended: null,
      });
  }
  const ids = [...leaders.keys()];
  if (ids.length === 0) return [];
  const below = await sql<{ userId: string; id: string; name: string; kind: OrgKind; parentId: string }[]>`
    with recursive down (id, depth) as (
      select o.id, 1 from organizations o where o.parent_id = ${org.id}
      union all
      select o.id, down.depth + 1 from organizations o join down on o.parent_id = down.id where down.depth < 32
    )
    select m.user_id as "userId", o.id, o.name, o.kind, o.parent_id as "parentId"
    from memberships m join organizations o on o.id = m.org_id
    where m.user_id = any(${ids}) and m.ended_at is null and m.org_id in (select id from down)
    order by o.name`;
  for (const b of below) leaders.get(b.userId)!.orgs.push({ id: b.id, name: b.name, kind: b.kind });
  // A 党小组's member also attends its branch's 党员大会, 党课 and 主题党日.
  const where = [...new Set(below.flatMap((b) => (b.kind === "group" ? [b.id, b.parentId] : [b.id])))];
  const attended = await sql<{ userId: string; expected: number; came: number; last: Date | null }[]>`
    select i.user_id as "userId", count(*)::int as expected,
      count(*) filter (where a.status in ('present', 'late', 'left_early'))::int as came,
      max(m.starts_at) filter (where a.status in ('present', 'late', 'left_early')) as last
    from meeting_invitees i
    join meetings m on m.id = i.meeting_id
    left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
    where i.user_id = any(${ids}) and i.role = 'attendee' and m.status = 'scheduled'
      and m.org_id = any(${where}::uuid[])
      and m.starts_at >= ${year.start} and coalesce(m.session_ended_at, m.ends_at) < ${now}
    group by i.user_id`;
  for (const a of attended) {
    const l = leaders.get(a.userId)!;
    l.expected = a.expected;
    l.came = a.came;
    l.lastAttended = a.last;
  }
  return sortByName([...leaders.values()].map((l) => ({ ...l, id: l.userId })));
}
