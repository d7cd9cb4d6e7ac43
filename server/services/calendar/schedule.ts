import { randomBytes } from "node:crypto";
import type { Sql } from "../../../db/client";
import { mayChair } from "../../../shared/permissions";
import type { MaterialLink, MeetingInput } from "../../../shared/schemas/meetings";
import { chinaShort } from "../../../shared/time";
import type { Actor } from "../actor";
import { DomainError } from "../errors";
import type { MeetingRow } from "../meeting-scope";
import { requireSchedulingOrg } from "../people/orgs";
import { inviteePool, pickDefaults, type Invitee } from "./invitees";
import { history, label, linkTo, notifyInvitees } from "./meeting-history";
import { checkHostFree, checkInvitees, checkKind, checkPeople, checkShape, lockMeeting, PAST } from "./schedule-checks";

// Scheduling: a meeting's details, agenda, study materials and invitee list; rescheduling and
// cancelling, which keep history and tell the invitees. Every change re-checks, inside its
// transaction, that the actor manages the meeting's organisation.
//
// Around it: invitees.ts (who may be and who is invited), schedule-checks.ts (the shared checks and
// the lock), meeting-history.ts (history and notices), materials.ts (files), meeting-detail.ts (reads).

// ------------------------------------------------------------------------------------------------
// Writes

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
    await notifyInvitees(
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
      await notifyInvitees(
        t,
        actor,
        stayed,
        "meeting.rescheduled",
        `改期：${name} 改至 ${chinaShort(input.startsAt)}（原定 ${chinaShort(row.starts_at)}）` +
          (moved ? `，地点：${where(input.location, input.onlineUrl)}` : ""),
        link,
      );
    else if (moved)
      await notifyInvitees(
        t,
        actor,
        stayed,
        "meeting.updated",
        `地点变更：${name} ${chinaShort(input.startsAt)} 改在 ${where(input.location, input.onlineUrl)}`,
        link,
      );
    await notifyInvitees(t, actor, joined, "meeting.invited", `邀请：${name} ${chinaShort(input.startsAt)}`, link);
    await notifyInvitees(
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
    await notifyInvitees(
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
