import type { AppLoadContext } from "@remix-run/node";
import type { User } from "lucia";
import type { Actor } from "../../server/services/actor";
import { loadSubject } from "../../server/services/people/subjects";
import { requireUser } from "./auth.server";

/** The signed-in user with their memberships, ready for permission checks and the audit log. */
export async function requireActor(context: AppLoadContext, request: Request): Promise<{ user: User; actor: Actor }> {
  const user = requireUser(context, request);
  const subject = await loadSubject(context.services.sql, user.id);
  return { user, actor: { userId: user.id, subject, address: context.clientAddress } };
}
