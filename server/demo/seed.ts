import { hashPassword, verifyPassword } from "../auth/password";
import { defaultInvitees } from "../services/calendar/invitees";
import type { Category, MeetingKind, Role } from "../../shared/domain/labels";
import type { Sql } from "../../db/client";
import { CHINA_TIME_ZONE, chinaDateKey, chinaParts, chinaTime } from "../../shared/time";
import * as Y from "yjs";
import { storeWritten } from "../collab/persistence";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { EDITOR_FIELD } from "../../shared/editor/extensions";
import { minutesOutline } from "../../shared/editor/minutes";
import { LIFE_AGENDA, LIFE_LAST_TITLE, LIFE_PREP_TITLE, seedDemoLife, shiftDemoLife } from "./life";

export interface DemoAccount {
  username: string;
  displayName: string;
  role: string;
  password: string;
}

interface Person {
  username: string;
  name: string;
  category: Category;
  org: "committee" | "branch" | "group1" | "group2" | "branch2";
  role: Role;
  roleLabel: string;
  /** 流动党员: takes part in the host branch, no vote there. */
  mobile?: boolean;
  probation?: [string, string];
}

const PEOPLE: Person[] = [
  { username: "13800000001", name: "王建国", category: "full", org: "branch", role: "secretary", roleLabel: "书记" },
  {
    username: "13800000002",
    name: "李秀英",
    category: "full",
    org: "branch",
    role: "organization_member",
    roleLabel: "组织委员",
  },
  {
    username: "13800000003",
    name: "张伟",
    category: "full",
    org: "group1",
    role: "group_leader",
    roleLabel: "党小组长，第一党小组",
  },
  { username: "13800000004", name: "刘洋", category: "full", org: "group1", role: "member", roleLabel: "党员" },
  { username: "13800000005", name: "陈静", category: "full", org: "group1", role: "member", roleLabel: "党员" },
  { username: "13800000006", name: "杨帆", category: "full", org: "group2", role: "member", roleLabel: "党员" },
  {
    username: "13800000007",
    name: "赵敏",
    category: "probationary",
    org: "group2",
    role: "member",
    roleLabel: "预备党员",
    probation: ["2026-06-28", "2027-06-28"],
  },
  { username: "13800000008", name: "黄磊", category: "full", org: "group2", role: "member", roleLabel: "党员" },
  // Reviews the branch from the 党委 above: reads its records, does not edit them.
  {
    username: "13800000009",
    name: "周志强",
    category: "full",
    org: "committee",
    role: "organization_member",
    roleLabel: "党委组织委员，只读查阅",
  },
  // A sibling branch under the same 党委: its people never see the first branch's, nor it theirs.
  {
    username: "13800000010",
    name: "孙丽",
    category: "full",
    org: "branch2",
    role: "secretary",
    roleLabel: "书记，机关第二党支部",
  },
  {
    username: "13800000011",
    name: "吴刚",
    category: "full",
    org: "branch2",
    role: "member",
    roleLabel: "党员，机关第二党支部",
  },
  {
    username: "13800000012",
    name: "郑华",
    category: "full",
    org: "group2",
    role: "member",
    roleLabel: "流动党员，第二党小组",
    mobile: true,
  },
];

/** 双重组织生活: the 书记 also takes part in a 党小组 as an ordinary member. */
const EXTRA_MEMBERSHIPS: { username: string; org: Person["org"]; role: Role }[] = [
  { username: "13800000001", org: "group1", role: "member" },
];

/** Added by a 书记 but not yet activated: shows how invitations look. */
const INVITED: { username: string; name: string; category: Category; org: Person["org"] }[] = [
  { username: "13800000013", name: "冯雪", category: "activist", org: "group1" },
  // The second branch's other members: its 书记 records their attendance (no account yet).
  { username: "13800000021", name: "马丽娟", category: "full", org: "branch2" },
  { username: "13800000022", name: "钱进", category: "full", org: "branch2" },
  { username: "13800000023", name: "何平", category: "probationary", org: "branch2" },
];

// ------------------------------------------------------------------------------------------------
// The demo's meetings, laid out relative to "now". The first start lays them out; while no person
// has changed anything, each later start lays them out again for its own "now" (refreshDemo), so
// whoever tries the demo, today or a month later, finds a meeting they can start at once
// (docs/decisions/026-demo-ready-now.md). Anything the plan dates must move in refreshDemo too.

