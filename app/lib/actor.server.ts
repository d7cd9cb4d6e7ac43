import type { AppLoadContext } from "@remix-run/node";
import type { User } from "lucia";
import type { Actor } from "../../server/services/actor";
import { perRequest } from "../../server/services/meeting-scope";
import { loadSubject } from "../../server/services/people/subjects";
import { requireUser } from "./auth.server";

/**
 * The signed-in user with their memberships, ready for permission checks and the audit log. Called
 * once per request by its loader or action: the Subject made here is that request's, so the
 * meetings its services load are loaded once and shared (server/services/meeting-scope.ts).
 */
export async function requireActor(context: AppLoadContext, request: Request): Promise<{ user: User; actor: Actor }> {
  const user = requireUser(context, request);
  const subject = perRequest(await loadSubject(context.services.sql, user.id));
  return { user, actor: { userId: user.id, subject, address: context.clientAddress } };
}
