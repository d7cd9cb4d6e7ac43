import { randomBytes } from "node:crypto";
import { withoutBidiControls } from "../../../shared/domain/text";
import type { Sql } from "../../../db/client";
import { DEFAULT_RULES, kindsHeld } from "../../../shared/domain/cadence";
import {
  KINDS_HELD_BY,
  MEETING_KIND_LABEL,
  ORG_KIND_LABEL,
  type Category,
  type MeetingKind,
  type OrgKind,
  type Role,
} from "../../../shared/domain/labels";
import { mayChair, sitsOnCommittee, type Subject } from "../../../shared/permissions";
import {
  chinaParts,
  chinaShort,
  MAX_FILE_BYTES,
  type InviteeRole,
  type MaterialLink,
  type MeetingInput,
} from "../../../shared/schemas/meetings";
import type { Actor } from "../actor";
import { DomainError, hidden, UUID_RE } from "../errors";
import { getMeetingFor } from "./meetings";
import {
  findMeetingScope,
  loadMeetingScope,
  meetingRecord,
  type MeetingRecord,
  type MeetingRow,
} from "../meeting-scope";
import { orgSettings } from "../people/org-settings";
import { requireSchedulingOrg, type Org } from "../people/orgs";

// Scheduling: a meeting's details, agenda, study materials and invitee list; rescheduling and
// cancelling, which keep history and tell the invitees. Every change re-checks, inside its
// transaction, that the actor manages the meeting's organisation.

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

// ------------------------------------------------------------------------------------------------
// Checks shared by create and update

/**
 * The kinds an organisation holds (shared/domain KINDS_HELD_BY, less optional kinds its settings
 * have not turned on): what its scheduling forms offer.
 */
export async function kindsFor(sql: Sql, org: Pick<Org, "id" | "kind">): Promise<MeetingKind[]> {
  return kindsHeld(org.kind, await orgSettings(sql, org.id));
}

export async function checkKind(sql: Sql, org: Org, kind: MeetingKind) {
  if ((await kindsFor(sql, org)).includes(kind)) return;
  const word = ORG_KIND_LABEL[org.kind];
  const message =
    org.kind === "group"
      ? "党小组只能安排党小组会；其他会议请在党支部安排。"
      : kind === "group_meeting"
        ? "党小组会请在相应的党小组安排。"
        : KINDS_HELD_BY[org.kind].includes(kind)
          ? `${word}尚未启用${MEETING_KIND_LABEL[kind]}，请先在组织生活规则中启用。`
          : `${MEETING_KIND_LABEL[kind]}不是${word}召开的会议，请选择${KINDS_HELD_BY[org.kind].map((k) => MEETING_KIND_LABEL[k]).join("、")}。`;
  throw new DomainError(message, 400, "kind");
}

export function checkShape(input: Pick<MeetingInput, "startsAt" | "endsAt" | "location" | "onlineUrl">) {
  if (input.endsAt.getTime() <= input.startsAt.getTime())
    throw new DomainError("结束时间应晚于开始时间", 400, "endTime");
  if (!input.location && !input.onlineUrl) throw new DomainError("请填写地点或线上会议链接", 400, "location");
}

export const PAST = () => new DomainError("不能把会议安排在过去的时间。", 400, "date");

async function nameOf(t: Sql, userId: string): Promise<string> {
  const [u] = await t<{ name: string }[]>`select display_name as name from users where id = ${userId}`;
  return u?.name ?? "（未知）";
}

/**
 * Refuses a time at which the host already chairs another scheduled meeting, in any
 * organisation. The clash is named only if the actor may see it.
 */
