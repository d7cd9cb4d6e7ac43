import { MEETING_KINDS, MEETING_KIND_LABEL, type MeetingKind, type OrgKind } from "./labels";
import { kindsHeld, type PeriodCadence, type ResolvedSettings } from "./kind-rules";
import { fixedDayInMonth, PERIOD_MONTHS, periodLabel, periodsInYear, type Period } from "./periods";
import { chinaDateKey, chinaDayStart, chinaParts, chinaTime, daysInMonth, DAY_MS } from "../time";

// The annual plan (年度计划): the year's required meetings of an organisation proposed on free
// weekday afternoons of their periods, for the 书记 to adjust and confirm.

const pad2 = (n: number) => String(n).padStart(2, "0");

export interface PlannedMeeting {
  kind: MeetingKind;
  /** The 党小组 a group meeting is for; absent for the organisation's own meetings. */
  orgId?: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** The cadence period the meeting fulfils, e.g. "2027-Q1". */
  periodKey: string;
  /** True when the date comes from the kind's fixed day (it may then fall on a weekend). */
  byFixedDay: boolean;
}

export interface PlanOrg {
  id?: string;
  kind: OrgKind;
  name?: string;
  groups?: readonly { id: string; name: string }[];
}

export interface PlanOptions {
  /**
   * Dates ("YYYY-MM-DD") to keep free, e.g. the year's official holidays. Defaults to the fixed-date
   * ones (元旦 1 Jan, 劳动节 1–5 May, 国庆 1–7 Oct); 春节 moves each year, so pass the official list to
   * avoid it.
   */
  holidays?: readonly string[];
  /** Only propose meetings that start after this instant (e.g. a plan made in March). */
  notBefore?: Date;
  /** Starts of meetings already on the calendar: their half-days are not offered again. */
  taken?: readonly Date[];
}

/** Where in its period a kind is placed by default, and on which day of that month. */
const ANCHOR: Record<MeetingKind, { position: "early" | "middle" | "late"; day: number }> = {
  committee_meeting: { position: "early", day: 1 },
  theme_day: { position: "early", day: 1 },
  group_meeting: { position: "early", day: 8 },
  party_lecture: { position: "early", day: 15 },
  general_assembly: { position: "middle", day: 10 },
  life_meeting: { position: "late", day: 10 },
  member_review: { position: "late", day: 10 },
  party_committee: { position: "early", day: 5 },
  general_committee: { position: "early", day: 5 },
  central_study: { position: "late", day: 20 },
  party_congress: { position: "middle", day: 15 },
  leadership_life_meeting: { position: "late", day: 15 },
};

/** Order of placement: fixed days first (in kind order), then these. */
const PLACEMENT_ORDER: MeetingKind[] = [
  "life_meeting",
  "leadership_life_meeting",
  "member_review",
  "general_assembly",
  "committee_meeting",
  "party_lecture",
  "group_meeting",
  "theme_day",
  "party_congress",
  "party_committee",
  "general_committee",
  "central_study",
];

const AFTERNOON = { hour: 14, minute: 30 };
const MORNING = { hour: 9, minute: 0 };
const DURATION_MIN: Record<MeetingKind, number> = {
  general_assembly: 120,
  committee_meeting: 120,
  group_meeting: 120,
  party_lecture: 120,
  theme_day: 120,
  life_meeting: 180,
  member_review: 120,
  party_committee: 120,
  general_committee: 120,
  central_study: 180,
  party_congress: 240,
  leadership_life_meeting: 240,
};

export function defaultHolidays(year: number): string[] {
  const out = [`${year}-01-01`];
  for (let d = 1; d <= 5; d++) out.push(`${year}-05-${pad2(d)}`);
  for (let d = 1; d <= 7; d++) out.push(`${year}-10-${pad2(d)}`);
  return out;
}

function groupMeetingName(groupName: string): string {
  return groupName.endsWith("党小组") ? `${groupName}会` : `${groupName}${MEETING_KIND_LABEL.group_meeting}`;
}

function planTitle(kind: MeetingKind, period: Period, groupName?: string): string {
  const label = kind === "group_meeting" && groupName ? groupMeetingName(groupName) : MEETING_KIND_LABEL[kind];
  return `${periodLabel(period)}${label}`;
}

/**
 * Proposes the year's required meetings for an organisation, for the secretary to adjust and
 * confirm (they become status "planned"). For a 党支部: every kind by its cadence, with 党小组会
 * for each group (orgId = the group). For a 党小组: its monthly 党小组会. For a 党委 or 党总支: its
 * own kinds (KINDS_HELD_BY: 委员会, 中心组学习, the 书记's 党课). Each meeting gets its own afternoon (14:30), on a weekday that is not a
 * holiday, unless its fixed day says otherwise; when the preferred afternoon is taken it moves to
 * the next free weekday in its period.
 */