interface Slot {
  start: Date;
  end: Date;
}

const MIN = 60_000;
const DAY = 86_400_000;
/** Sign-in and 开始会议 open this long before the start (server/services/session/attendance.ts). */
const OPENS_BEFORE = 30 * MIN;

/** The meeting to try: it starts in 5 to 10 minutes (so 开始会议 works at once) and lasts two hours. */
function tryNow(now: Date): Slot {
  const start = new Date(Math.ceil((now.getTime() + 5 * MIN) / (5 * MIN)) * 5 * MIN);
  return { start, end: new Date(start.getTime() + 120 * MIN) };
}

/**
 * A weekday `days` from today (China time) at hh:mm: a Saturday or Sunday moves on to the Monday
 * ahead or, for a day in the past, back to the Friday before, so history stays history.
 */
function onWeekday(days: number, hh: number, mm: number, minutes: number): (now: Date) => Slot {
  return (now) => {
    const today = chinaParts(now);
    let d = chinaTime(today.year, today.month, today.day + days, hh, mm);
    while ([0, 6].includes(chinaParts(d).weekday)) d = new Date(d.getTime() + (days < 0 ? -DAY : DAY));
    return { start: d, end: new Date(d.getTime() + minutes * MIN) };
  };
}

interface Planned {
  /** Its key in demo_layout.meetings. */
  key: string;
  org: Person["org"];
  kind: MeetingKind;
  title: string;
  place: string;
  /** Usernames. */
  host: string;
  recorder: string;
  slot: (now: Date) => Slot;
  agenda?: string[];
  coEditors?: string[];
  /**
   * Already held: the session ran and attendance was taken (the other invitees were absent), and
   * the 记录人 wrote the minutes (one line per 发言要点 of the outline, the last for the decisions).
   */
  held?: { present: string[]; late?: string[]; minutes: string[] };
}

const PLAN: Planned[] = [
  {
    key: "try",
    org: "branch",
    kind: "general_assembly",
    title: "集中学习《中国共产党支部工作条例（试行）》",
    place: "机关办公楼三楼党员活动室",
    host: "13800000001",
    recorder: "13800000002",
    slot: tryNow,
    agenda: ["学习《条例》第二章“组织设置”", "交流学习体会", "通报下季度工作安排"],
    // The host lets a member help the 记录人 with the minutes.
    coEditors: ["13800000004"],
  },
  {
    key: "group1",
    org: "group1",
    kind: "group_meeting",
    title: "第一党小组学习会：交流学习体会",
    place: "二楼小会议室",
    host: "13800000003",
    recorder: "13800000003",
    slot: onWeekday(6, 14, 30, 120),
  },
  // The second branch has held a few meetings and has one coming, so its people find a history.
  {
    key: "b2-assembly",
    org: "branch2",
    kind: "general_assembly",
    title: "学习贯彻党的二十届四中全会精神",
    place: "机关办公楼五楼会议室",
    host: "13800000010",
    recorder: "13800000010",
    slot: onWeekday(-40, 14, 30, 120),
    agenda: ["传达全会精神", "结合岗位谈体会"],
    held: {
      present: ["13800000010", "13800000011", "13800000021", "13800000022", "13800000023"],
      minutes: [
        "孙丽传达了全会精神，重点讲了推进中国式现代化的部署要求。",
        "吴刚、马丽娟结合窗口服务谈了体会：把群众满意作为工作标准。",
        "会议决定：本月内每名党员撰写一篇学习体会，支委会下次会议交流。",
      ],
    },
  },
  {
    key: "b2-theme-day",
    org: "branch2",
    kind: "theme_day",
    title: "主题党日：走访慰问社区困难党员",
    place: "幸福里社区党群服务中心",
    host: "13800000010",
    recorder: "13800000010",
    slot: onWeekday(-17, 9, 0, 120),
    held: {
      present: ["13800000010", "13800000011", "13800000021"],
      late: ["13800000023"],
      minutes: [
        "走访社区困难党员 3 户，了解生活和就医情况，送去慰问品。",
        "会议决定：由吴刚负责与社区建立结对联系，每季度走访一次。",
      ],
    },
  },
  {
    key: "b2-lecture",
    org: "branch2",
    kind: "party_lecture",
    title: "党课：发扬斗争精神，增强斗争本领",
    place: "机关办公楼五楼会议室",
    host: "13800000010",
    recorder: "13800000010",
    slot: onWeekday(-3, 15, 0, 90),
    held: {
      present: ["13800000010", "13800000011", "13800000022", "13800000023"],
      minutes: [
        "孙丽讲授党课，结合机关工作实际讲了斗争精神的内涵和要求。",
        "会议决定：党课课件发至每名党员，下月主题党日开展讨论。",
      ],
    },
  },
  {
    key: "b2-next",
    org: "branch2",
    kind: "theme_day",
    title: "主题党日：参观廉政教育基地",
    place: "市廉政教育基地（统一乘车前往）",
    host: "13800000010",
    recorder: "13800000010",
    slot: onWeekday(4, 9, 0, 180),
  },
  // The 组织生活会 cycle (server/demo/life.ts): this year's in preparation, past its 10-day notice,
  // with opinions, talks and 对照检查材料; last year's held, with the 整改清单 the new one looks back on.
  {
    key: "life-prep",
    org: "branch",
    kind: "life_meeting",
    title: LIFE_PREP_TITLE,
    place: "机关办公楼三楼党员活动室",
    host: "13800000001",
    recorder: "13800000002",
    slot: onWeekday(17, 14, 30, 180),
    agenda: LIFE_AGENDA,
  },
  {
    key: "life-last",
    org: "branch",
    kind: "life_meeting",
    title: LIFE_LAST_TITLE,
    place: "机关办公楼三楼党员活动室",
    host: "13800000001",
    recorder: "13800000002",
    slot: onWeekday(-350, 14, 30, 180),
    agenda: LIFE_AGENDA,
    // 郑华, a 流动党员, was away; the minutes (life.ts) follow the 组织生活会's own outline.
    held: {
      present: [
        "13800000001",
        "13800000002",
        "13800000003",
        "13800000004",
        "13800000005",
        "13800000006",
        "13800000007",
        "13800000008",
      ],
      minutes: [],
    },
  },
];

