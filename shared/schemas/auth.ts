import { z } from "zod";

export const LoginSchema = z.object({
  username: z.string({ error: "请输入登录名" }).trim().min(1, "请输入登录名（手机号或工号）").max(64, "登录名过长"),
  password: z.string({ error: "请输入密码" }).min(1, "请输入密码").max(256, "密码过长"),
  redirectTo: z.string().optional(),
});

/**
 * Only same-site paths, so a crafted link cannot send a member elsewhere after sign-in. The check
 * runs on the string as a browser reads a Location header: it drops ASCII tab, LF and CR anywhere,
 * trims C0 controls and spaces at both ends, and reads a backslash as "/" ("/\t/evil.host" is
 * "//evil.host" to it). The result is printable ASCII (the rest percent-encoded as UTF-8), so it
 * is always a valid header value.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string") return fallback;
  const seen = to.replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
  if (!/^\/(?![/\\])/.test(seen)) return fallback;
  try {
    return seen.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return fallback; // a lone surrogate cannot be encoded
  }
}
