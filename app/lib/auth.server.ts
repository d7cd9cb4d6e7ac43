import { redirect, type AppLoadContext } from "@remix-run/node";
import type { User } from "lucia";

/** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request): User {
  if (context.user) return context.user;
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
}

/** A 404 that does not say whether the record exists or is only hidden from this user. */
export function notFound(message = "没有找到这个页面，或你没有查看它的权限。"): never {
  throw new Response(message, { status: 404, statusText: "Not Found" });
}
