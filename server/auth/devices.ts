import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../../db/client";

// A browser that signed in to an account before keeps a long-lived cookie naming it as one of the
// owner's devices; it then skips the account's delay, so an attacker failing on purpose cannot
// keep the owner out (docs/decisions/018). The cookie carries random tokens, one per account
// signed in from this browser (a shared office computer has a few); the database keeps only
// their SHA-256, tied to the account.

export const DEVICE_COOKIE = "tongxin_device";
/** Tokens kept in one browser's cookie: the accounts most recently signed in from it. */
const MAX_TOKENS = 5;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The tokens in a Cookie header (base64url, so "." separates them). */
export function readDeviceTokens(cookieHeader: string | null): string[] {
  if (!cookieHeader) return [];
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== DEVICE_COOKIE) continue;
    return part
      .slice(eq + 1)
      .trim()
      .split(".")
      .filter((t) => /^[A-Za-z0-9_-]{43}$/.test(t))
      .slice(0, MAX_TOKENS);
  }
  return [];
}

/** The token among these that vouches for the account, if any (unexpired, issued to it). */
export async function knownDevice(sql: Sql, userId: string, tokens: string[]): Promise<string | null> {
  if (tokens.length === 0) return null;
  const hashes = tokens.map(hashToken);
  const [row] = await sql<{ token_hash: string }[]>`
    select token_hash from auth_devices
    where user_id = ${userId} and token_hash = any(${hashes}) and expires_at > now() limit 1`;
  return row ? tokens[hashes.indexOf(row.token_hash)] : null;
}

/** The throttle key of a device token (its hash, never the token). */
export const deviceKey = (token: string) => `device:${hashToken(token)}`;

/**
 * After a successful sign-in: renews the token that vouched for the account, or issues one, and
 * returns the Set-Cookie value holding it first, then the browser's other tokens.
 */
export async function rememberDevice(
  sql: Sql,
  input: { userId: string; known: string | null; tokens: string[]; days: number; secure: boolean },
): Promise<string> {
  let token = input.known;
  if (token) {
    await sql`
      update auth_devices set last_used_at = now(), expires_at = now() + make_interval(days => ${input.days})
      where token_hash = ${hashToken(token)}`;
  } else {
    token = randomBytes(32).toString("base64url");
    await sql`
      insert into auth_devices (token_hash, user_id, expires_at)
      values (${hashToken(token)}, ${input.userId}, now() + make_interval(days => ${input.days}))`;
    await sql`delete from auth_devices where user_id = ${input.userId} and expires_at <= now()`;
  }
  const value = [token, ...input.tokens.filter((t) => t !== token)].slice(0, MAX_TOKENS).join(".");
  const maxAge = input.days * 86_400;
  return `${DEVICE_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${input.secure ? "; Secure" : ""}`;
}

/** Forgets every browser of an account (its password was reset). */
export async function forgetDevices(sql: Sql, userId: string): Promise<void> {
  await sql`delete from auth_devices where user_id = ${userId}`;
}
