import type { Sql } from "../../../db/client";
import { CATEGORY_LABEL, ROLE_LABEL, type Category, type OrgKind, type Role } from "../../../shared/domain/labels";
import { hasVote, postEligibilityError, type PersonInput } from "../../../shared/domain/people";
import {
  memberAccess,
  membershipVisible,
  orgAccess,
  passwordResetAccess,
  requiresOneHolder,
  roleAfterMove,
  roleFits,
  rolesFitting,
  holdsPost,
  type Access,
  type MemberResource,
  type Subject,
} from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, isUniqueViolation, UUID_RE } from "../errors";
import { issueInvitation } from "./invitations";
import { issueReset, RESET_REFUSED } from "./password-reset";
import { requireManagedOrg, type Org } from "./orgs";
import { orgChains, orgResource } from "./subjects";

export interface Person {
  id: string;
  username: string;
  displayName: string;
  category: Category;
  probationStartedOn: string | null;
  probationEndsOn: string | null;
  /** False until the person has set a password from their invitation. */
  activated: boolean;
  createdAt: Date;
}

export interface Membership {
  id: string;
  userId: string;
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  /** Names from the root down to the organisation, for context ("党委 / 支部 / 小组"). */
  orgPathNames: string[];
  role: Role;
  mobile: boolean;
  startedAt: Date;
  endedAt: Date | null;
  endedReason: string | null;
  active: boolean;
}

const personColumns = (sql: Sql) => sql`
  u.id, u.username, u.display_name as "displayName", u.category,
  to_char(u.probation_started_on, 'YYYY-MM-DD') as "probationStartedOn",
  to_char(u.probation_ends_on, 'YYYY-MM-DD') as "probationEndsOn",
  (u.password_hash is not null) as activated, u.created_at as "createdAt"`;

async function loadMember(sql: Sql, userId: string) {
  if (!UUID_RE.test(userId)) return null;
  const [person] = await sql<Person[]>`select ${personColumns(sql)} from users u where u.id = ${userId}`;
  if (!person) return null;
  const rows = await sql<Omit<Membership, "orgPathNames">[]>`
    select m.id, m.user_id as "userId", m.org_id as "orgId", o.name as "orgName", o.kind as "orgKind", m.role, m.mobile,
      m.started_at as "startedAt", m.ended_at as "endedAt", m.ended_reason as "endedReason",
      (m.ended_at is null) as active
    from memberships m join organizations o on o.id = m.org_id
    where m.user_id = ${userId} order by (m.ended_at is null) desc, coalesce(m.ended_at, m.started_at) desc`;
  const chains = await orgChains(sql, [...new Set(rows.map((r) => r.orgId))]);
  const memberships = rows.map((r) => ({ ...r, orgPathNames: chains.get(r.orgId)?.names ?? [r.orgName] }));
  const resource: MemberResource = {
    userId,
    // Same order as `memberships`, so index i describes memberships[i].
    memberships: rows.map((r) => {
      const c = chains.get(r.orgId) ?? { path: [r.orgId], kinds: [r.orgKind], names: [r.orgName] };
      return { org: orgResource(r.orgId, c), active: r.active };
    }),
  };
  return { person, memberships, resource };
}

/**
 * Who issues this person a new one-time code: the subject ("you"); for an activated account
 * someone above ("above"), or, at the top organisation, the operator on the server ("operator").
 */
export type CodeIssuer = "you" | "above" | "operator";

/**
 * The person and their memberships if the subject may see them; null when they do not exist
 * or are hidden (answer 404). Only the memberships the subject may see are returned.
 */
export async function getMemberFor(
  sql: Sql,
  subject: Subject,
  userId: string,
): Promise<{
  person: Person;
  memberships: (Membership & { manageable: boolean })[];
  access: Access;
  codeIssuer: CodeIssuer;
} | null> {
  const found = await loadMember(sql, userId);
  if (!found) return null;
  const access = memberAccess(subject, found.resource);
  if (access === "none") return null;
  // Each live membership is managed by its own organisation's managers, even when the person is not.
  const visible = found.memberships
    .map((m, i) => ({
      ...m,
      manageable: m.active && orgAccess(subject, found.resource.memberships[i].org) === "manage",
    }))
    .filter((m, i) => membershipVisible(subject, found.resource, found.resource.memberships[i]));
  const reset = passwordResetAccess(subject, { ...found.resource, activated: found.person.activated });
  const atTop = found.resource.memberships.some((m) => m.active && m.org.path.length === 1);
  const codeIssuer: CodeIssuer = reset === "manage" ? "you" : atTop ? "operator" : "above";
  return { person: found.person, memberships: visible, access, codeIssuer };
}

