import { z } from "zod";
import {
  KINDS_HELD_BY,
  kindsAnsweredFor,
  MEETING_KINDS,
  MEETING_KIND_LABEL,
  OPTIONAL_KINDS,
  type MeetingKind,
  type OrgKind,
} from "./labels";
import { chinaDateKey, chinaDayStart, chinaParts, chinaTime, daysInMonth, type Weekday, DAY_MS } from "../time";

// The 三会一课 calendar rules: how often each kind of meeting is due, who should attend, and the
// local rules a branch may change (org_settings.settings). Pure and dependency-free apart from zod,
// so the forms, the server and the tests all apply the same rules.
//
// Dates: meetings happen on calendar days in China time (Asia/Shanghai, UTC+8, no daylight saving),
// so every calendar computation here uses a fixed +8 hour offset. A "day" or a period boundary is
// returned as the UTC instant of local midnight (2027-01-01 00:00 in Beijing = 2026-12-31T16:00Z).

// ---------------------------------------------------------------------------------------------
// Rules and defaults
// ---------------------------------------------------------------------------------------------

export const CADENCES = ["monthly", "bimonthly", "quarterly", "half_yearly", "yearly", "none"] as const;
export type Cadence = (typeof CADENCES)[number];
/** A cadence that has periods (everything but "none"). */
export type PeriodCadence = Exclude<Cadence, "none">;

export const CADENCE_LABEL: Record<Cadence, string> = {
  monthly: "每月",
  bimonthly: "每两个月",
  quarterly: "每季度",
  half_yearly: "每半年",
  yearly: "每年",
  none: "不定期",
};

/** 0 = Sunday … 6 = Saturday, as Date.getDay(). */
export type { Weekday };
/** 1st to 4th, or -1 for the last one in the month. */
export type NthWeekday = 1 | 2 | 3 | 4 | -1;
export const WEEKDAY_LABEL = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"] as const;

/** 「周五」 for a calendar date "2027-02-05"; "" for anything that is not a date. */
export function weekdayOfDate(date: string): string {
  const d = new Date(date + "T00:00:00Z");
  return Number.isNaN(d.getTime()) ? "" : WEEKDAY_LABEL[d.getUTCDay()];
}

/** A fixed meeting day (*local*): e.g. the first Friday of the month, or the 15th. */
export type FixedDay = { weekday: Weekday; nth: NthWeekday } | { dayOfMonth: number /* 1..28 */ };

export type Attendees = "members" | "committee" | "group";

export interface KindRule {
  /** Held here at all: false for an optional kind (a 党员代表大会) until the settings turn it on. */
  enabled: boolean;
  cadence: Cadence;
  /** Who should attend (应到): all members of the branch, the 支部委员会, or one 党小组. */
  attendees: Attendees;
  /** Whether 入党积极分子 and 发展对象 are invited (列席), as for a 党课. */
  inviteActivists: boolean;
  fixedDay?: FixedDay;
  /** How many days ahead the members are notified. */
  noticeDays: number;
  /** Expected attendance rate 实到 / 应到, 0..1. */
  attendanceThreshold: number;
}

