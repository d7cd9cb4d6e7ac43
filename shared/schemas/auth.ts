import { z } from "zod";

export const LoginSchema = z.object({
  username: z.string({ error: "请输入登录名" }).trim().min(1, "请输入登录名（手机号或工号）").max(64, "登录名过长"),
  password: z.string({ error: "请输入密码" }).min(1, "请输入密码").max(256, "密码过长"),
  redirectTo: z.string().optional(),
});

/** Only same-site paths, so a crafted link cannot send a member elsewhere after sign-in. */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
