import type { Sql } from "../../../db/client";
import { DEFAULT_RULES } from "../../../shared/domain/kind-rules";
import type { Category, MeetingKind, OrgKind, Role } from "../../../shared/domain/labels";
import { sitsOnCommittee } from "../../../shared/permissions";
import type { InviteeRole } from "../../../shared/schemas/meetings";
import type { Org } from "../people/orgs";

// Who may be invited to an organisation's meetings (its people and those below it) and who is
// invited by default, per kind.

export type { InviteeRole };
export interface Invitee {
  userId: string;
  role: InviteeRole;
}

/** Someone who may be invited: a person with a live membership in the organisation or below. */
export interface PoolPerson {
  id: string;
  displayName: string;
  category: Category;
  /** Has set a password (can sign in): only they are offered as 主持人 or 记录人. */
  activated: boolean;
  memberships: { orgId: string; orgName: string; orgKind: OrgKind; role: Role; mobile: boolean }[];
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

/** The people of an organisation (and of those below it), by name. */
export async function inviteePool(sql: Sql, org: Pick<Org, "id">): Promise<PoolPerson[]> {
  const rows = await sql<
    {
      id: string;
      displayName: string;
      category: Category;
      activated: boolean;
      orgId: string;
      orgName: string;
      orgKind: OrgKind;
      role: Role;
      mobile: boolean;
    }[]
  >`
    with recursive down as (
      select id from organizations where id = ${org.id}
      union
      select o.id from organizations o join down on o.parent_id = down.id
    )
    select u.id, u.display_name as "displayName", u.category, (u.password_hash is not null) as activated, m.org_id as "orgId", o.name as "orgName",
      o.kind as "orgKind", m.role, m.mobile
    from memberships m join users u on u.id = m.user_id join organizations o on o.id = m.org_id
    where m.ended_at is null and m.org_id in (select id from down)
    order by o.name`;
  const people = new Map<string, PoolPerson>();
  for (const r of rows) {
    let p = people.get(r.id);
    if (!p)
      people.set(
        r.id,
        (p = { id: r.id, displayName: r.displayName, category: r.category, activated: r.activated, memberships: [] }),
      );
    p.memberships.push({ orgId: r.orgId, orgName: r.orgName, orgKind: r.orgKind, role: r.role, mobile: r.mobile });
  }
  return [...people.values()].sort((a, b) => byPinyin.compare(a.displayName, b.displayName));
}

const PARTY_MEMBERS: readonly Category[] = ["full", "probationary"];

/**
 * Who is invited by default, from who attends the kind (DEFAULT_RULES attendees; domain.md):
 * - all members (支部党员大会, 党课, 主题党日, 组织生活会, 民主评议党员): every 正式 and 预备党员 of the
 *   organisation and those below as 应到 (流动党员 too: they take part, they only do not vote); for
 *   a 党课 the 入党积极分子 and 发展对象 as 列席. A 党委's 党课 (its 书记's to the branches) so
 *   reaches every branch below.
 * - the committee (支委会, 党委会, 总支委员会, 中心组学习, 党员代表大会): those sitting on the
 *   organisation's own committee, never the branches' people.
 * - the group (党小组会): the group's 党员. Activists on a group's list are not 应到 (they are not
 *   members); the secretary may add them as 列席.
 */
export function pickDefaults(pool: PoolPerson[], org: Pick<Org, "id">, kind: MeetingKind): Invitee[] {
  const attendee = (p: PoolPerson): Invitee => ({ userId: p.id, role: "attendee" });
  const rule = DEFAULT_RULES[kind];
  switch (rule.attendees) {
    case "committee":
      return pool.filter((p) => sitsOnCommittee(p, org.id)).map(attendee);
    case "group":
      return pool
        .filter((p) => PARTY_MEMBERS.includes(p.category) && p.memberships.some((m) => m.orgId === org.id))
        .map(attendee);
    case "members": {
      const out = pool.filter((p) => PARTY_MEMBERS.includes(p.category)).map(attendee);
      if (rule.inviteActivists)
        for (const p of pool)
          if (p.category === "activist" || p.category === "candidate") out.push({ userId: p.id, role: "guest" });
      return out;
    }
  }
}

/** The default invitee list of a meeting of this kind in this organisation. */
export async function defaultInvitees(sql: Sql, org: Pick<Org, "id">, kind: MeetingKind): Promise<Invitee[]> {
  return pickDefaults(await inviteePool(sql, org), org, kind);
}