/** Defaults from the 条例 and common practice (domain.md); *local* ones can be overridden per branch. */
export const DEFAULT_RULES: Readonly<Record<MeetingKind, Readonly<KindRule>>> = {
  general_assembly: {
    enabled: true,
    cadence: "quarterly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  committee_meeting: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  group_meeting: {
    enabled: true,
    cadence: "monthly",
    attendees: "group",
    inviteActivists: false,
    // the 党小组长 notifies the members a day ahead
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  party_lecture: {
    enabled: true,
    cadence: "quarterly",
    attendees: "members",
    inviteActivists: true,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  theme_day: {
    enabled: true,
    cadence: "monthly",
    attendees: "members",
    inviteActivists: false,
    fixedDay: { weekday: 5, nth: 1 },
    noticeDays: 3,
    attendanceThreshold: 0.85,
  },
  life_meeting: {
    enabled: true,
    cadence: "yearly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 10,
    attendanceThreshold: 0.8,
  },
  member_review: {
    enabled: true,
    cadence: "yearly",
    attendees: "members",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  // A 党委's or 党总支's own (domain.md, "Levels above the branch"): local cadences.
  party_committee: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  general_committee: {
    enabled: true,
    cadence: "monthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 1,
    attendanceThreshold: 0.8,
  },
  central_study: {
    enabled: true,
    cadence: "bimonthly",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 3,
    attendanceThreshold: 0.8,
  },
  // Only where a 党员代表大会 is established; no cadence of its own by default (a term's congress).
  party_congress: {
    enabled: false,
    cadence: "none",
    attendees: "committee",
    inviteActivists: false,
    noticeDays: 10,
    attendanceThreshold: 0.8,
  },
};

/**
 * Where an organisation's kind changes a default: a 党委's or 党总支's 党课 is its 书记's to the
 * branches, at least once a year (domain.md), not a branch's quarterly one.
 */
const ORG_KIND_DEFAULTS: Partial<Record<OrgKind, Partial<Record<MeetingKind, Partial<KindRule>>>>> = {
  committee: { party_lecture: { cadence: "yearly" } },
  general_branch: { party_lecture: { cadence: "yearly" } },
};

/** The default rule of a kind for an organisation of this kind. */
export function defaultRule(kind: MeetingKind, orgKind?: OrgKind): Readonly<KindRule> {
  const patch = orgKind ? ORG_KIND_DEFAULTS[orgKind]?.[kind] : undefined;
  return patch ? { ...DEFAULT_RULES[kind], ...patch } : DEFAULT_RULES[kind];
}

/**
 * The kinds an organisation holds (KINDS_HELD_BY), less the optional ones its settings have not
 * turned on. What the scheduling forms offer and the annual plan proposes.
 */
export function kindsHeld(orgKind: OrgKind, settings: Pick<ResolvedSettings, "kinds">): MeetingKind[] {
  return KINDS_HELD_BY[orgKind].filter((k) => settings.kinds[k].enabled);
}

/** The kinds an organisation answers for in compliance (a 党支部 also its groups' 党小组会), turned on. */
export function kindsAnswered(orgKind: OrgKind, settings: Pick<ResolvedSettings, "kinds">): MeetingKind[] {
  return kindsAnsweredFor(orgKind).filter((k) => settings.kinds[k].enabled);
}

/** Branch-wide local rules. */
export interface BranchWideSettings {
  /** Unexcused absences (in the period looked at) that call for a talk with the 书记. */
  absenceAlertCount: number;
  /** Days without organisational life after which the 书记 is warned (well before six months). */
  lapseWarningDays: number;
  /** Days after a meeting by which its minutes should be written. */
  minutesDueDays: number;
  /**
   * Who may read a submitted 心得体会 besides its author: the committee (and the host) only,
   * or the whole branch. Drafts are always the author's own.
   */
  reflectionVisibility: ReflectionVisibility;
  /** 民主评议: the largest share of members the 支委会 may rate 优秀, in percent (rounded down, at least one). */
  reviewExcellentPercent: number;
}

export const REFLECTION_VISIBILITIES = ["committee", "branch"] as const;
export type ReflectionVisibility = (typeof REFLECTION_VISIBILITIES)[number];

export const DEFAULT_BRANCH_SETTINGS: Readonly<BranchWideSettings> = {
  absenceAlertCount: 3,
  lapseWarningDays: 120,
  minutesDueDays: 7,
  reflectionVisibility: "committee",
  reviewExcellentPercent: 30,
};

export interface ResolvedSettings extends BranchWideSettings {
  kinds: Record<MeetingKind, KindRule>;
}

/**
 * The least frequent cadence each kind may be set to. The 条例 fixes these; only the 党课
 * ("按期") and the 主题党日 are left to local rules.
 */
export const LEAST_FREQUENT_CADENCE: Record<MeetingKind, Cadence> = {
  general_assembly: "quarterly",
  committee_meeting: "monthly",
  group_meeting: "monthly",
  party_lecture: "yearly",
  theme_day: "none",
  life_meeting: "yearly",
  member_review: "yearly",
  party_committee: "none",
  general_committee: "none",
  central_study: "none",
  party_congress: "none",
};

/** Six consecutive months without organisational life counts as leaving the Party (党章). */
export const LAPSE_MONTHS = 6;

// ---------------------------------------------------------------------------------------------
// Settings schema (org_settings.settings jsonb) and resolution
// ---------------------------------------------------------------------------------------------

const WeekdayFixedDaySchema = z
  .object({
    weekday: z
      .number({ error: "请选择星期几" })
      .int("请选择星期几")
      .min(0, "请选择星期几")
      .max(6, "请选择星期几") as z.ZodType<Weekday>,
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)], {
      error: "请选择第几个（第一至第四个，或最后一个）",
    }),
  })
  .strict();

