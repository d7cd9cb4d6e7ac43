import type { Sql } from "../../../db/client";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import { AskAboveSchema, type AskAbove } from "../../../shared/schemas/life-cycle";
import { COMMITTEE_ROLES } from "../../../shared/domain/labels";
import { mayAskAboveAccess, mayEndAboveGrant } from "../../../shared/permissions";
import { DAY_MS } from "../../../shared/time";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { loadMeetingScope, type MeetingScope } from "../meeting-scope";
import { notify } from "../notifications";

// The level above reads a 组织生活会's confidential records (对照检查材料, criticism notes, opinions
// without their senders (opinionAccess), talks, the minutes) only while it holds a grant it asked for (issue 16 §2;
// docs/decisions/036): an explicit action with a reason and a period of 1–30 days, written to the
// audit log, told to the branch's 支委 and shown on the meeting page. Nobody approves it: the
// level above has the right to look; what the rule adds is that looking is never silent.

/** Whether `userId` holds a grant for the meeting that has not yet expired. Every confidential read from above asks here. */
export async function aboveGrantActive(
  sql: Sql,
  userId: string,
  meetingId: string,
  now = new Date(),
): Promise<boolean> {
  const [row] = await sql`
    select 1 from life_above_grants
    where meeting_id = ${meetingId} and user_id = ${userId} and granted_at <= ${now} and expires_at > ${now}
      and ended_at is null
    limit 1`;
  return !!row;
}

export interface AboveGrant {
  id: string;
  userId: string;
  userName: string;
  reason: string;
  grantedAt: Date;
  expiresAt: Date;
  /** Ended before its period (by the branch's 书记 or the one who asked); null while it runs or once expired. */
  endedAt: Date | null;
  endedByName: string | null;
  active: boolean;
  /** The viewer may end it now (it runs, and mayEndAboveGrant). */
  mayEnd: boolean;
}

/**
 * A committee member above asks to read the meeting's confidential records for `days` days. The
 * grant starts now; asking again while one runs adds another (the longer one counts). Logged
 * (life.access_asked, in the branch's audit log) and told to the branch's committee.
 */
export async function askAboveAccess(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: AskAbove,
  now = new Date(),
): Promise<{ id: string; expiresAt: Date }> {
  const checked = AskAboveSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new DomainError(issue.message, 400, String(issue.path[0] ?? "reason"));
  }
  const parsed = checked.data;
  const scope = await loadMeetingScope(sql, actor.subject, meetingId);
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  if (!mayAskAboveAccess(actor.subject, scope.resource))
    throw new DomainError("只有上级党组织的委员可以调阅组织生活会的保密记录。", 403);
  if (scope.row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  const expiresAt = new Date(now.getTime() + parsed.days * DAY_MS);
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [g] = await t<{ id: string }[]>`
      insert into life_above_grants (meeting_id, user_id, reason, granted_at, expires_at)
      values (${meetingId}, ${actor.userId}, ${parsed.reason}, ${now}, ${expiresAt}) returning id`;
    await audit(t, {
      actorId: actor.userId,
      action: "life.access_asked",
      orgId: scope.org.id,
      detail: { meeting: meetingId, title: scope.row.title, reason: parsed.reason, days: parsed.days },
      address: actor.address,
    });
    const committee = await t<{ user_id: string }[]>`
      select distinct user_id from memberships
      where org_id = ${scope.org.id} and ended_at is null and role = any(${COMMITTEE_ROLES as unknown as string[]}::text[])`;
    const [who] = await t<{ name: string }[]>`select display_name as name from users where id = ${actor.userId}`;
    await notify(
      t,
      committee.map((c) => c.user_id),
      {
        kind: "life.access_asked",
        title: `${who?.name ?? "上级党组织"}调阅了「${scope.row.title}」的保密记录，期限 ${parsed.days} 天`,
        link: `/meetings/${meetingId}`,
        dedupeKey: `life.access_asked:${g.id}`,
      },
    );
    return { id: g.id, expiresAt };
  }) as Promise<{ id: string; expiresAt: Date }>;
}