export async function checkHostFree(
  t: Sql,
  actor: Actor,
  input: Pick<MeetingInput, "hostId" | "startsAt" | "endsAt">,
  exceptId?: string,
) {
  // Two requests scheduling the same host at once must not both pass the check.
  await t`select pg_advisory_xact_lock(727004, hashtext(${input.hostId}))`;
  const [clash] = await t<
    { id: string; title: string; starts_at: Date; ends_at: Date; org_id: string; org_kind: OrgKind }[]
  >`
    select m.id, m.title, m.starts_at, m.ends_at, m.org_id, o.kind as org_kind
    from meetings m join organizations o on o.id = m.org_id
    where m.host_id = ${input.hostId} and m.status = 'scheduled'
      and m.starts_at < ${input.endsAt} and m.ends_at > ${input.startsAt}
      ${exceptId ? t`and m.id <> ${exceptId}` : t``}
    order by m.starts_at limit 1`;
  if (!clash) return;
  const visible = (await findMeetingScope(t, actor.subject, clash.id)) !== null;
  const what = visible ? `“${clash.title}”` : "其他组织的一项会议";
  throw new DomainError(
    `主持人 ${await nameOf(t, input.hostId)} 在该时段已有会议：${what} ${chinaShort(clash.starts_at)}–${chinaParts(clash.ends_at).time}。请调整时间或更换主持人。`,
    409,
  );
}

/** `allowed`: in the organisation; `chairs`: may chair or record (activated, shared/permissions mayChair). */
function checkPeople(input: MeetingInput, allowed: (id: string) => boolean, chairs: (id: string) => boolean) {
  if (!allowed(input.hostId)) throw new DomainError("主持人须是本组织的成员。", 400, "hostId");
  if (!chairs(input.hostId))
    throw new DomainError("主持人还没有激活账号，无法开始会议：请选择已激活账号的成员。", 400, "hostId");
  if (input.recorderId && !allowed(input.recorderId))
    throw new DomainError("记录人须是本组织的成员。", 400, "recorderId");
  if (input.recorderId && !chairs(input.recorderId))
    throw new DomainError("记录人还没有激活账号，无法填写会议记录：请选择已激活账号的成员。", 400, "recorderId");
}

function checkInvitees(list: Invitee[], allowed: (id: string) => boolean) {
  if (list.some((i) => !allowed(i.userId)))
    throw new DomainError("参会人员中有不属于本组织的人员，请刷新页面后重新选择。", 400, "invitees");
  if (list.length === 0) throw new DomainError("请至少选择一位参会人员。", 400, "invitees");
}

// ------------------------------------------------------------------------------------------------
// Writes

export type Change = "created" | "rescheduled" | "updated" | "corrected" | "cancelled" | "materials";

export async function history(
  t: Sql,
  meetingId: string,
  actor: Actor,
  change: Change,
  detail: Record<string, unknown>,
) {
  await t`insert into meeting_history (meeting_id, actor_id, change, detail)
          values (${meetingId}, ${actor.userId}, ${change}, ${t.json(detail as never)})`;
}

/** One notification each; the actor is not told about their own change. */
async function notify(t: Sql, actor: Actor, userIds: string[], kind: string, title: string, link: string) {
  const to = [...new Set(userIds)].filter((id) => id !== actor.userId);
  if (to.length === 0) return;
  await t`insert into notifications (user_id, kind, title, link)
          select u, ${kind}, ${title}, ${link} from unnest(${to}::uuid[]) as u`;
}

async function insertAgenda(t: Sql, meetingId: string, agenda: string[]) {
  for (const [i, title] of agenda.entries())
    await t`insert into meeting_agenda_items (meeting_id, position, title) values (${meetingId}, ${i + 1}, ${title})`;
}

async function insertLinks(t: Sql, actor: Actor, meetingId: string, links: MaterialLink[]) {
  for (const l of links)
    await t`insert into meeting_materials (meeting_id, title, url, created_by)
            values (${meetingId}, ${l.title}, ${l.url}, ${actor.userId})`;
}

async function insertInvitees(t: Sql, actor: Actor, meetingId: string, list: Invitee[]) {
  for (const i of list)
    await t`insert into meeting_invitees (meeting_id, user_id, role, added_by)
            values (${meetingId}, ${i.userId}, ${i.role}, ${actor.userId})
            on conflict (meeting_id, user_id) do update set role = excluded.role`;
}

const label = (kind: MeetingKind, title: string) => `${MEETING_KIND_LABEL[kind]} ${title}`;
const linkTo = (id: string) => `/meetings/${id}`;