const DayOfMonthFixedDaySchema = z
  .object({
    dayOfMonth: z
      .number({ error: "请填写每月几号" })
      .int("每月几号应为整数")
      .min(1, "每月几号应在 1 到 28 之间")
      .max(28, "每月几号应在 1 到 28 之间（每个月都有的日子）"),
  })
  .strict();

export const FixedDaySchema: z.ZodType<FixedDay> = z.union([WeekdayFixedDaySchema, DayOfMonthFixedDaySchema], {
  error: "固定活动日格式不正确：应为“每月第几个星期几”或“每月几号”",
});

const CADENCE_ORDER: Record<Cadence, number> = {
  monthly: 0,
  bimonthly: 1,
  quarterly: 2,
  half_yearly: 3,
  yearly: 4,
  none: 5,
};

function cadenceSchemaFor(kind: MeetingKind) {
  const least = LEAST_FREQUENT_CADENCE[kind];
  return z
    .enum(CADENCES, { error: "请选择召开频次" })
    .refine(
      (c) => CADENCE_ORDER[c] <= CADENCE_ORDER[least],
      `${MEETING_KIND_LABEL[kind]}至少应${CADENCE_LABEL[least]}召开一次`,
    );
}

const FIELD_SCHEMAS = {
  enabled: z.boolean({ error: "请选择是否召开" }),
  attendees: z.enum(["members", "committee", "group"], { error: "请选择应到人员" }),
  inviteActivists: z.boolean({ error: "请选择是否邀请入党积极分子" }),
  // null removes a default fixed day (e.g. a 主题党日 without a fixed day)
  fixedDay: FixedDaySchema.nullable(),
  noticeDays: z
    .number({ error: "请填写提前通知天数" })
    .int("提前通知天数应为整数")
    .min(0, "提前通知天数不能为负数")
    .max(60, "提前通知天数最多 60 天"),
  attendanceThreshold: z
    .number({ error: "请填写出席率要求" })
    .min(0, "出席率要求应在 0% 到 100% 之间")
    .max(1, "出席率要求应在 0% 到 100% 之间"),
};

function kindOverrideSchema(kind: MeetingKind) {
  return z.object({
    enabled: FIELD_SCHEMAS.enabled.optional(),
    cadence: cadenceSchemaFor(kind).optional(),
    attendees: FIELD_SCHEMAS.attendees.optional(),
    inviteActivists: FIELD_SCHEMAS.inviteActivists.optional(),
    fixedDay: FIELD_SCHEMAS.fixedDay.optional(),
    noticeDays: FIELD_SCHEMAS.noticeDays.optional(),
    attendanceThreshold: FIELD_SCHEMAS.attendanceThreshold.optional(),
  });
}

