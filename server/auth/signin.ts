import type { Sql } from "../../db/client";
import { normalizeSignInName } from "../../shared/domain/people";
import type { Auth } from "./lucia";
import { dummyHash, verifyPassword } from "./password";
import { clearFailures, lockedFor, recordFailure, type ThrottleKey } from "./throttle";

export type SignInResult =
  { ok: true; cookie: string; userId: string } | { ok: false; status: 400 | 429; message: string };

export async function signIn(
  sql: Sql,
  auth: Auth,
  input: { username: string; password: string; address: string },
): Promise<SignInResult> {
  const username = normalizeSignInName(input.username);
  const keys: ThrottleKey[] = [
    { kind: "account", value: username.toLowerCase() },
    { kind: "address", value: input.address },
  ];
  const minutes = await lockedFor(sql, keys);
  if (minutes > 0) {
    return { ok: false, status: 429, message: `登录失败次数过多，请 ${minutes} 分钟后再试。` };
  }
  const rows = await sql<{ id: string; password_hash: string | null }[]>`
    select id, password_hash from users where lower(username) = lower(${username})`;
  const user = rows[0];
  let valid = false;
  if (user?.password_hash) valid = await verifyPassword(user.password_hash, input.password);
  else await verifyPassword(await dummyHash(), input.password); // same cost as a real check
  if (!user || !valid) {
    await recordFailure(sql, keys);
    return { ok: false, status: 400, message: "登录名或密码不正确。" };
  }
  await clearFailures(sql, keys[0]);
  const session = await auth.createSession(user.id, {});
  return { ok: true, cookie: auth.createSessionCookie(session.id).serialize(), userId: user.id };
}
