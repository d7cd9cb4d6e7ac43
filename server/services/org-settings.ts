import type { Sql } from "../../db/client";
import {
  resolveSettings,
  settingsOverrides,
  type BranchSettings,
  type ResolvedSettings,
} from "../../shared/domain/cadence";
import type { Actor } from "./actor";
import { audit } from "./audit";
import { requireManagedOrg } from "./orgs";

/** The organisation's local rules merged over the defaults (stored junk is ignored, never fatal). */
export async function orgSettings(sql: Sql, orgId: string): Promise<ResolvedSettings> {
  const [row] = await sql<{ settings: unknown }[]>`select settings from org_settings where org_id = ${orgId}`;
  return resolveSettings(row?.settings ?? {});
}

/** Stores only what differs from the defaults, so later changes to a default still reach the branch. */
export async function saveOrgSettings(sql: Sql, actor: Actor, orgId: string, input: BranchSettings) {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireManagedOrg(t, actor, orgId);
    const overrides = settingsOverrides(resolveSettings(input));
    await t`
      insert into org_settings (org_id, settings, updated_by, updated_at)
      values (${org.id}, ${t.json(overrides as never)}, ${actor.userId}, now())
      on conflict (org_id) do update set settings = excluded.settings, updated_by = excluded.updated_by,
        updated_at = now()`;
    await audit(t, {
      actorId: actor.userId,
      action: "org.settings",
      orgId: org.id,
      detail: { name: org.name },
      address: actor.address,
    });
  });
}
