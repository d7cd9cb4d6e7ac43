import type { Sql } from "../../../db/client";
import { normalizeSignInName } from "../../../shared/domain/people";
import { audit } from "../audit";
import { DomainError } from "../errors";
import { issueInvitation } from "./invitations";
import { notify } from "../notifications";

// A one-time code for an account that already has a password is a password reset: whoever uses
// it becomes the account holder (docs/decisions/018). Who may ask for one is decided by
// shared/permissions passwordResetAccess (managers) or by holding the server (the operator);
// either way the holder is told at once, while their old password still works, and it is audited.

/** A reset code is good for a day: long enough to pass on, short enough not to linger. */
export const RESET_HOURS = 24;

export const RESET_REFUSED =
  "此人已激活账号，为其生成一次性码就是重置其密码：只能由其所在组织的上级组织的书记、副书记或组织委员办理，" +
  "同一组织的委员之间不能互相重置。最高一级组织成员的密码，请联系系统管理员在服务器上重置。";

async function homeOrg(t: Sql, userId: string): Promise<string | null> {
  const [m] = await t<{ org_id: string }[]>`
    select org_id from memberships where user_id = ${userId} and ended_at is null order by started_at limit 1`;
  return m?.org_id ?? null;
}

/**
 * Issues the reset code, audits it as `account.reset` and notifies the holder. The caller has
 * checked who may; call inside a transaction. `by` null: the operator on the server.
 */
export async function issueReset(
  t: Sql,
  input: { userId: string; by: { userId: string; name: string } | null; address: string | null },
): Promise<string> {
  const code = await issueInvitation(t, input.userId, input.by?.userId ?? null, { hours: RESET_HOURS });
  await audit(t, {
    actorId: input.by?.userId ?? null,
    action: "account.reset",
    orgId: await homeOrg(t, input.userId),
    subjectUserId: input.userId,
    detail: input.by ? {} : { actor: "operator" },
    address: input.address,
  });
  const who = input.by ? input.by.name : "系统管理员（在服务器上）";
  await notify(t, [input.userId], {
    kind: "account.reset",
    title: `${who}为你生成了重置密码的一次性码，${RESET_HOURS} 小时内有效。如不是你本人要求的，请立即联系上级组织。`,
    link: "/me",
  });
  return code;
}

export interface OperatorReset {
  code: string;
  username: string;
  displayName: string;
  orgNames: string[];
}

/** `npm run account:reset -- <登录名>`: the operator resets any account, e.g. at the top organisation. */
export async function resetByOperator(sql: Sql, rawUsername: string): Promise<OperatorReset> {
  const username = normalizeSignInName(rawUsername);
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [user] = await t<{ id: string; username: string; displayName: string; orgNames: string[] }[]>`
      select u.id, u.username, u.display_name as "displayName",
        coalesce((select array_agg(o.name order by o.name) from memberships m join organizations o on o.id = m.org_id
          where m.user_id = u.id and m.ended_at is null), '{}') as "orgNames"
      from users u where lower(u.username) = lower(${username})`;
    if (!user) throw new DomainError(`没有找到登录名为 ${username} 的账号。`, 404);
    const code = await issueReset(t, { userId: user.id, by: null, address: null });
    return { code, username: user.username, displayName: user.displayName, orgNames: user.orgNames };
  })) as OperatorReset;
}