/** Schedules a meeting of the organisation; returns its id. */
export async function createMeeting(sql: Sql, actor: Actor, orgId: string, input: MeetingInput): Promise<string> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireSchedulingOrg(t, actor, orgId);
    await checkKind(t, org, input.kind);
    checkShape(input);
    if (input.startsAt.getTime() < Date.now()) throw PAST();
    const pool = await inviteePool(t, org);
    const inPool = new Set(pool.map((p) => p.id));
    const allowed = (id: string) => inPool.has(id);
    const chairs = new Set(pool.filter(mayChair).map((p) => p.id));
    checkPeople(input, allowed, (id) => chairs.has(id));
    const invitees = input.invitees ?? pickDefaults(pool, org, input.kind);
    checkInvitees(invitees, allowed);
    await checkHostFree(t, actor, input);

    const [m] = await t<{ id: string }[]>`
      insert into meetings (org_id, kind, title, starts_at, ends_at, location, online_url, host_id, recorder_id,
                            status, signin_secret, created_by)
      values (${org.id}, ${input.kind}, ${input.title}, ${input.startsAt}, ${input.endsAt}, ${input.location},
              ${input.onlineUrl}, ${input.hostId}, ${input.recorderId}, 'scheduled',
              ${randomBytes(32).toString("base64url")}, ${actor.userId})
      returning id`;
    await insertAgenda(t, m.id, input.agenda);
    await insertLinks(t, actor, m.id, input.links);
    await insertInvitees(t, actor, m.id, invitees);
    await history(t, m.id, actor, "created", {
      title: input.title,
      startsAt: input.startsAt.toISOString(),
      endsAt: input.endsAt.toISOString(),
      invitees: invitees.length,
    });
    await notify(
      t,
      actor,
      invitees.map((i) => i.userId),
      "meeting.invited",
      `邀请：${label(input.kind, input.title)} ${chinaShort(input.startsAt)}`,
      linkTo(m.id),
    );
    return m.id;
  })) as string;
}

/**
 * Locks the meeting (loadMeetingScope's `lock`, inside the caller's transaction) and checks the
 * actor convenes its organisation (requireSchedulingOrg: scheduleAccess): 404 when they may not
 * even see the meeting, 403 when they see it but do not convene it. Whoever manages the
 * organisation from above sits on its committee chain and so reads the meeting (meetingAccess).
 */
async function lockMeeting(t: Sql, actor: Actor, meetingId: string): Promise<{ row: MeetingRow; org: Org }> {
  const { row } = await loadMeetingScope(t, actor.subject, meetingId, { lock: true });
  const org = await requireSchedulingOrg(t, actor, row.org_id);
  return { row, org };
}

function checkChangeable(row: MeetingRow, what: string) {
  if (row.status === "cancelled") throw new DomainError(`会议已取消，不能再${what}。如需重新安排，请新建会议。`, 409);
  // Once the host started it, the meeting is on the record (minutes, attendance, notices): its time,
  // kind and people stay as they were; place and agenda wording are corrected with a reason.
  if (row.session_started_at)
    throw new DomainError(`会议已经开始，不能再${what}；地点和议程文字可以在本页“更正”中修改，并注明原因。`, 409);
  if (row.ends_at.getTime() <= Date.now()) throw new DomainError(`会议已经结束，不能再${what}。`, 409);
}

const sameList = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const where = (location: string | null, onlineUrl: string | null) =>
  location ? (onlineUrl ? `${location}（另有线上会议）` : location) : "线上会议";

export interface UpdateResult {
  rescheduled: boolean;
  changed: string[];
}

/**
 * Edits a meeting's details, agenda, links and invitees. A new time is a reschedule: history
 * keeps from and to, and every invitee is told. Refused for a cancelled or finished meeting.
 */