async function requireManagedMember(sql: Sql, actor: Actor, userId: string) {
  const found = await loadMember(sql, userId);
  if (!found) throw hidden();
  const access = memberAccess(actor.subject, found.resource);
  if (access === "none") throw hidden();
  if (access !== "manage") throw new DomainError("只有此人所在组织的书记、副书记或组织委员可以修改其信息。", 403);
  return found;
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

export interface MemberListRow extends Person {
  memberships: { id: string; orgId: string; orgName: string; orgKind: OrgKind; role: Role; mobile: boolean }[];
  /** May vote in this organisation (正式党员 with a regular membership in it or below). */
  votes: boolean;
  endedAt: Date | null;
}

export interface MemberFilters {
  q?: string;
  category?: Category;
  /** A group (or other organisation) inside the listed one. */
  within?: string;
  role?: Role;
  status?: "active" | "invited" | "ended" | "mobile";
}

/** People in the organisation or below it, filtered, by name. "ended" lists former members. */
export async function listMembers(sql: Sql, orgId: string, f: MemberFilters = {}): Promise<MemberListRow[]> {
  const scope = f.within && UUID_RE.test(f.within) ? f.within : orgId;
  const q = f.q?.trim().replace(/[%_\\]/g, "");
  const ended = f.status === "ended";
  const rows = await sql<(Person & { memberships: MemberListRow["memberships"] | null; endedAt: Date | null })[]>`
    with recursive down as (
      select id from organizations where id = ${orgId}
      union
      select o.id from organizations o join down on o.parent_id = down.id
    ), scope as (
      select id from organizations where id = ${scope} and id in (select id from down)
      union
      select o.id from organizations o join scope on o.parent_id = scope.id
    )
    select ${personColumns(sql)},
      (select json_agg(json_build_object('id', m.id, 'orgId', m.org_id, 'orgName', o.name, 'orgKind', o.kind,
          'role', m.role, 'mobile', m.mobile) order by o.name)
        from memberships m join organizations o on o.id = m.org_id
        where m.user_id = u.id and m.ended_at is null and m.org_id in (select id from down)) as memberships,
      (select max(m.ended_at) from memberships m where m.user_id = u.id and m.org_id in (select id from down)) as "endedAt"
    from users u
    where ${
      ended
        ? sql`exists (select 1 from memberships m where m.user_id = u.id and m.org_id in (select id from scope))
              and not exists (select 1 from memberships m where m.user_id = u.id and m.ended_at is null
                and m.org_id in (select id from down))`
        : sql`exists (select 1 from memberships m where m.user_id = u.id and m.ended_at is null
                and m.org_id in (select id from scope)
                ${f.role ? sql`and m.role = ${f.role}` : sql``}
                ${f.status === "mobile" ? sql`and m.mobile` : sql``})`
    }
      ${f.category ? sql`and u.category = ${f.category}` : sql``}
      ${f.status === "invited" ? sql`and u.password_hash is null` : sql``}
      ${q ? sql`and (u.display_name like ${"%" + q + "%"} or u.username like ${"%" + q + "%"})` : sql``}
    order by u.display_name, u.username
    limit 1000`;
  // By pinyin, as people expect a roster ordered; the database's collation may only know code points.
  rows.sort((a, b) => byPinyin.compare(a.displayName, b.displayName) || a.username.localeCompare(b.username));
  return rows.map((r) => {
    const memberships = r.memberships ?? [];
    return {
      ...r,
      memberships,
      votes: memberships.length > 0 && memberships.some((m) => hasVote(r.category, m)),
    };
  });
}

/** Which roles fit which organisation: a 党小组 has a 党小组长 and members; others have a committee. */
function checkRoleFits(org: Org, role: Role) {
  if (roleFits(org.kind, role)) return;
  if (org.kind === "group")
    throw new DomainError(
      `党小组内只能设${rolesFitting(org.kind)
        .map((r) => `“${ROLE_LABEL[r]}”`)
        .join("或")}，不能设“${ROLE_LABEL[role]}”。`,
      400,
      "role",
    );
  throw new DomainError(`“${ROLE_LABEL[role]}”只能设在党小组内。`, 400, "role");
}

function checkEligible(category: Category, role: Role) {
  const e = postEligibilityError(category, role);
  if (e) throw new DomainError(e + "。", 400, "role");
}

async function categoryOf(t: Sql, userId: string): Promise<Category> {
  const [u] = await t<{ category: Category }[]>`select category from users where id = ${userId}`;
  return u.category;
}

const TAKEN = (username: string) =>
  new DomainError(
    `登录名 ${username} 已被使用。如是同一人参加双重组织生活，请在其个人页“增加组织关系”；否则请换一个登录名。`,
    409,
    "username",
  );

export interface NewMember {
  person: PersonInput;
  username: string;
  orgId: string;
  role: Role;
  mobile: boolean;
}

export interface CreatedMember {
  userId: string;
  displayName: string;
  username: string;
  code: string;
}

async function insertMember(
  t: Sql,
  actor: Actor,
  org: Org,
  m: NewMember,
  via: "form" | "import",
): Promise<CreatedMember> {
  checkRoleFits(org, m.role);
  const [dup] = await t`select 1 from users where lower(username) = lower(${m.username})`;
  if (dup) throw TAKEN(m.username);
  const [u] = await t<{ id: string }[]>`
    insert into users (username, display_name, category, probation_started_on, probation_ends_on)
    values (${m.username}, ${m.person.displayName}, ${m.person.category},
            ${m.person.probationStartedOn}, ${m.person.probationEndsOn})
    returning id`;
  await t`insert into memberships (user_id, org_id, role, mobile, created_by)
          values (${u.id}, ${org.id}, ${m.role}, ${m.mobile}, ${actor.userId})`;
  const code = await issueInvitation(t, u.id, actor.userId);
  await audit(t, {
    actorId: actor.userId,
    action: "member.create",
    orgId: org.id,
    subjectUserId: u.id,
    detail: { via, org: org.name, role: m.role, category: m.person.category, mobile: m.mobile },
    address: actor.address,
  });
  return { userId: u.id, displayName: m.person.displayName, username: m.username, code };
}

/** Adds one person with a membership and a one-time invitation code. */
export async function createMember(sql: Sql, actor: Actor, m: NewMember): Promise<CreatedMember> {
  try {
    return (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      const org = await requireManagedOrg(t, actor, m.orgId);
      return insertMember(t, actor, org, m, "form");
    })) as CreatedMember;
  } catch (e) {
    if (isUniqueViolation(e)) throw TAKEN(m.username);
    throw e;
  }
}

