import type { AppLoadContext } from "@remix-run/node";
import { getOrgFor } from "../../server/services/people/orgs";
import { canManage, scheduleAccess } from "../../shared/permissions";
import { requireActor } from "./actor.server";
import { notFound } from "./auth.server";

/**
 * The organisation for a page only its managers use: 404 if the user may not see it, 403 if
 * they may see it but not manage it.
 */
export async function managedOrg(context: AppLoadContext, request: Request, orgId: string | undefined, what: string) {
  const { user, actor } = await requireActor(context, request);
  const found = await getOrgFor(context.services.sql, actor.subject, orgId ?? "");
  if (!found) notFound();
  if (!canManage(found.access)) throw new Response(`只有本组织的书记、副书记或组织委员可以${what}。`, { status: 403 });
  return { user, actor, org: found.org };
}

/**
 * The organisation for a scheduling page: its managers, and a 党小组长 for their own group (who
 * convenes its 党小组会); 404 if the user may not see it, 403 if they may see it only.
 */
export async function schedulingOrg(
  context: AppLoadContext,
  request: Request,
  orgId: string | undefined,
  what: string,
) {
  const { user, actor } = await requireActor(context, request);
  const found = await getOrgFor(context.services.sql, actor.subject, orgId ?? "");
  if (!found) notFound();
  if (!canManage(scheduleAccess(actor.subject, found.org.resource)))
    throw new Response(`只有本组织的书记、副书记、组织委员（党小组会还有党小组长）可以${what}。`, { status: 403 });
  return { user, actor, org: found.org };
}