const BRANCH_FIELD_SCHEMAS = {
  absenceAlertCount: z
    .number({ error: "请填写缺席提醒次数" })
    .int("缺席提醒次数应为整数")
    .min(1, "缺席提醒次数至少为 1")
    .max(20, "缺席提醒次数最多为 20"),
  lapseWarningDays: z
    .number({ error: "请填写预警天数" })
    .int("预警天数应为整数")
    .min(7, "预警天数至少为 7 天")
    .max(150, "预警天数最多 150 天：须在满六个月之前留出处理时间"),
  minutesDueDays: z
    .number({ error: "请填写会议记录完成期限" })
    .int("会议记录完成期限应为整数")
    .min(1, "会议记录完成期限至少为 1 天")
    .max(60, "会议记录完成期限最多 60 天"),
  reflectionVisibility: z.enum(REFLECTION_VISIBILITIES, { error: "请选择心得体会的查看范围" }),
  reviewExcellentPercent: z
    .number({ error: "请填写优秀比例上限" })
    .int("优秀比例上限应为整数")
    .min(1, "优秀比例上限应在 1% 到 100% 之间")
    .max(100, "优秀比例上限应在 1% 到 100% 之间"),
};

const KindsOverrideSchema = z.object(
  Object.fromEntries(MEETING_KINDS.map((k) => [k, kindOverrideSchema(k).optional()])) as {
    [K in MeetingKind]: z.ZodOptional<ReturnType<typeof kindOverrideSchema>>;
  },
);

/**
 * The overrides a branch stores in org_settings.settings: only what differs from the defaults,
 * e.g. `{ "kinds": { "theme_day": { "fixedDay": { "dayOfMonth": 15 } } }, "absenceAlertCount": 2 }`.
 * Unknown keys are dropped. Use it to validate the settings form; read stored values with
 * resolveSettings, which never fails.
 */
export const BranchSettingsSchema = z.object({
  kinds: KindsOverrideSchema.optional(),
  absenceAlertCount: BRANCH_FIELD_SCHEMAS.absenceAlertCount.optional(),
  lapseWarningDays: BRANCH_FIELD_SCHEMAS.lapseWarningDays.optional(),
  minutesDueDays: BRANCH_FIELD_SCHEMAS.minutesDueDays.optional(),
  reflectionVisibility: BRANCH_FIELD_SCHEMAS.reflectionVisibility.optional(),
  reviewExcellentPercent: BRANCH_FIELD_SCHEMAS.reviewExcellentPercent.optional(),
});
export type BranchSettings = z.infer<typeof BranchSettingsSchema>;
export type KindRuleOverride = z.infer<ReturnType<typeof kindOverrideSchema>>;

function copyRule(r: Readonly<KindRule>): KindRule {
  const { fixedDay, ...rest } = r;
  return fixedDay ? { ...rest, fixedDay: { ...fixedDay } } : { ...rest };
}