/**
 * Minutes as a 记录人 leaves them: the outline the session page starts from, each empty line of it
 * filled in turn with one of `lines` (the last goes under 会议决议).
 */
function writtenMinutes(agenda: string[], lines: string[]): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, minutesOutline(agenda));
  const empty = doc
    .getXmlFragment(EDITOR_FIELD)
    .toArray()
    .filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === "paragraph" && n.length === 0);
  // The outline's empty lines: one per 发言要点, the last under 会议决议.
  const points = lines.slice(0, -1);
  empty.slice(0, -1).forEach((p, i) => {
    if (points[i]) p.insert(0, [new Y.XmlText(points[i])]);
  });
  empty.at(-1)?.insert(0, [new Y.XmlText(lines[lines.length - 1])]);
  const out = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return out;
}

/** A held meeting's session and sign-in times, relative to its slot. */
function heldTimes(slot: Slot) {
  return {
    startedAt: new Date(slot.start.getTime() + 2 * MIN),
    endedAt: new Date(slot.end.getTime() - 5 * MIN),
    signedIn: (i: number) => new Date(slot.start.getTime() - (10 - i) * MIN),
    late: new Date(slot.start.getTime() + 18 * MIN),
  };
}

/**
 * Seeds a demo 党委 with two 党支部 into an empty database and returns its sign-ins; does nothing
 * (and returns []) when any user exists. Serialised by a lock so two nodes cannot both seed.
 */
