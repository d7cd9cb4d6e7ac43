import type { Sql } from "../../../db/client";
import type { Auth } from "../../auth/lucia";
import { hashPassword, verifyPassword } from "../../auth/password";
import { audit } from "../audit";
import { DomainError } from "../errors";

async function homeOrg(sql: Sql, userId: string): Promise<string | null> {
  const [m] = await sql<{ org_id: string }[]>`
    select org_id from memberships where user_id = ${userId} and ended_at is null order by started_at limit 1`;
  return m?.org_id ?? null;
}

/** Changes one's own password after checking the current one; other devices are signed out. */
export async function changePassword(
  sql: Sql,
  auth: Auth,
  input: { userId: string; sessionId: string; current: string; next: string; address: string | null },
) {
  const [u] = await sql<{ password_hash: string | null }[]>`select password_hash from users where id = ${input.userId}`;
  if (!u?.password_hash || !(await verifyPassword(u.password_hash, input.current)))
    throw new DomainError("当前密码不正确。", 400, "current");
  if (input.current === input.next) throw new DomainError("新密码不能与当前密码相同。", 400, "next");
  const hashed = await hashPassword(input.next);
  await sql`update users set password_hash = ${hashed} where id = ${input.userId}`;
  // A new password ends the other ways in: other devices and the calendar-feed link.
  await sql`delete from calendar_feeds where user_id = ${input.userId}`;
  const ended = await endOtherSessions(sql, auth, input.userId, input.sessionId);
  await audit(sql, {
    actorId: input.userId,
    action: "account.password",
    orgId: await homeOrg(sql, input.userId),
    subjectUserId: input.userId,
    detail: { otherSessionsEnded: ended },
    address: input.address,
  });
}

async function endOtherSessions(sql: Sql, auth: Auth, userId: string, keepSessionId: string): Promise<number> {
  const rows = await sql<
    { id: string }[]
  >`select id from auth_sessions where user_id = ${userId} and id <> ${keepSessionId}`;
  for (const r of rows) await auth.invalidateSession(r.id);
  return rows.length;
}

/** Signs out every other device of this person; returns how many sessions ended. */
export async function signOutOtherDevices(
  sql: Sql,
  auth: Auth,
  input: { userId: string; sessionId: string; address: string | null },
): Promise<number> {
  const ended = await endOtherSessions(sql, auth, input.userId, input.sessionId);
  await audit(sql, {
    actorId: input.userId,
    action: "account.sessions",
    orgId: await homeOrg(sql, input.userId),
    subjectUserId: input.userId,
    detail: { ended },
    address: input.address,
  });
  return ended;
}

export async function countOtherSessions(sql: Sql, userId: string, sessionId: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from auth_sessions where user_id = ${userId} and id <> ${sessionId} and expires_at > now()`;
  return n;
}