/** A fresh copy of the defaults (for an organisation of this kind: see ORG_KIND_DEFAULTS). */
export function defaultSettings(orgKind?: OrgKind): ResolvedSettings {
  return {
    kinds: Object.fromEntries(MEETING_KINDS.map((k) => [k, copyRule(defaultRule(k, orgKind))])) as Record<
      MeetingKind,
      KindRule
    >,
    ...DEFAULT_BRANCH_SETTINGS,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Merges stored overrides with the defaults. Each field is checked on its own: an invalid or
 * unknown value (old data, hand-edited jsonb) is ignored and the default used, so one bad field
 * never discards the rest, and this never throws.
 */
export function resolveSettings(overrides: unknown, orgKind?: OrgKind): ResolvedSettings {
  const out = defaultSettings(orgKind);
  try {
    if (!isRecord(overrides)) return out;
    for (const key of Object.keys(BRANCH_FIELD_SCHEMAS) as (keyof BranchWideSettings)[]) {
      const r = BRANCH_FIELD_SCHEMAS[key].safeParse(overrides[key]);
      if (r.success) (out as unknown as Record<string, unknown>)[key] = r.data;
    }
    const kinds = overrides.kinds;
    if (!isRecord(kinds)) return out;
    for (const kind of MEETING_KINDS) {
      const o = kinds[kind];
      if (!isRecord(o)) continue;
      const rule = out.kinds[kind];
      const enabled = FIELD_SCHEMAS.enabled.safeParse(o.enabled);
      if (enabled.success && OPTIONAL_KINDS.includes(kind)) rule.enabled = enabled.data;
      const cadence = cadenceSchemaFor(kind).safeParse(o.cadence);
      if (cadence.success) rule.cadence = cadence.data;
      const attendees = FIELD_SCHEMAS.attendees.safeParse(o.attendees);
      if (attendees.success) rule.attendees = attendees.data;
      const invite = FIELD_SCHEMAS.inviteActivists.safeParse(o.inviteActivists);
      if (invite.success) rule.inviteActivists = invite.data;
      if ("fixedDay" in o) {
        const fixed = FIELD_SCHEMAS.fixedDay.safeParse(o.fixedDay);
        if (fixed.success) {
          if (fixed.data === null) delete rule.fixedDay;
          else rule.fixedDay = { ...fixed.data };
        }
      }
      const notice = FIELD_SCHEMAS.noticeDays.safeParse(o.noticeDays);
      if (notice.success) rule.noticeDays = notice.data;
      const threshold = FIELD_SCHEMAS.attendanceThreshold.safeParse(o.attendanceThreshold);
      if (threshold.success) rule.attendanceThreshold = threshold.data;
    }
    return out;
  } catch {
    // e.g. a getter that throws on a strange object: fall back to the defaults
    return defaultSettings(orgKind);
  }
}

function sameFixedDay(a: FixedDay | undefined, b: FixedDay | undefined): boolean {
  if (!a || !b) return a === b;
  if ("dayOfMonth" in a) return "dayOfMonth" in b && a.dayOfMonth === b.dayOfMonth;
  return "weekday" in b && a.weekday === b.weekday && a.nth === b.nth;
}

/** The minimal overrides to store for resolved settings (only what differs from the defaults). */
export function settingsOverrides(s: ResolvedSettings, orgKind?: OrgKind): BranchSettings {
  const out: BranchSettings = {};
  for (const key of Object.keys(DEFAULT_BRANCH_SETTINGS) as (keyof BranchWideSettings)[]) {
    if (s[key] !== DEFAULT_BRANCH_SETTINGS[key]) (out as Record<string, unknown>)[key] = s[key];
  }
  const kinds: Record<string, KindRuleOverride> = {};
  for (const kind of MEETING_KINDS) {
    const d = defaultRule(kind, orgKind);
    const r = s.kinds[kind];
    const o: KindRuleOverride = {};
    if (r.enabled !== d.enabled) o.enabled = r.enabled;
    if (r.cadence !== d.cadence) o.cadence = r.cadence;
    if (r.attendees !== d.attendees) o.attendees = r.attendees;
    if (r.inviteActivists !== d.inviteActivists) o.inviteActivists = r.inviteActivists;
    if (!sameFixedDay(r.fixedDay, d.fixedDay)) o.fixedDay = r.fixedDay ? { ...r.fixedDay } : null;
    if (r.noticeDays !== d.noticeDays) o.noticeDays = r.noticeDays;
    if (r.attendanceThreshold !== d.attendanceThreshold) o.attendanceThreshold = r.attendanceThreshold;
    if (Object.keys(o).length > 0) kinds[kind] = o;
  }
  if (Object.keys(kinds).length > 0) out.kinds = kinds as BranchSettings["kinds"];
  return out;
}

// ---------------------------------------------------------------------------------------------
// China-time calendar helpers
// ---------------------------------------------------------------------------------------------

// The calendar arithmetic lives in shared/time.ts; cadence's callers keep importing it from here.
export {
  addMonthsClamped,
  chinaDate,
  chinaDateKey,
  chinaDayStart,
  chinaParts,
  chinaTime,
  dateInWords,
  daysBetween,
  daysInMonth,
  isLeapYear,
  type LocalParts,
} from "../time";

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * The nth weekday of a month (month 1–12, weekday 0 = Sunday, nth -1 = the last), at local midnight.
 */
export function nthWeekdayOfMonth(year: number, month: number, weekday: Weekday, nth: NthWeekday): Date {
  if (nth === -1) {
    const last = daysInMonth(year, month);
    const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
    return chinaTime(year, month, last - ((lastWeekday - weekday + 7) % 7));
  }
  if (![1, 2, 3, 4].includes(nth)) throw new RangeError(`nth must be 1–4 or -1, got ${nth}`);
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return chinaTime(year, month, 1 + ((weekday - firstWeekday + 7) % 7) + (nth - 1) * 7);
}

/** The day a fixed-day rule gives in a month, at local midnight. */
export function fixedDayInMonth(year: number, month: number, fixed: FixedDay): Date {
  if ("dayOfMonth" in fixed) return chinaTime(year, month, Math.min(fixed.dayOfMonth, daysInMonth(year, month)));
  return nthWeekdayOfMonth(year, month, fixed.weekday, fixed.nth);
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

export interface Period {
  /** "2026-03", "2026-Q1", "2026-H1" or "2026". */
  key: string;
  /** Local midnight of the first day (inclusive). */
  start: Date;
  /** Local midnight of the day after the last (exclusive). */
  end: Date;
}

const PERIOD_MONTHS: Record<PeriodCadence, number> = {
  monthly: 1,
  bimonthly: 2,
  quarterly: 3,
  half_yearly: 6,
  yearly: 12,
};

function periodStarting(cadence: PeriodCadence, year: number, firstMonth: number): Period {
  const n = PERIOD_MONTHS[cadence];
  const index = Math.floor((firstMonth - 1) / n) + 1;
  const key =
    cadence === "monthly"
      ? `${year}-${pad2(firstMonth)}`
      : cadence === "bimonthly"
        ? `${year}-B${index}`
        : cadence === "quarterly"
          ? `${year}-Q${index}`
          : cadence === "half_yearly"
            ? `${year}-H${index}`
            : `${year}`;
  return { key, start: chinaTime(year, firstMonth, 1), end: chinaTime(year, firstMonth + n, 1) };
}

/** The period of a cadence that contains an instant (by its China-time date). */
export function periodOf(cadence: PeriodCadence, date: Date): Period {
  const { year, month } = chinaParts(date);
  const n = PERIOD_MONTHS[cadence];
  return periodStarting(cadence, year, Math.floor((month - 1) / n) * n + 1);
}

/** The periods of a cadence in a calendar year, in order; none for "none". */
export function periodsInYear(cadence: Cadence, year: number): Period[] {
  if (cadence === "none") return [];
  const n = PERIOD_MONTHS[cadence];
  const out: Period[] = [];
  for (let m = 1; m <= 12; m += n) out.push(periodStarting(cadence, year, m));
  return out;
}

/** The periods of a cadence that overlap [start, end), in order; none for "none". */
export function periodsBetween(cadence: Cadence, start: Date, end: Date): Period[] {
  if (cadence === "none" || end.getTime() <= start.getTime()) return [];
  const out: Period[] = [];
  let p = periodOf(cadence, start);
  while (p.start.getTime() < end.getTime()) {
    out.push(p);
    p = periodOf(cadence, p.end);
  }
  return out;
}

const QUARTER_LABEL = ["第一季度", "第二季度", "第三季度", "第四季度"];

/** A period in words: "2027年3月", "2027年1—2月", "2027年第一季度", "2027年上半年", "2027年度". */
export function periodLabel(period: Period): string {
  const m = /^(\d{4})(?:-(?:(\d{2})|Q(\d)|H(\d)|B(\d)))?$/.exec(period.key);
  if (!m) return period.key;
  const [, y, month, q, h, b] = m;
  if (month) return `${y}年${Number(month)}月`;
  if (b) return `${y}年${Number(b) * 2 - 1}—${Number(b) * 2}月`;
  if (q) return `${y}年${QUARTER_LABEL[Number(q) - 1]}`;
  if (h) return `${y}年${h === "1" ? "上半年" : "下半年"}`;
  return `${y}年度`;
}

// ---------------------------------------------------------------------------------------------
// The annual plan (年度计划)
// ---------------------------------------------------------------------------------------------

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
};

/** Order of placement: fixed days first (in kind order), then these. */
const PLACEMENT_ORDER: MeetingKind[] = [
  "life_meeting",
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