/**
 * Adds many people in one transaction: all or none. Row numbers in errors are the caller's
 * (`line`), so an import can say which line of the file was refused.
 */
export async function createMembers(
  sql: Sql,
  actor: Actor,
  rows: (NewMember & { line: number })[],
): Promise<CreatedMember[]> {
  let current = 0;
  try {
    return (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      const orgs = new Map<string, Org>();
      const created: CreatedMember[] = [];
      for (const r of rows) {
        current = r.line;
        let org = orgs.get(r.orgId);
        if (!org) orgs.set(r.orgId, (org = await requireManagedOrg(t, actor, r.orgId)));
        created.push(await insertMember(t, actor, org, r, "import"));
      }
      return created;
    })) as CreatedMember[];
  } catch (e) {
    const row = rows.find((r) => r.line === current);
    const err = isUniqueViolation(e) && row ? TAKEN(row.username) : e;
    if (err instanceof DomainError) throw new DomainError(`第 ${current} 行：${err.message}`, err.status, err.field);
    throw err;
  }
}

/** Changes name, category and probation dates. */
export async function updatePerson(sql: Sql, actor: Actor, userId: string, p: PersonInput) {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { person, memberships } = await requireManagedMember(t, actor, userId);
    const post = memberships.find((m) => m.active && holdsPost(m.role));
    if (post && p.category !== "full")
      throw new DomainError(
        `此人现任“${post.orgName}”${ROLE_LABEL[post.role]}，须先调整职务，才能改为${CATEGORY_LABEL[p.category]}。`,
        400,
        "category",
      );
    await t`update users set display_name = ${p.displayName}, category = ${p.category},
      probation_started_on = ${p.probationStartedOn}, probation_ends_on = ${p.probationEndsOn}
      where id = ${userId}`;
    const changed = Object.fromEntries(
      (["displayName", "category", "probationStartedOn", "probationEndsOn"] as const)
        .filter((k) => person[k] !== p[k])
        .map((k) => [k, { from: person[k], to: p[k] }]),
    );
    await audit(t, {
      actorId: actor.userId,
      action: "member.update",
      orgId: memberships.find((m) => m.active)?.orgId ?? memberships[0]?.orgId ?? null,
      subjectUserId: userId,
      detail: changed,
      address: actor.address,
    });
  });
}

