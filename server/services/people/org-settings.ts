import type { Sql } from "../../../db/client";
import { chinaDate } from "../../../shared/time";
import { resolveSettings, settingsOverrides, type BranchSettings } from "../../../shared/domain/org-settings";
import { type ResolvedSettings } from "../../../shared/domain/kind-rules";
import type { OrgKind } from "../../../shared/domain/labels";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError } from "../errors";
import { requireManagedOrg } from "./orgs";

/**
 * The organisation's local rules merged over the defaults (stored junk is ignored, never fatal).
 * A 党小组 without rules of its own follows its branch's, as the reminders do.
 */
export async function orgSettings(sql: Sql, orgId: string): Promise<ResolvedSettings> {
  const [row] = await sql<{ kind: OrgKind; settings: unknown }[]>`
    select o.kind, (
      select s.settings from org_settings s
      where s.org_id = o.id or (o.kind = 'group' and s.org_id = o.parent_id)
      order by (s.org_id = o.id) desc limit 1
    ) as settings
    from organizations o where o.id = ${orgId}`;
  return resolveSettings(row?.settings ?? {}, row?.kind);
}

/**
 * Stores only what differs from the defaults, so later changes to a default still reach the branch.
 * `trackingStartedOn` ("2026-12-07"), when given, moves the day from which the organisation's
 * obligations are counted: a calendar date, not after today.
 */
export async function saveOrgSettings(
  sql: Sql,
  actor: Actor,
  orgId: string,
  input: BranchSettings & { trackingStartedOn?: string },
  now = new Date(),
) {
  const { trackingStartedOn, ...rules } = input;
  if (trackingStartedOn !== undefined) {
    const day = chinaDate(trackingStartedOn);
    if (!day || trackingStartedOn < "2000-01-01")
      throw new DomainError("开始统计日期格式不正确，请选择 2000 年以后的日期。", 400, "trackingStartedOn");
    if (day.getTime() > now.getTime()) throw new DomainError("开始统计日期不能晚于今天。", 400, "trackingStartedOn");
  }
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireManagedOrg(t, actor, orgId);
    if (trackingStartedOn !== undefined && trackingStartedOn !== org.trackingStartedOn) {
      await t`update organizations set tracking_started_on = ${trackingStartedOn} where id = ${org.id}`;
      await audit(t, {
        actorId: actor.userId,
        action: "org.tracking",
        orgId: org.id,
        detail: { name: org.name, trackingStartedOn: { from: org.trackingStartedOn, to: trackingStartedOn } },
        address: actor.address,
      });
    }
    const overrides = settingsOverrides(resolveSettings(rules, org.kind), org.kind);
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