export async function updateMeeting(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: MeetingInput,
): Promise<UpdateResult> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row, org } = await lockMeeting(t, actor, meetingId);
    checkChangeable(row, "修改");
    await checkKind(t, org, input.kind);
    checkShape(input);
    const rescheduled =
      row.starts_at.getTime() !== input.startsAt.getTime() || row.ends_at.getTime() !== input.endsAt.getTime();
    if (rescheduled && input.startsAt.getTime() < Date.now()) throw PAST();

    const pool = await inviteePool(t, org);
    const current = await t<Invitee[]>`
      select user_id as "userId", role from meeting_invitees where meeting_id = ${row.id}`;
    // Whoever is already on the meeting may stay on it, even if they have since left the organisation.
    const inPool = new Set(pool.map((p) => p.id));
    const onIt = new Set(current.map((i) => i.userId));
    // Whoever already chairs or records keeps their place; a new one must be able to sign in.
    const kept = (id: string) => id === row.host_id || id === row.recorder_id;
    const chairs = new Set(pool.filter(mayChair).map((p) => p.id));
    checkPeople(
      input,
      (id) => inPool.has(id) || kept(id),
      (id) => chairs.has(id) || kept(id),
    );
    const next = input.invitees ?? current;
    checkInvitees(next, (id) => inPool.has(id) || onIt.has(id));
    if (rescheduled || input.hostId !== row.host_id) await checkHostFree(t, actor, input, row.id);

    await t`
      update meetings set kind = ${input.kind}, title = ${input.title}, starts_at = ${input.startsAt},
        ends_at = ${input.endsAt}, location = ${input.location}, online_url = ${input.onlineUrl},
        host_id = ${input.hostId}, recorder_id = ${input.recorderId}, updated_at = now()
      where id = ${row.id}`;

    const changed: string[] = [];
    const scalar = {
      kind: [row.kind, input.kind],
      title: [row.title, input.title],
      location: [row.location, input.location],
      onlineUrl: [row.online_url, input.onlineUrl],
      hostId: [row.host_id, input.hostId],
      recorderId: [row.recorder_id, input.recorderId],
    } as const;
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    for (const [k, [a, b]] of Object.entries(scalar))
      if (a !== b) {
        changed.push(k);
        from[k] = a;
        to[k] = b;
      }

    const agenda = await t<{ title: string }[]>`
      select title from meeting_agenda_items where meeting_id = ${row.id} order by position`;
    if (
      !sameList(
        agenda.map((a) => a.title),
        input.agenda,
      )
    ) {
      changed.push("agenda");
      await t`delete from meeting_agenda_items where meeting_id = ${row.id}`;
      await insertAgenda(t, row.id, input.agenda);
    }

    // Links: keep the ones still listed (with their history), drop the others, add the new ones.
    const links = await t<{ id: string; title: string; url: string }[]>`
      select id, title, url from meeting_materials where meeting_id = ${row.id} and url is not null`;
    const key = (l: MaterialLink) => `${l.title}\n${l.url}`;
    const wanted = new Set(input.links.map(key));
    const have = new Set(links.map(key));
    const gone = links.filter((l) => !wanted.has(key(l))).map((l) => l.id);
    const added = input.links.filter(
      (l, i) => !have.has(key(l)) && input.links.findIndex((x) => key(x) === key(l)) === i,
    );
    if (gone.length || added.length) {
      changed.push("links");
      if (gone.length) await t`delete from meeting_materials where id = any(${gone}::uuid[])`;
      await insertLinks(t, actor, row.id, added);
    }

    // Invitees: who joins, who leaves, whose role changes.
    const before = new Map(current.map((i) => [i.userId, i.role]));
    const after = new Map(next.map((i) => [i.userId, i.role]));
    const joined = next.filter((i) => !before.has(i.userId)).map((i) => i.userId);
    const left = current.filter((i) => !after.has(i.userId)).map((i) => i.userId);
    const roleChanged = next.filter((i) => before.has(i.userId) && before.get(i.userId) !== i.role);
    if (joined.length || left.length || roleChanged.length) {
      changed.push("invitees");
      if (left.length)
        await t`delete from meeting_invitees where meeting_id = ${row.id} and user_id = any(${left}::uuid[])`;
      await insertInvitees(
        t,
        actor,
        row.id,
        next.filter((i) => !before.has(i.userId) || before.get(i.userId) !== i.role),
      );
    }

    if (rescheduled)
      await history(t, row.id, actor, "rescheduled", {
        from: { startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString() },
        to: { startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString() },
      });
    if (changed.length)
      await history(t, row.id, actor, "updated", {
        fields: changed,
        from,
        to,
        ...(joined.length || left.length ? { joined: joined.length, left: left.length } : {}),
      });

    const name = label(input.kind, input.title);
    const link = linkTo(row.id);
    const stayed = next.map((i) => i.userId).filter((id) => before.has(id));
    const moved = input.location !== row.location || input.onlineUrl !== row.online_url;
    if (rescheduled)
      await notify(
        t,
        actor,
        stayed,
        "meeting.rescheduled",
        `改期：${name} 改至 ${chinaShort(input.startsAt)}（原定 ${chinaShort(row.starts_at)}）` +
          (moved ? `，地点：${where(input.location, input.onlineUrl)}` : ""),
        link,
      );
    else if (moved)
      await notify(
        t,
        actor,
        stayed,
        "meeting.updated",
        `地点变更：${name} ${chinaShort(input.startsAt)} 改在 ${where(input.location, input.onlineUrl)}`,
        link,
      );
    await notify(t, actor, joined, "meeting.invited", `邀请：${name} ${chinaShort(input.startsAt)}`, link);
    await notify(
      t,
      actor,
      left,
      "meeting.uninvited",
      `名单调整：${name} ${chinaShort(input.startsAt)} 无需你参加`,
      link,
    );
    return { rescheduled, changed };
  })) as UpdateResult;
}