async function lockMembership(t: Sql, actor: Actor, membershipId: string) {
  if (!UUID_RE.test(membershipId)) throw hidden();
  const [m] = await t<
    { id: string; user_id: string; org_id: string; role: Role; mobile: boolean; ended_at: Date | null }[]
  >`
    select id, user_id, org_id, role, mobile, ended_at from memberships where id = ${membershipId} for update`;
  if (!m) throw hidden();
  const org = await requireManagedOrg(t, actor, m.org_id);
  if (m.ended_at) throw new DomainError("这条组织关系已经结束，不能再修改。", 409);
  return { m, org };
}

/** Refuses to take away an organisation's only 书记 (requiresOneHolder): someone must convene it. */
async function guardLastHolder(t: Sql, m: { id: string; org_id: string; role: Role }, org: Org) {
  if (!requiresOneHolder(m.role)) return;
  const others = await t`
    select id from memberships where org_id = ${m.org_id} and role = ${m.role} and ended_at is null and id <> ${m.id}
    for update`;
  const title = ROLE_LABEL[m.role];
  if (others.length === 0)
    throw new DomainError(
      `此人是“${org.name}”唯一的${title}，不能移除或改任。请先任命新的${title}，再调整此人的职务。`,
      409,
    );
}

async function endRow(t: Sql, actor: Actor, membershipId: string, reason: string) {
  await t`update memberships set ended_at = now(), ended_by = ${actor.userId}, ended_reason = ${reason}
          where id = ${membershipId}`;
}

/** Changes the role or the 流动党员 flag: the old membership ends (history) and a new one starts. */
export async function changeMembership(
  sql: Sql,
  actor: Actor,
  membershipId: string,
  next: { role: Role; mobile: boolean },
): Promise<string[]> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { m, org } = await lockMembership(t, actor, membershipId);
    if (m.role === next.role && m.mobile === next.mobile) return [];
    checkRoleFits(org, next.role);
    checkEligible(await categoryOf(t, m.user_id), next.role);
    if (next.role !== m.role) await guardLastHolder(t, m, org);
    await endRow(t, actor, m.id, "职务变更");
    await t`insert into memberships (user_id, org_id, role, mobile, created_by)
            values (${m.user_id}, ${m.org_id}, ${next.role}, ${next.mobile}, ${actor.userId})`;
    await audit(t, {
      actorId: actor.userId,
      action: "membership.role",
      orgId: m.org_id,
      subjectUserId: m.user_id,
      detail: { org: org.name, from: { role: m.role, mobile: m.mobile }, to: next },
      address: actor.address,
    });
    return [m.user_id];
  })) as string[];
}

/** Moves a membership to another organisation (e.g. between 党小组); a 党小组长 becomes a 党员 there. */
export async function moveMembership(sql: Sql, actor: Actor, membershipId: string, toOrgId: string): Promise<string[]> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { m, org } = await lockMembership(t, actor, membershipId);
    const to = await requireManagedOrg(t, actor, toOrgId);
    if (to.id === org.id) return [];
    const role = roleAfterMove(m.role, to.kind);
    await guardLastHolder(t, m, org);
    const [dup] =
      await t`select 1 from memberships where user_id = ${m.user_id} and org_id = ${to.id} and ended_at is null`;
    if (dup) throw new DomainError(`此人已经是“${to.name}”的成员。`, 409, "orgId");
    await endRow(t, actor, m.id, `调至${to.name}`);
    await t`insert into memberships (user_id, org_id, role, mobile, created_by)
            values (${m.user_id}, ${to.id}, ${role}, ${m.mobile}, ${actor.userId})`;
    // Both organisations' managers see the move.
    for (const orgId of [to.id, org.id])
      await audit(t, {
        actorId: actor.userId,
        action: "membership.move",
        orgId,
        subjectUserId: m.user_id,
        detail: { from: org.name, to: to.name, role },
        address: actor.address,
      });
    return [m.user_id];
  })) as string[];
}

