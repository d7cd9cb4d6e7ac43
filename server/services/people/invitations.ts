import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../../../db/client";
import { forgetDevices } from "../../auth/devices";
import { hashPassword } from "../../auth/password";
import { audit } from "../audit";
import { DomainError } from "../errors";

// One-time invitation codes: 12 characters of Crockford base32 (60 random bits), shown as
// XXXX-XXXX-XXXX so it can be read out or sent by text as well as opened as a link. Only
// the SHA-256 of the code is stored; a new code revokes the person's earlier ones.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const INVITATION_DAYS = 14;

function newCode(): string {
  const bytes = randomBytes(12);
  let code = "";
  for (const b of bytes) code += ALPHABET[b & 31];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Case, dashes, spaces and the look-alikes O/I/L do not matter when a code is typed in. */
export function normalizeCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(s) ? s : null;
}

const hashCode = (normalized: string) => createHash("sha256").update(normalized).digest("hex");

/**
 * Issues a fresh code for the person, revoking any earlier unused one; valid INVITATION_DAYS
 * unless `hours` says otherwise (a password reset). Call inside a transaction.
 */
export async function issueInvitation(
  sql: Sql,
  userId: string,
  createdBy: string | null,
  opts: { hours?: number } = {},
): Promise<string> {
  const code = newCode();
  await sql`update invitations set revoked_at = now() where user_id = ${userId} and used_at is null and revoked_at is null`;
  await sql`
    insert into invitations (user_id, code_hash, created_by, expires_at)
    values (${userId}, ${hashCode(normalizeCode(code)!)}, ${createdBy},
            now() + make_interval(hours => ${opts.hours ?? INVITATION_DAYS * 24}))`;
  return code;
}

export interface OpenInvitation {
  id: string;
  userId: string;
  displayName: string;
  username: string;
  orgNames: string[];
  expiresAt: Date;
}

const GONE = "这个邀请码无效或已失效（已使用、已过期或已重新生成）。请联系支部书记或组织委员重新获取。";

/** The invitation behind a code, if it can still be used. */
export async function findInvitation(sql: Sql, rawCode: string): Promise<OpenInvitation | null> {
  const code = normalizeCode(rawCode);
  if (!code) return null;
  const [row] = await sql<OpenInvitation[]>`
    select i.id, i.user_id as "userId", u.display_name as "displayName", u.username, i.expires_at as "expiresAt",
      coalesce((select array_agg(o.name order by o.name) from memberships m join organizations o on o.id = m.org_id
        where m.user_id = u.id and m.ended_at is null), '{}') as "orgNames"
    from invitations i join users u on u.id = i.user_id
    where i.code_hash = ${hashCode(code)} and i.used_at is null and i.revoked_at is null and i.expires_at > now()`;
  return row ?? null;
}

/** Sets the person's password from a valid code and uses the code up. Returns the user id. */
export async function acceptInvitation(
  sql: Sql,
  input: { code: string; password: string; address: string | null },
): Promise<string> {
  const code = normalizeCode(input.code);
  if (!code) throw new DomainError("邀请码格式不正确：应为 12 位字母和数字，如 7K3M-Q9TX-4HRB。", 400, "code");
  const hashed = await hashPassword(input.password);
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    // "for update" makes a double submit use the code once.
    const [inv] = await t<{ id: string; user_id: string }[]>`
      select id, user_id from invitations
      where code_hash = ${hashCode(code)} and used_at is null and revoked_at is null and expires_at > now()
      for update`;
    if (!inv) throw new DomainError(GONE, 410, "code");
    await t`update invitations set used_at = now() where id = ${inv.id}`;
    await t`update users set password_hash = ${hashed} where id = ${inv.user_id}`;
    // A code also serves as a reset: whoever had the old password is signed out, and the old
    // calendar-feed link stops working.
    await t`delete from auth_sessions where user_id = ${inv.user_id}`;
    await t`delete from calendar_feeds where user_id = ${inv.user_id}`;
    // Browsers the old holder signed in from no longer skip the account's sign-in delay.
    await forgetDevices(t, inv.user_id);
    const [org] = await t<{ org_id: string }[]>`
      select org_id from memberships where user_id = ${inv.user_id} and ended_at is null order by started_at limit 1`;
    await audit(t, {
      actorId: inv.user_id,
      action: "invitation.accept",
      orgId: org?.org_id ?? null,
      subjectUserId: inv.user_id,
      address: input.address,
    });
    return inv.user_id;
  }) as Promise<string>;
}
