import type { Sql } from "../../../db/client";
import { CATEGORIES, type Category, type OrgKind, type Role } from "../../../shared/domain/labels";
import {
  LEADER_ROLES,
  ORDINARY_ROLE,
  orgAccess,
  ROLE_ORDER,
  scheduleAccess,
  type Access,
  type OrgResource,
  type Subject,
} from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, UUID_RE } from "../errors";
import { orgChains, orgResource } from "./subjects";

export interface Org {
  id: string;
  parentId: string | null;
  kind: OrgKind;
  name: string;
  /** From the root down to this organisation. */
  path: string[];
  pathNames: string[];
  resource: OrgResource;
  /** China-time date ("2026-12-07") from which its obligations are counted (default: created). */
  trackingStartedOn: string;
}

export async function findOrg(sql: Sql, orgId: string): Promise<Org | null> {
  if (!UUID_RE.test(orgId)) return null;
  const [row] = await sql<
    { id: string; parent_id: string | null; kind: OrgKind; name: string; tracking_started_on: string }[]
  >`
    select id, parent_id, kind, name, to_char(tracking_started_on, 'YYYY-MM-DD') as tracking_started_on
    from organizations where id = ${orgId}`;
  if (!row) return null;
  const chain = (await orgChains(sql, [row.id])).get(row.id);
  if (!chain) return null;
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    name: row.name,
    path: chain.path,
    pathNames: chain.names,
    resource: orgResource(row.id, chain),
    trackingStartedOn: row.tracking_started_on,
  };
}

/** The organisation if the subject may see it; null when it does not exist or is hidden (answer 404). */
export async function getOrgFor(
  sql: Sql,
  subject: Subject,
  orgId: string,
): Promise<{ org: Org; access: Access } | null> {
  const org = await findOrg(sql, orgId);
  if (!org) return null;
  const access = orgAccess(subject, org.resource);
  return access === "none" ? null : { org, access };
}

/** The organisation, or a DomainError unless the actor manages it. */
export async function requireManagedOrg(sql: Sql, actor: Actor, orgId: string): Promise<Org> {
  const org = await findOrg(sql, orgId);
  if (!org) throw hidden();
  const access = orgAccess(actor.subject, org.resource);
  if (access === "none") throw hidden();
  if (access !== "manage") throw new DomainError("只有本组织的书记、副书记或组织委员可以进行此操作。", 403);
  return org;
}

/**
 * The organisation, or a DomainError unless the actor may schedule its meetings (scheduleAccess:
 * its managers, and a 党小组长 for their group).
 */
export async function requireSchedulingOrg(sql: Sql, actor: Actor, orgId: string): Promise<Org> {
  const org = await findOrg(sql, orgId);
  if (!org) throw hidden();
  const access = scheduleAccess(actor.subject, org.resource);
  if (access === "none") throw hidden();
  if (access !== "manage")
    throw new DomainError("只有本组织的书记、副书记、组织委员（党小组会还有党小组长）可以安排会议。", 403);
  return org;
}

/**
 * An organisation and, for a 党支部, its 党小组: what a branch plans and answers for (the plan,
 * what falls due). `ids` lists the organisation first.
 */
export async function withGroups(sql: Sql, org: Pick<Org, "id" | "kind">) {
  const groups =
    org.kind === "branch"
      ? await sql<{ id: string; name: string }[]>`
          select id, name from organizations where parent_id = ${org.id} and kind = 'group' order by name`
      : [];
  return { groups, ids: [org.id, ...groups.map((g) => g.id)] };
}

export interface OrgNode {
  id: string;
  parentId: string | null;
  kind: OrgKind;
  name: string;
  depth: number;
  /** People with a live membership here or below. */
  memberCount: number;
}

/** The organisation and everything below it, in tree order (parents before children, by name). */
export async function orgTree(sql: Sql, rootId: string): Promise<OrgNode[]> {
  const rows = await sql<(OrgNode & { sort: string[] })[]>`
    with recursive down as (
      select id, parent_id, kind, name, 0 as depth, array[name || id::text] as sort
      from organizations where id = ${rootId}
      union all
      select o.id, o.parent_id, o.kind, o.name, down.depth + 1, down.sort || (o.name || o.id::text)
      from organizations o join down on o.parent_id = down.id
      where down.depth < 32
    )
    select d.id, d.parent_id as "parentId", d.kind, d.name, d.depth, d.sort,
      (select count(distinct m.user_id)::int from memberships m
        where m.ended_at is null and m.org_id in (
          select x.id from down x where x.sort[1:array_length(d.sort, 1)] = d.sort)) as "memberCount"
    from down d order by d.sort`;
  return rows.map(({ sort: _sort, ...n }) => n);
}

/** Organisations the subject manages, topmost only (a 党委 administrator's 党委, a secretary's branch). */
export function managedRoots(subject: Subject): string[] {
  const managed = subject.memberships
    .filter((m) => orgAccess(subject, { id: m.orgId, kind: m.orgKind, path: m.orgPath }) === "manage")
    .map((m) => m.orgPath);
  return [
    ...new Set(
      managed.filter((p) => !managed.some((q) => q !== p && p.includes(q[q.length - 1]))).map((p) => p[p.length - 1]),
    ),
  ];
}

export interface OrgSummary {
  children: { id: string; kind: OrgKind; name: string; memberCount: number; leaders: string[] }[];
  committee: { userId: string; displayName: string; role: Role }[];
  counts: Record<Category, number>;
  total: number;
  mobile: number;
  /** 正式党员 with a regular (not 流动) membership: who votes in this organisation. */
  voting: number;
  pendingInvites: number;
}