/** Ends a membership; the row stays as history. */
export async function endMembership(sql: Sql, actor: Actor, membershipId: string, reason: string): Promise<string[]> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { m, org } = await lockMembership(t, actor, membershipId);
    await guardLastHolder(t, m, org);
    await endRow(t, actor, m.id, reason || "结束组织关系");
    await audit(t, {
      actorId: actor.userId,
      action: "membership.end",
      orgId: m.org_id,
      subjectUserId: m.user_id,
      detail: { org: org.name, role: m.role, reason },
      address: actor.address,
    });
    return [m.user_id];
  })) as string[];
}

/** Adds a further membership (双重组织生活, or a 流动党员 joining a host branch). */
export async function addMembership(
  sql: Sql,
  actor: Actor,
  userId: string,
  input: { orgId: string; role: Role; mobile: boolean },
): Promise<string[]> {
  try {
    return (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      await requireManagedMember(t, actor, userId);
      const org = await requireManagedOrg(t, actor, input.orgId);
      checkRoleFits(org, input.role);
      checkEligible(await categoryOf(t, userId), input.role);
      const [dup] =
        await t`select 1 from memberships where user_id = ${userId} and org_id = ${org.id} and ended_at is null`;
      if (dup) throw new DomainError(`此人已经是“${org.name}”的成员。`, 409, "orgId");
      await t`insert into memberships (user_id, org_id, role, mobile, created_by)
              values (${userId}, ${org.id}, ${input.role}, ${input.mobile}, ${actor.userId})`;
      await audit(t, {
        actorId: actor.userId,
        action: "membership.add",
        orgId: org.id,
        subjectUserId: userId,
        detail: { org: org.name, role: input.role, mobile: input.mobile },
        address: actor.address,
      });
      return [userId];
    })) as string[];
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError("此人已经是该组织的成员。", 409, "orgId");
    throw e;
  }
}

/**
 * A fresh one-time code: a new invitation for someone who has not activated yet (their
 * organisations' managers), or a password reset for someone who forgot theirs (only from above,
 * shared/permissions passwordResetAccess; audited and notified as a reset).
 */
export async function reissueInvitation(sql: Sql, actor: Actor, userId: string): Promise<string> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const found = await loadMember(t, userId);
    if (!found || memberAccess(actor.subject, found.resource) === "none") throw hidden();
    // Serialises with the holder activating meanwhile, so the rule applied is the one that holds.
    const [u] = await t<{ activated: boolean }[]>`
      select (password_hash is not null) as activated from users where id = ${userId} for update`;
    const holder = { ...found.resource, activated: u.activated };
    if (passwordResetAccess(actor.subject, holder) !== "manage") {
      if (u.activated) throw new DomainError(RESET_REFUSED, 403);
      throw new DomainError("只有此人所在组织的书记、副书记或组织委员可以为其生成邀请码。", 403);
    }
    if (u.activated) {
      const [me] = await t<{ name: string }[]>`select display_name as name from users where id = ${actor.userId}`;
      return issueReset(t, { userId, by: { userId: actor.userId, name: me.name }, address: actor.address });
    }
    const { memberships } = found;
    const code = await issueInvitation(t, userId, actor.userId);
    await audit(t, {
      actorId: actor.userId,
      action: "invitation.create",
      orgId: memberships.find((m) => m.active)?.orgId ?? memberships[0]?.orgId ?? null,
      subjectUserId: userId,
      address: actor.address,
    });
    return code;
  })) as string;
}

/** The signed-in person's own live memberships, for "我的组织". */
export async function myMemberships(sql: Sql, userId: string) {
  return sql<{ orgId: string; orgName: string; kind: OrgKind; role: Role; mobile: boolean }[]>`
    select m.org_id as "orgId", o.name as "orgName", o.kind, m.role, m.mobile
    from memberships m join organizations o on o.id = m.org_id
    where m.user_id = ${userId} and m.ended_at is null order by o.name`;
}