/**
 * The grants asked for a meeting, newest first: shown on its page to the branch (who may read
 * the meeting). Expired and ended ones stay listed, marked so.
 */
export async function grantsFor(sql: Sql, scope: MeetingScope, now = new Date()): Promise<AboveGrant[]> {
  const rows = await sql<Omit<AboveGrant, "active" | "mayEnd">[]>`
    select g.id, g.user_id as "userId", u.display_name as "userName", g.reason, g.granted_at as "grantedAt",
      g.expires_at as "expiresAt", g.ended_at as "endedAt", e.display_name as "endedByName"
    from life_above_grants g join users u on u.id = g.user_id left join users e on e.id = g.ended_by
    where g.meeting_id = ${scope.row.id} order by g.granted_at desc, g.id`;
  return rows.map((r) => {
    const active = r.endedAt === null && r.grantedAt <= now && r.expiresAt > now;
    return { ...r, active, mayEnd: active && mayEndAboveGrant(scope.subject, scope.resource, r.userId) };
  });
}

/**
 * Ends a running grant before its period: the branch's 书记 (or 副书记) or the one who asked
 * (mayEndAboveGrant). Reads stop at once: aboveGrantActive is asked on every page and new socket,
 * and the holder's open sockets are checked again.
 * Logged (life.access_ended) in the branch's audit log; the holder is told when someone else ends it.
 */
export async function endAboveGrant(
  sql: Sql,
  live: Pick<LiveAccess, "accessChanged">,
  actor: Actor,
  meetingId: string,
  grantId: string,
  now = new Date(),
): Promise<void> {
  const scope = await loadMeetingScope(sql, actor.subject, meetingId);
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const [g] = await sql<{ user_id: string; expires_at: Date; ended_at: Date | null; reason: string }[]>`
    select user_id, expires_at, ended_at, reason from life_above_grants where id = ${grantId} and meeting_id = ${meetingId}`;
  if (!g) throw hidden();
  if (!mayEndAboveGrant(actor.subject, scope.resource, g.user_id))
    throw new DomainError("只有本组织书记、副书记或调阅人本人可以结束调阅。", 403);
  if (g.ended_at !== null || g.expires_at <= now) throw new DomainError("这次调阅已经结束。", 409);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    // Only a grant still running is ended: two people ending it at once end it once.
    const ended = await t`
      update life_above_grants set ended_at = ${now}, ended_by = ${actor.userId}
      where id = ${grantId} and ended_at is null returning id`;
    if (ended.length === 0) throw new DomainError("这次调阅已经结束。", 409);
    await audit(t, {
      actorId: actor.userId,
      action: "life.access_ended",
      orgId: scope.org.id,
      subjectUserId: g.user_id,
      detail: { meeting: meetingId, title: scope.row.title, grant: grantId, reason: g.reason },
      address: actor.address,
    });
    if (g.user_id !== actor.userId)
      await notify(t, [g.user_id], {
        kind: "life.access_ended",
        title: `「${scope.row.title}」保密记录的调阅已由支部结束`,
        link: `/meetings/${meetingId}`,
        dedupeKey: `life.access_ended:${grantId}`,
      });
  });
  // A document the reviewer has open now is closed too (4403), not only the next connection.
  live.accessChanged([g.user_id]);
}

/**
 * Grants that ran out since `since` (not ended early): their holders' open documents are checked
 * again, so a period that ends closes what the reviewer still has open (server/app.ts runs this
 * every minute). Returns the holders.
 */
export async function closeExpiredGrants(
  sql: Sql,
  live: Pick<LiveAccess, "accessChanged">,
  since: Date,
  now = new Date(),
): Promise<string[]> {
  const rows = await sql<{ user_id: string }[]>`
    select distinct user_id from life_above_grants
    where ended_at is null and expires_at > ${since} and expires_at <= ${now}`;
  const holders = rows.map((r) => r.user_id);
  if (holders.length > 0) live.accessChanged(holders);
  return holders;
}