export interface MeetingCorrection {
  location: string | null;
  onlineUrl: string | null;
  /** The agenda's wording, item by item; the items themselves stay (votes and the minutes refer to them). */
  agenda: string[];
  reason: string;
}

/**
 * Corrects a held (or started) meeting's place and agenda wording, with a reason kept in its
 * history. Its time, kind and people are the record and stay; a meeting not yet started is edited.
 */
export async function correctMeeting(sql: Sql, actor: Actor, meetingId: string, input: MeetingCorrection) {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已取消，不能更正。", 409);
    if (!row.session_started_at && row.ends_at.getTime() > Date.now())
      throw new DomainError("会议还没有开始，请直接修改会议安排。", 409);
    if (!input.location && !input.onlineUrl) throw new DomainError("请填写地点或线上会议链接", 400, "location");
    const items = await t<{ id: string; title: string }[]>`
      select id, title from meeting_agenda_items where meeting_id = ${row.id} order by position, id`;
    if (items.length !== input.agenda.length)
      throw new DomainError(
        `会议开始后议程只能更正文字，不能增删：本次会议有 ${items.length} 项议程，请逐行对应填写。`,
        400,
        "agenda",
      );
    const fields: string[] = [];
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    const note = (k: string, a: unknown, b: unknown) => {
      fields.push(k);
      from[k] = a;
      to[k] = b;
    };
    if (row.location !== input.location) note("location", row.location, input.location);
    if (row.online_url !== input.onlineUrl) note("onlineUrl", row.online_url, input.onlineUrl);
    if (items.some((it, i) => it.title !== input.agenda[i]))
      note(
        "agenda",
        items.map((it) => it.title),
        input.agenda,
      );
    if (fields.length === 0) return { changed: [] as string[] };
    await t`update meetings set location = ${input.location}, online_url = ${input.onlineUrl}, updated_at = now()
            where id = ${row.id}`;
    for (const [i, it] of items.entries())
      if (it.title !== input.agenda[i])
        await t`update meeting_agenda_items set title = ${input.agenda[i]} where id = ${it.id}`;
    await history(t, row.id, actor, "corrected", { fields, from, to, reason: input.reason });
    return { changed: fields };
  }) as Promise<{ changed: string[] }>;
}

