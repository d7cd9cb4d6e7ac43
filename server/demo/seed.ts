import { hashPassword, verifyPassword } from "../auth/password";
import { defaultInvitees } from "../services/schedule";
import type { Category, MeetingKind, Role } from "../../shared/domain/labels";
import type { Sql } from "../../db/client";

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

/** Added by the secretary but not yet activated: shows how invitations look. */
const INVITED = [{ username: "13800000013", name: "冯雪", category: "activist" as Category, org: "group1" as const }];

/** The next weekday afternoon at least `days` days ahead, 14:30 to 16:30 China time. */
function upcomingSlot(days: number, now = new Date()): { start: Date; end: Date } {
  const d = new Date(now.getTime() + days * 86_400_000);
  while ([0, 6].includes(new Date(d.getTime() + 8 * 3_600_000).getUTCDay())) d.setTime(d.getTime() + 86_400_000);
  const local = new Date(d.getTime() + 8 * 3_600_000);
  const start = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 6, 30));
  return { start, end: new Date(start.getTime() + 2 * 3_600_000) };
}

/**
 * Seeds a demo 党支部 into an empty database and returns its sign-ins; does nothing (and
 * returns []) when any user exists. Serialised by a lock so two nodes cannot both seed.
 */
export async function seedDemo(sql: Sql, password: string): Promise<DemoAccount[]> {
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

    const ids: string[] = [];
    for (const [i, p] of PEOPLE.entries()) {
      const [u] = await t<{ id: string }[]>`
        insert into users (username, display_name, password_hash, category, probation_started_on, probation_ends_on)
        values (${p.username}, ${p.name}, ${hashes[i]}, ${p.category}, ${p.probation?.[0] ?? null},
                ${p.probation?.[1] ?? null})
        returning id`;
      ids.push(u.id);
      await t`insert into memberships (user_id, org_id, role, mobile)
              values (${u.id}, ${orgs[p.org]}, ${p.role}, ${p.mobile ?? false})`;
    }
    for (const x of EXTRA_MEMBERSHIPS) {
      const id = ids[PEOPLE.findIndex((p) => p.username === x.username)];
      await t`insert into memberships (user_id, org_id, role) values (${id}, ${orgs[x.org]}, ${x.role})`;
    }
    for (const x of INVITED) {
      const [u] = await t<{ id: string }[]>`
        insert into users (username, display_name, category) values (${x.username}, ${x.name}, ${x.category})
        returning id`;
      await t`insert into memberships (user_id, org_id, role, created_by) values (${u.id}, ${orgs[x.org]}, 'member', ${ids[0]})`;
    }

    const meetings: {
      org: string;
      kind: MeetingKind;
      title: string;
      days: number;
      place: string;
      by: number;
      agenda?: string[];
      coEditors?: string[];
    }[] = [
      {
        org: branch.id,
        kind: "general_assembly",
        title: "集中学习《中国共产党支部工作条例（试行）》",
        days: 2,
        place: "机关办公楼三楼党员活动室",
        by: 0,
        agenda: ["学习《条例》第二章“组织设置”", "交流学习体会", "通报下季度工作安排"],
        // The host lets a member help the 记录人 with the minutes.
        coEditors: ["13800000004"],
      },
      {
        org: group1.id,
        kind: "group_meeting",
        title: "第一党小组学习会：交流学习体会",
        days: 6,
        place: "二楼小会议室",
        by: 2,
      },
    ];
    for (const m of meetings) {
      const { start, end } = upcomingSlot(m.days);
      // The host convenes, the 组织委员 (or the group leader) keeps the minutes; the invitee list
      // is what the scheduling page would propose for the kind.
      const [row] = await t<{ id: string }[]>`
        insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id)
        values (${m.org}, ${m.kind}, ${m.title}, ${start}, ${end}, ${m.place}, ${ids[m.by]}, ${ids[m.by]},
                ${ids[m.org === branch.id ? 1 : m.by]})
        returning id`;
      for (const inv of await defaultInvitees(t, { id: m.org }, m.kind))
        await t`insert into meeting_invitees (meeting_id, user_id, role) values (${row.id}, ${inv.userId}, ${inv.role})`;
      for (const [i, title] of (m.agenda ?? []).entries())
        await t`insert into meeting_agenda_items (meeting_id, position, title) values (${row.id}, ${i}, ${title})`;
      for (const username of m.coEditors ?? [])
        await t`
          insert into meeting_minutes_editors (meeting_id, user_id, added_by)
          values (${row.id}, ${ids[PEOPLE.findIndex((p) => p.username === username)]}, ${ids[m.by]})`;
    }

    await alignDemoTracking(t);
    return PEOPLE.map((p) => ({ username: p.username, displayName: p.name, role: p.roleLabel, password }));
  })) as DemoAccount[];
}

/**
 * The demo's organisations are judged from the day of the earliest meeting they (or the
 * organisations below them) hold, or from today when they hold none yet: the history the demo
 * seeds is judged, nothing before it is owed. Call it again whenever the demo's meetings are laid
 * out anew, so the start moves with them.
 */
export async function alignDemoTracking(t: Sql, now = new Date()) {
  await t`
    with recursive tree (root, id, depth) as (
      select id, id, 0 from organizations
      union all
      select tree.root, o.id, tree.depth + 1 from organizations o join tree on o.parent_id = tree.id
      where tree.depth < 32
    ), first as (
      select tree.root, min((m.starts_at at time zone 'Asia/Shanghai')::date) as day
      from tree join meetings m on m.org_id = tree.id and m.status <> 'cancelled'
      group by tree.root
    )
    update organizations o
    set tracking_started_on = least(coalesce(first.day, today.day), today.day)
    from organizations x
    cross join (select (${now}::timestamptz at time zone 'Asia/Shanghai')::date as day) today
    left join first on first.root = x.id
    where x.id = o.id`;
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