export async function seedDemo(sql: Sql, password: string, now = new Date()): Promise<DemoAccount[]> {
  // Most starts find users already: skip the hashing then (the lock below re-checks).
  const [{ any }] = await sql<{ any: boolean }[]>`select exists (select 1 from users) as any`;
  if (any) return [];
  const hashes = await Promise.all(PEOPLE.map(() => hashPassword(password)));
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`select pg_advisory_xact_lock(727002)`;
    const [{ n }] = await t<{ n: number }[]>`select count(*)::int as n from users`;
    if (n > 0) return [];

    const [committee] = await t<{ id: string }[]>`
      insert into organizations (kind, name) values ('committee', '同心示范单位党委') returning id`;
    const [branch] = await t<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${committee.id}, 'branch', '机关第一党支部') returning id`;
    const [group1] = await t<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${branch.id}, 'group', '第一党小组') returning id`;
    const [group2] = await t<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${branch.id}, 'group', '第二党小组') returning id`;
    const [branch2] = await t<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${committee.id}, 'branch', '机关第二党支部') returning id`;
    const orgs = {
      committee: committee.id,
      branch: branch.id,
      group1: group1.id,
      group2: group2.id,
      branch2: branch2.id,
    };

    const ids = new Map<string, string>();
    const id = (username: string) => ids.get(username)!;
    for (const [i, p] of PEOPLE.entries()) {
      const [u] = await t<{ id: string }[]>`
        insert into users (username, display_name, password_hash, category, probation_started_on, probation_ends_on)
        values (${p.username}, ${p.name}, ${hashes[i]}, ${p.category}, ${p.probation?.[0] ?? null},
                ${p.probation?.[1] ?? null})
        returning id`;
      ids.set(p.username, u.id);
      await t`insert into memberships (user_id, org_id, role, mobile)
              values (${u.id}, ${orgs[p.org]}, ${p.role}, ${p.mobile ?? false})`;
    }
    for (const x of EXTRA_MEMBERSHIPS)
      await t`insert into memberships (user_id, org_id, role) values (${id(x.username)}, ${orgs[x.org]}, ${x.role})`;
    for (const x of INVITED) {
      const [u] = await t<{ id: string }[]>`
        insert into users (username, display_name, category) values (${x.username}, ${x.name}, ${x.category})
        returning id`;
      ids.set(x.username, u.id);
      const by = id(x.org === "branch2" ? "13800000010" : "13800000001");
      await t`insert into memberships (user_id, org_id, role, created_by) values (${u.id}, ${orgs[x.org]}, 'member', ${by})`;
    }

    const laidOut: Record<string, string> = {};
    for (const m of PLAN) {
      const slot = m.slot(now);
      const held = m.held ? heldTimes(slot) : null;
      const [row] = await t<{ id: string }[]>`
        insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id,
          session_started_at, session_ended_at)
        values (${orgs[m.org]}, ${m.kind}, ${m.title}, ${slot.start}, ${slot.end}, ${m.place}, ${id(m.host)},
                ${id(m.host)}, ${id(m.recorder)}, ${held?.startedAt ?? null}, ${held?.endedAt ?? null})
        returning id`;
      laidOut[m.key] = row.id;
      // The invitee list is what the scheduling page would propose for the kind.
      for (const inv of await defaultInvitees(t, { id: orgs[m.org] }, m.kind))
        await t`insert into meeting_invitees (meeting_id, user_id, role) values (${row.id}, ${inv.userId}, ${inv.role})`;
      for (const [i, title] of (m.agenda ?? []).entries())
        await t`insert into meeting_agenda_items (meeting_id, position, title) values (${row.id}, ${i}, ${title})`;
      for (const username of m.coEditors ?? [])
        await t`
          insert into meeting_minutes_editors (meeting_id, user_id, added_by)
          values (${row.id}, ${id(username)}, ${id(m.host)})`;
      if (m.held && held) {
        // Those with an account signed in with the code; the 书记 recorded the others.
        const via = (u: string) => (PEOPLE.some((p) => p.username === u) ? "code" : "host");
        for (const [i, u] of m.held.present.entries())
          await t`insert into attendance (meeting_id, user_id, status, signed_in_at, via)
                  values (${row.id}, ${id(u)}, 'present', ${held.signedIn(i)}, ${via(u)})`;
        for (const u of m.held.late ?? [])
          await t`insert into attendance (meeting_id, user_id, status, signed_in_at, via)
                  values (${row.id}, ${id(u)}, 'late', ${held.late}, ${via(u)})`;
      }
    }
    // The past meetings' minutes, as their 记录人 wrote them (stored as a person's writing).
    for (const m of PLAN)
      if (m.held && m.kind !== "life_meeting")
        await storeWritten(t, meetingMinutesDoc(laidOut[m.key]), writtenMinutes(m.agenda ?? [], m.held.minutes));
    const last = PLAN.find((m) => m.key === "life-last")!;
    await seedDemoLife(t, {
      id,
      name: (u) => PEOPLE.find((p) => p.username === u)?.name ?? u,
      branchId: orgs.branch,
      prepId: laidOut["life-prep"],
      lastId: laidOut["life-last"],
      last: { start: heldTimes(last.slot(now)).startedAt, present: last.held!.present },
      now,
    });
    await t`insert into demo_layout (meetings, laid_out_for) values (${t.json(laidOut)}, ${now})`;

    await alignDemoTracking(t, now);
    return PEOPLE.map((p) => ({ username: p.username, displayName: p.name, role: p.roleLabel, password }));
  })) as DemoAccount[];
}