/** Cancels a meeting with a reason; the row and everything on it stay, and the invitees are told. */
export async function cancelMeeting(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  reason: string,
  opts: { following?: boolean } = {},
): Promise<number> {
  const why = reason.normalize("NFC").trim().replace(/\s+/g, " ");
  if (!why) throw new DomainError("请填写取消原因，参会人员会收到通知", 400, "reason");
  if (why.length > 200) throw new DomainError("取消原因最长 200 字", 400, "reason");
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已经取消。", 409);
    if (row.session_started_at) throw new DomainError("会议已经开始，不能再取消。", 409);
    if (row.ends_at.getTime() <= Date.now()) throw new DomainError("会议已经结束，不能取消。", 409);
    await t`update meetings set status = 'cancelled', cancelled_reason = ${why}, updated_at = now()
            where id = ${row.id}`;
    await history(t, row.id, actor, "cancelled", { reason: why, startsAt: row.starts_at.toISOString() });
    const invitees = await t<{ userId: string }[]>`
      select user_id as "userId" from meeting_invitees where meeting_id = ${row.id}`;
    // 「取消本系列之后的会议」: the later meetings of its series that have not started.
    const later =
      opts.following && row.series_id
        ? await t<{ id: string; starts_at: Date }[]>`
            update meetings set status = 'cancelled', cancelled_reason = ${why}, updated_at = now()
            where series_id = ${row.series_id} and status = 'scheduled' and starts_at > ${row.starts_at}
              and starts_at > now()
            returning id, starts_at`
        : [];
    for (const m of later)
      await history(t, m.id, actor, "cancelled", { reason: why, startsAt: m.starts_at.toISOString(), series: true });
    // A reminder of a meeting that will not take place is no longer news: it leaves the bell.
    await t`update notifications set read_at = now()
            where kind = 'meeting.reminder' and read_at is null
              and link = any(${[row.id, ...later.map((m) => m.id)].map(linkTo)})`;
    await notify(
      t,
      actor,
      invitees.map((i) => i.userId),
      "meeting.cancelled",
      later.length > 0
        ? `取消：${label(row.kind, row.title)}及本系列之后的 ${later.length} 次会议（自 ${chinaShort(row.starts_at)} 起）：${why}`
        : `取消：${label(row.kind, row.title)}（原定 ${chinaShort(row.starts_at)}）：${why}`,
      linkTo(row.id),
    );
    return 1 + later.length;
  })) as number;
}

// ------------------------------------------------------------------------------------------------
// Study materials: files

export const MAX_FILES_PER_UPLOAD = 10;
export const FILE_TOO_LARGE = "文件太大：单个资料不能超过 20 MB";
export const FILE_TYPE_REFUSED = "不支持的文件类型：仅支持 PDF、Word、PowerPoint、图片和文本文件";

const starts = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/**
 * The accepted types, by extension, with the type we serve them as and a check of the first
 * bytes, so a renamed page or script is never served as a document.
 */
const TYPES: { ext: string[]; mime: string; looksRight: (b: Uint8Array) => boolean }[] = [
  { ext: ["pdf"], mime: "application/pdf", looksRight: (b) => starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) },
  { ext: ["doc"], mime: "application/msword", looksRight: (b) => starts(b, OLE) },
  {
    ext: ["docx"],
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    looksRight: (b) => starts(b, ZIP),
  },
  { ext: ["ppt"], mime: "application/vnd.ms-powerpoint", looksRight: (b) => starts(b, OLE) },
  {
    ext: ["pptx"],
    mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    looksRight: (b) => starts(b, ZIP),
  },
  { ext: ["png"], mime: "image/png", looksRight: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: ["jpg", "jpeg"], mime: "image/jpeg", looksRight: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  {
    ext: ["webp"],
    mime: "image/webp",
    looksRight: (b) => starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b, [0x57, 0x45, 0x42, 0x50], 8),
  },
  { ext: ["txt"], mime: "text/plain; charset=utf-8", looksRight: (b) => !b.subarray(0, 8192).includes(0) },
];

