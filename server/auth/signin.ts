import type { Sql } from "../../db/client";
import { normalizeSignInName } from "../../shared/domain/people";
import { deviceKey, knownDevice, readDeviceTokens, rememberDevice } from "./devices";
import type { Auth } from "./lucia";
import { dummyHash, verifyPassword } from "./password";
import { attemptFailed, attemptSucceeded, reserveAttempt, type Slot, type Throttle } from "./throttle";

export type SignInResult =
  | { ok: true; cookies: string[]; userId: string }
  | { ok: false; status: 400 | 429; message: string; retryAfterSeconds?: number };

export async function signIn(
  sql: Sql,
  auth: Auth,
  throttle: Throttle,
  input: { username: string; password: string; address: string; cookieHeader: string | null },
): Promise<SignInResult> {
  const username = normalizeSignInName(input.username);
  const [user] = await sql<{ id: string; password_hash: string | null }[]>`
    select id, password_hash from users where lower(username) = lower(${username})`;
  const tokens = readDeviceTokens(input.cookieHeader);
  const known = user ? await knownDevice(sql, user.id, tokens) : null;
  // Address first, then account or device: the same lock order for every attempt.
  const slots: Slot[] = [
    { key: `address:${input.address}`, rule: throttle.address },
    known
      ? { key: deviceKey(known), rule: throttle.device }
      : { key: `account:${username.toLowerCase()}`, rule: throttle.account },
  ];
  const reserved = await reserveAttempt(sql, slots);
  if (!reserved.ok) {
    const wait = reserved.retryAfterSeconds;
    const message = reserved.key.startsWith("address:")
      ? `此网络地址登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试。`
      : `登录尝试过于频繁，为保护账号安全，请 ${wait} 秒后再试。`;
    return { ok: false, status: 429, message, retryAfterSeconds: wait };
  }
  throttle.passwordChecks++;
  let valid = false;
  if (user?.password_hash) valid = await verifyPassword(user.password_hash, input.password);
  else await verifyPassword(await dummyHash(), input.password); // same cost as a real check
  if (!user || !valid) {
    await attemptFailed(sql, slots);
    return { ok: false, status: 400, message: "登录名或密码不正确。" };
  }

  await attemptSucceeded(sql, slots);
  const session = await auth.createSession(user.id, {});
  const device = await rememberDevice(sql, {
    userId: user.id,
    known,
    tokens,
    days: throttle.deviceDays,
    secure: throttle.cookieSecure,
  });
  return { ok: true, cookies: [auth.createSessionCookie(session.id).serialize(), device], userId: user.id };
}
