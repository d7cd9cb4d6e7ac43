import { z } from "zod";
import { MEETING_KINDS, MEETING_KIND_LABEL, OPTIONAL_KINDS, type MeetingKind, type OrgKind } from "./labels";
import {
  CADENCE_LABEL,
  CADENCES,
  DEFAULT_BRANCH_SETTINGS,
  defaultRule,
  LEAST_FREQUENT_CADENCE,
  REFLECTION_VISIBILITIES,
  CRITICISM_AUTHORS_SETTINGS,
  type BranchWideSettings,
  type Cadence,
  type FixedDay,
  type KindRule,
  type ResolvedSettings,
} from "./kind-rules";
import type { Weekday } from "../time";

// A branch's local rules as stored in org_settings.settings (jsonb): only what differs from the
// defaults of kind-rules.ts. The schema validates the settings form; resolveSettings reads stored
// values and never fails; settingsOverrides gives back the minimal overrides to store.

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
  criticismAuthors: z.enum(CRITICISM_AUTHORS_SETTINGS, { error: "请选择谁能看到批评意见的提出人" }),
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
  criticismAuthors: BRANCH_FIELD_SCHEMAS.criticismAuthors.optional(),
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
