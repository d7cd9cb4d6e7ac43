import type { Sql } from "../../../db/client";
import { chinaParts as localParts, chinaTime, chinaParts } from "../../../shared/time";
import { periodLabel, periodOf } from "../../../shared/domain/periods";
import { proposeAnnualPlan } from "../../../shared/domain/annual-plan";
import { type PeriodCadence } from "../../../shared/domain/kind-rules";
import type { MeetingKind } from "../../../shared/domain/labels";
import type { PlanRow } from "../../../shared/schemas/plan";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError } from "../errors";
import { createMeetings, RowsRefused, type RowError } from "./bulk-schedule";
import { orgSettings } from "../people/org-settings";
import { requireSchedulingOrg, withGroups, type Org } from "../people/orgs";

// The annual plan (年度计划): the year's required meetings proposed from the branch's own rules
// (shared/domain/annual-plan.ts), minus what is already on the calendar; the secretary adjusts
// dates, times and titles, drops what they do not want, and confirms. Confirmed rows become
// scheduled meetings in one go (bulk-schedule.ts).

export interface ProposedRow {
  kind: MeetingKind;
  orgId: string;
  orgName: string;
  title: string;
  date: string;
  startTime: string;
  endTime: string;
  periodKey: string;
  periodLabel: string;
  byFixedDay: boolean;
}

export interface ExistingMeeting {
  id: string;
  kind: MeetingKind;
  orgId: string;
  title: string;
  startsAt: Date;
}

export interface PlanProposal {
  year: number;
  rows: ProposedRow[];
  /** Meetings of the year already on the calendar (they fulfil their periods). */
  existing: ExistingMeeting[];
  /** The place of the organisation's latest meeting: the likely default. */
  lastLocation: string;
}

async function existingIn(sql: Sql, orgIds: string[], year: number): Promise<ExistingMeeting[]> {
  const start = chinaTime(year, 1, 1);
  const end = chinaTime(year + 1, 1, 1);
  return sql<ExistingMeeting[]>`
    select id, kind, org_id as "orgId", title, starts_at as "startsAt" from meetings
    where org_id = any(${orgIds}) and status <> 'cancelled' and starts_at >= ${start} and starts_at < ${end}
    order by starts_at`;
}

/** A key for "this kind, for this organisation, in this cadence period". */
const slotKey = (kind: MeetingKind, orgId: string, periodKey: string) => `${kind}|${orgId}|${periodKey}`;

export async function proposePlan(sql: Sql, org: Org, year: number, now = new Date()): Promise<PlanProposal> {
  const settings = await orgSettings(sql, org.id);
  const { groups, ids } = await withGroups(sql, org);
  const existing = await existingIn(sql, ids, year);
  const names = new Map([[org.id, org.name], ...groups.map((g) => [g.id, g.name] as const)]);

  const taken = new Set<string>();
  for (const m of existing) {
    const cadence = settings.kinds[m.kind].cadence;
    if (cadence !== "none") taken.add(slotKey(m.kind, m.orgId, periodOf(cadence as PeriodCadence, m.startsAt).key));
  }
  const proposals = proposeAnnualPlan(
    year,
    settings,
    { id: org.id, kind: org.kind, name: org.name, groups },
    { notBefore: now, taken: existing.map((m) => m.startsAt) },
  );
  const rows = proposals
    .map((p) => ({ ...p, orgId: p.orgId ?? org.id }))
    .filter((p) => !taken.has(slotKey(p.kind, p.orgId, p.periodKey)))
    .map((p): ProposedRow => {
      const start = chinaParts(p.startsAt);
      const cadence = settings.kinds[p.kind].cadence as PeriodCadence;
      return {
        kind: p.kind,
        orgId: p.orgId,
        orgName: names.get(p.orgId) ?? org.name,
        title: p.title,
        date: start.date,
        startTime: start.time,
        endTime: chinaParts(p.endsAt).time,
        periodKey: p.periodKey,
        periodLabel: periodLabel(periodOf(cadence, p.startsAt)),
        byFixedDay: p.byFixedDay,
      };
    });

  const [last] = await sql<{ location: string }[]>`
    select location from meetings where org_id = any(${ids}) and location is not null
    order by starts_at desc limit 1`;
  return { year, rows, existing, lastLocation: last?.location ?? "" };
}

/** The year a secretary most likely plans: from November on, the next one. */
export function planYearFor(now = new Date()): number {
  const p = localParts(now);
  return p.month >= 11 ? p.year + 1 : p.year;
}

export interface PlanRowInput {
  /** The row's position on the form, for error messages. */
  index: number;
  row: PlanRow;
}

/**
 * Creates the confirmed rows as scheduled meetings, all or none. Refused rows (and rows whose
 * period already has a meeting of the kind, e.g. after a double submission) come back as
 * RowsRefused with the form's row index.
 */
export async function confirmPlan(
  sql: Sql,
  actor: Actor,
  orgId: string,
  year: number,
  rows: PlanRowInput[],
  place: { location: string | null; onlineUrl: string | null },
): Promise<number> {
  if (rows.length === 0) throw new DomainError("请至少保留一项安排。", 400);
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const org = await requireSchedulingOrg(t, actor, orgId);
    const settings = await orgSettings(t, org.id);
    const { ids } = await withGroups(t, org);
    // The same plan confirmed twice at once must not create it twice.
    await t`select pg_advisory_xact_lock(727005, hashtext(${org.id}))`;
    const existing = await existingIn(t, ids, year);

    const errors: RowError[] = [];
    const taken = new Map<string, string>();
    for (const m of existing) {
      const cadence = settings.kinds[m.kind].cadence;
      if (cadence !== "none")
        taken.set(slotKey(m.kind, m.orgId, periodOf(cadence as PeriodCadence, m.startsAt).key), m.title);
    }
    for (const { index, row } of rows) {
      if (!ids.includes(row.orgId)) errors.push({ index, message: "该行的组织不属于本支部，请刷新页面后重试。" });
      else if (localParts(row.startsAt).year !== year) errors.push({ index, message: `日期应在 ${year} 年内。` });
      else {
        const cadence = settings.kinds[row.kind].cadence;
        if (cadence === "none") continue;
        const period = periodOf(cadence as PeriodCadence, row.startsAt);
        const key = slotKey(row.kind, row.orgId, period.key);
        const clash = taken.get(key);
        if (clash) errors.push({ index, message: `${periodLabel(period)}已有安排：“${clash}”。` });
        else taken.set(key, row.title);
      }
    }
    if (errors.length > 0) throw new RowsRefused(errors);

    let created: string[];
    try {
      created = await createMeetings(
        t,
        actor,
        rows.map(({ row }) => ({ ...row, ...place })),
        { source: "plan", summary: `${org.name} ${year} 年度计划` },
      );
    } catch (e) {
      // createMeetings numbers rows by their place in the list; the form by its own index
      if (e instanceof RowsRefused) throw new RowsRefused(e.rows.map((r) => ({ ...r, index: rows[r.index].index })));
      throw e;
    }
    await audit(t, {
      actorId: actor.userId,
      action: "plan.confirm",
      orgId: org.id,
      detail: { year, meetings: created.length },
      address: actor.address,
    });
    return created.length;
  })) as number;
}