/** A plain file name: no folders, no control characters, at most 120 characters with its extension. */
function cleanName(raw: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? "").normalize("NFC");
  let s = withoutBidiControls(base.replace(/[\u0000-\u001f\u007f"]/g, "")).trim();
  if (s.length > 120) {
    const dot = s.lastIndexOf(".");
    const ext = dot > 0 && s.length - dot <= 8 ? s.slice(dot) : "";
    s = s.slice(0, 120 - ext.length) + ext;
  }
  return s || "资料";
}

/** Text is stored as UTF-8: a GB18030 file from a Windows PC is converted so it reads right everywhere. */
function asUtf8(bytes: Uint8Array): Uint8Array {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return bytes;
  } catch {
    return new TextEncoder().encode(new TextDecoder("gb18030").decode(bytes));
  }
}

export interface UploadedFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

function checkFile(f: UploadedFile): { name: string; mime: string; bytes: Uint8Array } {
  const name = cleanName(f.name);
  const suffix = (m: string) => `${m}（${name}）`;
  if (f.bytes.byteLength > MAX_FILE_BYTES) throw new DomainError(suffix(FILE_TOO_LARGE), 400, "files");
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  const type = TYPES.find((x) => x.ext.includes(ext));
  if (!type) throw new DomainError(suffix(FILE_TYPE_REFUSED), 400, "files");
  if (f.bytes.byteLength === 0) throw new DomainError(`文件是空的（${name}）`, 400, "files");
  if (!type.looksRight(f.bytes))
    throw new DomainError(`文件内容与扩展名不符，可能已损坏或被改名（${name}）`, 400, "files");
  return { name, mime: type.mime, bytes: ext === "txt" ? asUtf8(f.bytes) : f.bytes };
}

/** Adds files as study materials, all or none; returns the materials' ids. Allowed after the meeting (补学). */
export async function addFileMaterials(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  files: UploadedFile[],
): Promise<string[]> {
  if (files.length === 0) throw new DomainError("请选择要上传的文件。", 400, "files");
  if (files.length > MAX_FILES_PER_UPLOAD)
    throw new DomainError(`一次最多上传 ${MAX_FILES_PER_UPLOAD} 个文件。`, 400, "files");
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已取消，不能再添加资料。", 409);
    const checked = files.map(checkFile);
    const ids: string[] = [];
    for (const f of checked) {
      const [file] = await t<{ id: string }[]>`
        insert into files (name, mime, size, data, created_by)
        values (${f.name}, ${f.mime}, ${f.bytes.byteLength}, ${Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength)}, ${actor.userId})
        returning id`;
      const [m] = await t<{ id: string }[]>`
        insert into meeting_materials (meeting_id, title, file_id, created_by)
        values (${row.id}, ${f.name}, ${file.id}, ${actor.userId}) returning id`;
      ids.push(m.id);
    }
    await history(t, row.id, actor, "materials", { added: checked.map((f) => f.name) });
    return ids;
  })) as string[];
}

/** Adds one file as a study material; returns the material's id. */
export async function addFileMaterial(sql: Sql, actor: Actor, meetingId: string, file: UploadedFile) {
  return (await addFileMaterials(sql, actor, meetingId, [file]))[0];
}

/** Removes a file material (a wrong upload) from a meeting that is not cancelled. */
export async function removeFileMaterial(sql: Sql, actor: Actor, meetingId: string, materialId: string) {
  if (!UUID_RE.test(materialId)) throw hidden();
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已取消，资料不能再改动。", 409);
    const [m] = await t<{ id: string; title: string; file_id: string | null }[]>`
      select id, title, file_id from meeting_materials where id = ${materialId} and meeting_id = ${row.id}`;
    if (!m?.file_id) throw hidden();
    await t`delete from meeting_materials where id = ${m.id}`;
    await t`delete from files where id = ${m.file_id}
            and not exists (select 1 from meeting_materials where file_id = ${m.file_id})`;
    await history(t, row.id, actor, "materials", { removed: [m.title] });
  });
}

/** A material's file for someone who may read its meeting; null when missing or hidden (answer 404). */
export async function materialFile(
  sql: Sql,
  subject: Subject,
  fileId: string,
): Promise<{ name: string; mime: string; size: number; data: Uint8Array } | null> {
  if (!UUID_RE.test(fileId)) return null;
  const [f] = await sql<{ name: string; mime: string; size: number; data: Uint8Array; meetingId: string }[]>`
    select f.name, f.mime, f.size, f.data, mm.meeting_id as "meetingId"
    from files f join meeting_materials mm on mm.file_id = f.id where f.id = ${fileId} limit 1`;
  if (!f) return null;
  if (!(await getMeetingFor(sql, subject, f.meetingId))) return null;
  return { name: f.name, mime: f.mime, size: f.size, data: f.data };
}

// ------------------------------------------------------------------------------------------------
// Reads