/** The meeting a newcomer can start now, as refreshDemo leaves it. */
export interface DemoMeeting {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** Whether this start laid the demo out again. */
  laidOut: boolean;
}

/**
 * Whether a person has changed anything in the demo since it was laid out (decision 026): made or
 * changed a meeting, started one, signed in to one or took attendance, wrote in a live document,
 * asked for leave, voted, handed in a reflection, added materials, changed people, organisations or
 * settings. Signing in, reading, and what the server does by itself (the minutes' first outline,
 * notifications, reminders) are not changes.
 */
async function touched(sql: Sql): Promise<boolean> {
  // The layout's times are read in SQL, never through JavaScript: a Date keeps milliseconds, and
  // PostgreSQL's now() has microseconds, so a row written in the layout's own transaction would
  // seem newer than a layout time that went through a Date.
  const [{ changed }] = await sql<{ changed: boolean }[]>`
    with l as (select laid_out_at as at, laid_out_for as f from demo_layout)
    select (
      -- Tables the seed never writes: any row is a person's doing.
      exists (select 1 from meeting_history) or exists (select 1 from meeting_materials)
      or exists (select 1 from files) or exists (select 1 from leave_requests)
      or exists (select 1 from makeup_tasks) or exists (select 1 from reflections)
      or exists (select 1 from votes) or exists (select 1 from invitations)
      or exists (select 1 from meeting_series) or exists (select 1 from org_settings)
      or exists (select 1 from review_ballots) or exists (select 1 from life_criticism_rounds)
      or exists (select 1 from life_study_links)
      or exists (select 1 from life_above_grants) or exists (select 1 from talk_settings)
      or exists (select 1 from group_liaisons) or exists (select 1 from rectification_settings)
      or exists (select 1 from examination_settings) or exists (select 1 from examination_boilerplate)
      -- Reading is not changing: reads of confidential records are audited, and stay a read.
      or exists (select 1 from audit_log where action not in ('member.view', 'member.list', 'member.export',
        'audit.view', 'opinion.view_senders', 'opinion.view_above', 'examination.view', 'criticism.read',
        'life.minutes_view', 'talk.read', 'review.results_view'))
      -- Live documents: anything a person wrote since the layout (the collaboration store's read
      -- model; the minutes' outline and header are the server's, the past meetings' minutes the seed's).
      or exists (select 1 from live_doc_person_edits where last_written_at > (select at from l))
      -- Tables the seed writes: rows or changes newer than the layout. Times the database fills in
      -- are compared with its clock at the layout; a session start (the app's clock) with the app's.
      or exists (
        select 1 from meetings
        where created_at > (select at from l) or updated_at > (select at from l)
          or session_started_at >= (select f from l))
      or exists (select 1 from attendance where updated_at > (select at from l))
      or exists (select 1 from meeting_minutes_editors where added_at > (select at from l))
      or exists (select 1 from users where created_at > (select at from l))
      or exists (select 1 from memberships where started_at > (select at from l) or ended_at is not null)
      or exists (select 1 from organizations where created_at > (select at from l))
      -- The 组织生活会 cycle's rows the seed writes (server/demo/life.ts), with times in the past.
      or exists (
        select 1 from life_opinions
        where created_at > (select at from l) or sorted_at > (select at from l) or passed_at > (select at from l))
      or exists (select 1 from problem_items where created_at > (select at from l))
      or exists (select 1 from talks where created_at > (select at from l))
      or exists (select 1 from examinations where updated_at > (select at from l))
      or exists (
        select 1 from rectification_items
        where created_at > (select at from l) or reported_at > (select at from l)
          or returned_at > (select at from l) or closed_at > (select at from l))
      or exists (select 1 from life_reports where reported_at > (select at from l))
      or exists (select 1 from life_offline_studies where recorded_at > (select at from l))
    ) as changed`;
  return changed;
}