/** What a branch home shows: its groups, its committee and head counts by category. */
export async function orgSummary(sql: Sql, orgId: string): Promise<OrgSummary> {
  const children = await sql<OrgSummary["children"]>`
    with recursive sub as (
      select c.id as child_id, c.id from organizations c where c.parent_id = ${orgId}
      union all
      select sub.child_id, o.id from organizations o join sub on o.parent_id = sub.id
    )
    select c.id, c.kind, c.name,
      (select count(distinct m.user_id)::int from memberships m
        where m.ended_at is null and m.org_id in (select id from sub where sub.child_id = c.id)) as "memberCount",
      coalesce((select array_agg(u.display_name order by u.display_name) from memberships m join users u on u.id = m.user_id
        where m.org_id = c.id and m.ended_at is null and m.role = any(${LEADER_ROLES as Role[]}::text[])), '{}') as leaders
    from organizations c where c.parent_id = ${orgId} order by c.name`;
  const committee = await sql<OrgSummary["committee"]>`
    select u.id as "userId", u.display_name as "displayName", m.role from memberships m join users u on u.id = m.user_id
    where m.org_id = ${orgId} and m.ended_at is null and m.role <> ${ORDINARY_ROLE}
    order by array_position(${ROLE_ORDER as Role[]}::text[], m.role), u.display_name`;
  const people = await sql<{ category: Category; mobile: boolean; invited: boolean }[]>`
    with recursive down as (
      select id from organizations where id = ${orgId}
      union
      select o.id from organizations o join down on o.parent_id = down.id
    )
    select u.category, bool_and(m.mobile) as mobile, (u.password_hash is null) as invited
    from memberships m join users u on u.id = m.user_id
    where m.ended_at is null and m.org_id in (select id from down)
    group by u.id`;
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const p of people) counts[p.category]++;
  return {
    children,
    committee,
    counts,
    total: people.length,
    mobile: people.filter((p) => p.mobile).length,
    voting: people.filter((p) => p.category === "full" && !p.mobile).length,
    pendingInvites: people.filter((p) => p.invited).length,
  };
}

/** Which kinds may sit directly under which: 党委 → 党总支 → 党支部 → 党小组. */
const PARENT_KINDS: Record<OrgKind, OrgKind[]> = {
  committee: ["committee"],
  general_branch: ["committee"],
  branch: ["committee", "general_branch"],
  group: ["branch"],
};
const KIND_NAME: Record<OrgKind, string> = {
  committee: "党委",
  general_branch: "党总支",
  branch: "党支部",
  group: "党小组",
};

function checkPlacement(kind: OrgKind, parent: Org) {
  if (!PARENT_KINDS[kind].includes(parent.kind))
    throw new DomainError(
      `${KIND_NAME[kind]}不能设在${KIND_NAME[parent.kind]}之下（应设在${PARENT_KINDS[kind].map((k) => KIND_NAME[k]).join("或")}之下）。`,
      400,
      "parentId",
    );
}

async function checkNameFree(sql: Sql, parentId: string, name: string, exceptId?: string) {
  const [dup] = await sql`
    select 1 from organizations where parent_id = ${parentId} and name = ${name}
    ${exceptId ? sql`and id <> ${exceptId}` : sql``}`;
  if (dup) throw new DomainError(`上级组织下已有名为“${name}”的组织。`, 409, "name");
}

export async function createOrg(
  sql: Sql,
  actor: Actor,
  input: { parentId: string; kind: OrgKind; name: string },
): Promise<string> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const parent = await requireManagedOrg(t, actor, input.parentId);
    checkPlacement(input.kind, parent);
    await checkNameFree(t, parent.id, input.name);
    const [row] = await t<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${parent.id}, ${input.kind}, ${input.name}) returning id`;
    await audit(t, {
      actorId: actor.userId,
      action: "org.create",
      orgId: row.id,
      detail: { name: input.name, kind: input.kind, parent: parent.name },
      address: actor.address,
    });
    return row.id;
  }) as Promise<string>;
}

export async function renameOrg(sql: Sql, actor: Actor, orgId: string, name: string) {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireManagedOrg(t, actor, orgId);
    if (org.parentId) await checkNameFree(t, org.parentId, name, org.id);
    await t`update organizations set name = ${name} where id = ${org.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "org.rename",
      orgId: org.id,
      detail: { from: org.name, to: name },
      address: actor.address,
    });
  });
}

/**
 * Moves an organisation (with everything under it) to a new parent. Refuses a move under
 * itself or its own descendants, which would cut the branch off the tree in a circle.
 * Returns whether anything moved (rights may then have changed for anyone above or below).
 */
export async function moveOrg(sql: Sql, actor: Actor, orgId: string, newParentId: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    // Serialise tree moves so two concurrent moves cannot build a cycle between them.
    await t`select pg_advisory_xact_lock(727003)`;
    const org = await requireManagedOrg(t, actor, orgId);
    if (!org.parentId) throw new DomainError("最上级的党委不能移动。", 400, "parentId");
    const parent = await requireManagedOrg(t, actor, newParentId);
    if (parent.path.includes(org.id))
      throw new DomainError(
        `不能把“${org.name}”移到它自己或它的下级组织“${parent.name}”之下：组织关系会形成循环。`,
        400,
        "parentId",
      );
    checkPlacement(org.kind, parent);
    if (parent.id === org.parentId) return false;
    await checkNameFree(t, parent.id, org.name, org.id);
    await t`update organizations set parent_id = ${parent.id} where id = ${org.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "org.move",
      orgId: org.id,
      detail: { name: org.name, from: org.pathNames.at(-2) ?? null, to: parent.name },
      address: actor.address,
    });
    return true;
  }) as Promise<boolean>;
}