export interface MeetingDetail {
  id: string;
  orgId: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  status: "planned" | "scheduled" | "cancelled";
  cancelledReason: string | null;
  /** When the host started the session; from then on the meeting is on the record. */
  startedAt: Date | null;
  /** Scheduled meetings of the same recurring series after this one, not yet started. */
  laterInSeries: number;
  hostId: string | null;
  hostName: string | null;
  recorderId: string | null;
  recorderName: string | null;
  agenda: { id: string; position: number; title: string }[];
  materials: {
    id: string;
    title: string;
    url: string | null;
    fileId: string | null;
    mime: string | null;
    size: number | null;
  }[];
  invitees: { userId: string; displayName: string; role: InviteeRole; category: Category }[];
  counts: { attendees: number; guests: number };
  history: { id: string; at: Date; change: Change; actorName: string | null; detail: Record<string, unknown> }[];
}

/**
 * Everything about a meeting for its pages. Given the scope a loader has (loadMeetingScope, which
 * checked the reader may see it), the meeting is not read again; given an id, there is no
 * permission check (the caller read it through getMeetingFor first) and null if it does not exist.
 */
export async function meetingDetail(sql: Sql, meeting: MeetingRecord | string): Promise<MeetingDetail | null> {
  const scope = typeof meeting === "string" ? await meetingRecord(sql, meeting) : meeting;
  if (!scope) return null;
  const r = scope.row;
  const [later] = r.series_id
    ? await sql<{ n: number }[]>`
        select count(*)::int as n from meetings s where s.series_id = ${r.series_id} and s.status = 'scheduled'
          and s.starts_at > ${r.starts_at} and s.starts_at > now()`
    : [{ n: 0 }];
  const m = {
    id: r.id,
    orgId: r.org_id,
    kind: r.kind,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    location: r.location,
    onlineUrl: r.online_url,
    status: r.status,
    cancelledReason: r.cancelled_reason,
    startedAt: r.session_started_at,
    laterInSeries: later.n,
    hostId: r.host_id,
    hostName: r.host_name,
    recorderId: r.recorder_id,
    recorderName: r.recorder_name,
  };
  const agenda = await sql<MeetingDetail["agenda"]>`
    select id, position, title from meeting_agenda_items where meeting_id = ${m.id} order by position`;
  const materials = await sql<MeetingDetail["materials"]>`
    select mm.id, mm.title, mm.url, mm.file_id as "fileId", f.mime, f.size
    from meeting_materials mm left join files f on f.id = mm.file_id
    where mm.meeting_id = ${m.id} order by (mm.url is null), mm.created_at, mm.title`;
  const invitees = await sql<MeetingDetail["invitees"]>`
    select i.user_id as "userId", u.display_name as "displayName", i.role, u.category
    from meeting_invitees i join users u on u.id = i.user_id where i.meeting_id = ${m.id}`;
  invitees.sort((a, b) =>
    a.role === b.role ? byPinyin.compare(a.displayName, b.displayName) : a.role === "attendee" ? -1 : 1,
  );
  const history = await sql<MeetingDetail["history"]>`
    select h.id::text as id, h.at, h.change, u.display_name as "actorName", h.detail
    from meeting_history h left join users u on u.id = h.actor_id
    where h.meeting_id = ${m.id} order by h.id desc`;
  return {
    ...m,
    agenda: [...agenda],
    materials: [...materials],
    invitees: [...invitees],
    counts: {
      attendees: invitees.filter((i) => i.role === "attendee").length,
      guests: invitees.filter((i) => i.role === "guest").length,
    },
    history: [...history],
  };
}

export interface UpcomingMeeting {
  id: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  status: "planned" | "scheduled" | "cancelled";
}

/** The organisation's own meetings that have not ended yet, soonest first (cancelled ones marked, not hidden). */
export async function upcomingForOrg(sql: Sql, orgId: string, limit = 5): Promise<UpcomingMeeting[]> {
  if (!UUID_RE.test(orgId)) return [];
  return [
    ...(await sql<UpcomingMeeting[]>`
      select id, kind, title, starts_at as "startsAt", ends_at as "endsAt", location, online_url as "onlineUrl",
        status
      from meetings
      where org_id = ${orgId} and ends_at >= now() and status <> 'planned'
      order by starts_at limit ${Math.max(1, Math.min(limit, 50))}`),
  ];
}