export function proposeAnnualPlan(
  year: number,
  settings: ResolvedSettings,
  org: PlanOrg,
  options: PlanOptions = {},
): PlannedMeeting[] {
  const holidays = new Set(options.holidays ?? defaultHolidays(year));
  const notBefore = options.notBefore?.getTime() ?? -Infinity;
  const rules = settings.kinds;

  type Unit = { kind: MeetingKind; orgId?: string; groupName?: string };
  let units: Unit[];
  if (org.kind === "group") {
    units = [{ kind: "group_meeting", orgId: org.id, groupName: org.name }];
  } else {
    units = kindsHeld(org.kind, settings).map((kind) => ({ kind }));
    if (org.kind === "branch")
      for (const g of org.groups ?? []) units.push({ kind: "group_meeting", orgId: g.id, groupName: g.name });
  }

  const fixedFirst = [
    ...units.filter((u) => rules[u.kind].fixedDay),
    ...PLACEMENT_ORDER.flatMap((k) => units.filter((u) => u.kind === k && !rules[u.kind].fixedDay)),
  ];

  const busy = new Set<string>(); // "YYYY-MM-DD am|pm"
  for (const t of options.taken ?? []) busy.add(`${chinaDateKey(t)} ${chinaParts(t).hour < 12 ? "am" : "pm"}`);
  const out: PlannedMeeting[] = [];

  const slotStart = (day: Date, slot: "am" | "pm") => {
    const p = chinaParts(day);
    const t = slot === "pm" ? AFTERNOON : MORNING;
    return chinaTime(p.year, p.month, p.day, t.hour, t.minute);
  };
  const isWorkday = (day: Date) => {
    const w = chinaParts(day).weekday;
    return w !== 0 && w !== 6 && !holidays.has(chinaDateKey(day));
  };
  const free = (day: Date, slot: "am" | "pm") =>
    !busy.has(`${chinaDateKey(day)} ${slot}`) && slotStart(day, slot).getTime() > notBefore;

  for (const unit of fixedFirst) {
    const rule = rules[unit.kind];
    for (const period of periodsInYear(rule.cadence, year)) {
      const months = PERIOD_MONTHS[rule.cadence as PeriodCadence];
      const anchor = ANCHOR[unit.kind];
      const offset = anchor.position === "early" ? 0 : anchor.position === "late" ? months - 1 : (months - 1) >> 1;
      const { year: py, month: pm } = chinaParts(period.start);
      const month = pm + offset;

      const candidates: { day: Date; slot: "am" | "pm"; byFixedDay: boolean }[] = [];
      let preferred: Date;
      if (rule.fixedDay) {
        const fixed = fixedDayInMonth(py, month, rule.fixedDay);
        // the fixed day itself, even on a weekend, unless it is a holiday; then the same weekday a week later
        if (!holidays.has(chinaDateKey(fixed))) candidates.push({ day: fixed, slot: "pm", byFixedDay: true });
        if ("weekday" in rule.fixedDay) {
          const weekLater = new Date(fixed.getTime() + 7 * DAY_MS);
          if (weekLater < period.end && !holidays.has(chinaDateKey(weekLater)))
            candidates.push({ day: weekLater, slot: "pm", byFixedDay: true });
        }
        preferred = fixed;
      } else if (unit.kind === "member_review") {
        // with the 组织生活会: the next free afternoon after it
        const life = out.find(
          (m) => m.kind === "life_meeting" && m.startsAt >= period.start && m.startsAt < period.end,
        );
        preferred = life
          ? chinaDayStart(life.startsAt)
          : chinaTime(py, month, Math.min(anchor.day, daysInMonth(py, month)));
      } else {
        preferred = chinaTime(py, month, Math.min(anchor.day, daysInMonth(py, month)));
      }

      // then any workday afternoon in the period: forward from the preferred day, then backward;
      // then the mornings in the same order
      const forward: Date[] = [];
      const backward: Date[] = [];
      for (let d = preferred; d < period.end; d = new Date(d.getTime() + DAY_MS)) forward.push(d);
      for (let d = new Date(preferred.getTime() - DAY_MS); d >= period.start; d = new Date(d.getTime() - DAY_MS))
        backward.push(d);
      for (const slot of ["pm", "am"] as const)
        for (const day of [...forward, ...backward])
          if (isWorkday(day)) candidates.push({ day, slot, byFixedDay: false });

      const pick = candidates.find((c) => free(c.day, c.slot));
      if (!pick) continue; // the period is already over (notBefore) or has no free slot left
      busy.add(`${chinaDateKey(pick.day)} ${pick.slot}`);
      const startsAt = slotStart(pick.day, pick.slot);
      out.push({
        kind: unit.kind,
        ...(unit.orgId !== undefined ? { orgId: unit.orgId } : {}),
        title: planTitle(unit.kind, period, unit.groupName),
        startsAt,
        endsAt: new Date(startsAt.getTime() + DURATION_MIN[unit.kind] * 60_000),
        periodKey: period.key,
        byFixedDay: pick.byFixedDay,
      });
    }
  }

  const kindOrder = (k: MeetingKind) => MEETING_KINDS.indexOf(k);
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || kindOrder(a.kind) - kindOrder(b.kind));
}