/**
 * At each start, while no person has changed the demo: lays its meetings out again for `now` when
 * the day has turned or the meeting to try has begun (by the clock; nobody started it). Ids stay, so
 * links keep working. Returns the meeting to try, or null when there is no demo or someone has
 * changed it (then it is left alone for good).
 */
export async function refreshDemo(sql: Sql, now = new Date()): Promise<DemoMeeting | null> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`select pg_advisory_xact_lock(727002)`;
    const [layout] = await t<
      { meetings: Record<string, string>; laid_out_for: Date; laid_out_at: Date; touched_at: Date | null }[]
    >`select meetings, laid_out_for, laid_out_at, touched_at from demo_layout`;
    if (!layout || layout.touched_at) return null;
    if (await touched(t)) {
      await t`update demo_layout set touched_at = now()`;
      return null;
    }
    const rows = await t<{ id: string; title: string; starts_at: Date; ends_at: Date }[]>`
      select id, title, starts_at, ends_at from meetings where id = any(${Object.values(layout.meetings)}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const toTry = byId.get(layout.meetings.try);
    if (!toTry) return null;
    const result = (laidOut: boolean): DemoMeeting => ({
      id: toTry.id,
      title: toTry.title,
      startsAt: toTry.starts_at,
      endsAt: toTry.ends_at,
      laidOut,
    });
    // Still ahead and already open to start: leave it (a quick restart keeps its time).
    const canTry =
      now.getTime() >= toTry.starts_at.getTime() - OPENS_BEFORE && now.getTime() < toTry.starts_at.getTime();
    if (canTry && chinaDateKey(now) === chinaDateKey(layout.laid_out_for)) return result(false);

    for (const m of PLAN) {
      const row = byId.get(layout.meetings[m.key]);
      if (!row) continue;
      const slot = m.slot(now);
      // What the meeting carries moves with it: its session and its sign-in times.
      const shift = slot.start.getTime() - row.starts_at.getTime();
      await t`
        update meetings set starts_at = ${slot.start}, ends_at = ${slot.end},
          session_started_at = session_started_at + ${shift} * interval '1 millisecond',
          session_ended_at = session_ended_at + ${shift} * interval '1 millisecond', updated_at = now()
        where id = ${row.id}`;
      await t`
        update attendance set signed_in_at = signed_in_at + ${shift} * interval '1 millisecond'
        where meeting_id = ${row.id}`;
      row.starts_at = slot.start;
      row.ends_at = slot.end;
    }
    // The 组织生活会's talk days and 整改 deadlines move with the days.
    await shiftDemoLife(
      t,
      [layout.meetings["life-prep"], layout.meetings["life-last"]].filter(Boolean),
      layout.laid_out_for,
      now,
    );
    // The tracking start moves with the history it judges (item 11: nothing owed before it).
    await alignDemoTracking(t, now);
    await t`update demo_layout set laid_out_for = ${now}, laid_out_at = now()`;
    return result(true);
  })) as DemoMeeting | null;
}

/**
 * The demo's organisations are judged from the first day of the month the demo was laid out in
 * (China time). Its seeded history (up to 40 days back) is on the calendar and counts as held
 * where it falls, but no earlier period is owed: the demo's meetings are laid out relative to
 * today, so a start any further back would show 逾期 for gaps on some days of the year and not on
 * others. Called at each layout, so the start moves with the meetings (decision 027).
 */
export async function alignDemoTracking(t: Sql, now = new Date()) {
  await t`
    update organizations
    set tracking_started_on = date_trunc('month', ${now}::timestamptz at time zone ${CHINA_TIME_ZONE}::text)::date`;
}

/** The demo accounts that still sign in with the demo password (to print them on later starts). */
export async function demoSignIns(sql: Sql, password: string): Promise<DemoAccount[]> {
  const rows = await sql<{ username: string; password_hash: string | null }[]>`
    select username, password_hash from users where username = any(${PEOPLE.map((p) => p.username)})`;
  const hashes = new Map(rows.map((r) => [r.username, r.password_hash]));
  const valid = await Promise.all(
    PEOPLE.map(async (p) => {
      const h = hashes.get(p.username);
      return h ? verifyPassword(h, password) : false;
    }),
  );
  return PEOPLE.filter((_, i) => valid[i]).map((p) => ({
    username: p.username,
    displayName: p.name,
    role: p.roleLabel,
    password,
  }));
}
