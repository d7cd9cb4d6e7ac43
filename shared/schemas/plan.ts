import { z } from "zod";
import { FixedDaySchema } from "../domain/org-settings";
import { MEETING_KINDS } from "../domain/labels";
import { EVERY_MONTHS, type EveryMonths } from "../domain/recurrence";
import { blankToUndefined, dateField, isHttpUrl, personId, timeField } from "./meetings";
import { chinaDateTime } from "../time";
import { idField } from "../ids";

// The annual plan (年度计划) and recurring series forms. Each plan row is checked on its own so
// the page can mark every bad row at once; the series form is one object.

const title = z
  .string({ error: "请填写会议主题" })
  .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(z.string().min(2, "会议主题至少 2 个字").max(80, "会议主题最长 80 个字"));

const place = {
  location: z.preprocess(blankToUndefined, z.string().trim().max(100, "地点最长 100 个字").optional()),
  onlineUrl: z.preprocess(
    blankToUndefined,
    z.string().trim().max(2000, "链接太长").refine(isHttpUrl, "线上会议链接应以 http:// 或 https:// 开头").optional(),
  ),
};

/** Where the plan's meetings are held unless a row is changed later. */
export const PlanPlaceSchema = z
  .object(place)
  .refine((v) => v.location || v.onlineUrl, { message: "请填写默认地点或线上会议链接", path: ["location"] })
  .transform((v) => ({ location: v.location ?? null, onlineUrl: v.onlineUrl ?? null }));

export const PlanRowSchema = z
  .object({
    kind: z.enum(MEETING_KINDS, { error: "会议类型有误，请刷新页面" }),
    orgId: idField("组织有误，请刷新页面"),
    title,
    date: dateField,
    startTime: timeField("开始时间"),
    endTime: timeField("结束时间"),
  })
  .transform((v, ctx) => {
    const startsAt = chinaDateTime(v.date, v.startTime);
    const endsAt = chinaDateTime(v.date, v.endTime);
    if (endsAt <= startsAt) {
      ctx.addIssue({ code: "custom", path: ["endTime"], message: "结束时间应晚于开始时间" });
      return z.NEVER;
    }
    return { kind: v.kind, orgId: v.orgId.toLowerCase(), title: v.title, startsAt, endsAt };
  });
export type PlanRow = z.output<typeof PlanRowSchema>;

export const PlanYearSchema = z.coerce
  .number({ error: "年份有误" })
  .int("年份有误")
  .min(2000, "年份有误")
  .max(2100, "年份有误");

export const MAX_PLAN_ROWS = 200;

/** The rows a plan form posts as rows.<i>.<field>, in order; `include` unticked rows are left out. */
export function planRowsFromForm(
  form: FormData,
): { index: number; include: boolean; fields: Record<string, string> }[] {
  const indexes = new Set<number>();
  for (const key of form.keys()) {
    const m = /^rows\.(\d{1,3})\./.exec(key);
    if (m) indexes.add(Number(m[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .slice(0, MAX_PLAN_ROWS)
    .map((index) => {
      const fields: Record<string, string> = {};
      for (const f of ["kind", "orgId", "title", "date", "startTime", "endTime"]) {
        const v = form.get(`rows.${index}.${f}`);
        if (typeof v === "string") fields[f] = v;
      }
      return { index, include: form.get(`rows.${index}.include`) === "on", fields };
    });
}

// ---------------------------------------------------------------------------------------------
// Recurring series

const everyMonths = z.coerce
  .number({ error: "请选择重复频率" })
  .refine((n): n is EveryMonths => (EVERY_MONTHS as readonly number[]).includes(n), "请选择重复频率");

export const SeriesFormSchema = z
  .object({
    kind: z.enum(MEETING_KINDS, { error: "请选择会议类型" }),
    title,
    everyMonths,
    pattern: z.enum(["weekday", "dayOfMonth"], { error: "请选择按星期还是按日期重复" }),
    nth: z.string().optional(),
    weekday: z.string().optional(),
    dayOfMonth: z.string().optional(),
    from: dateField,
    until: dateField,
    startTime: timeField("开始时间"),
    endTime: timeField("结束时间"),
    ...place,
    hostId: personId("请选择主持人"),
    recorderId: z.preprocess(blankToUndefined, personId("请选择记录人").optional()),
  })
  .transform((v, ctx) => {
    const day = FixedDaySchema.safeParse(
      v.pattern === "weekday"
        ? { weekday: Number(v.weekday), nth: Number(v.nth) }
        : { dayOfMonth: v.dayOfMonth === undefined || v.dayOfMonth === "" ? NaN : Number(v.dayOfMonth) },
    );
    if (!day.success) {
      ctx.addIssue({ code: "custom", path: [v.pattern], message: day.error.issues[0].message });
      return z.NEVER;
    }
    if (chinaDateTime(v.from, v.endTime) <= chinaDateTime(v.from, v.startTime)) {
      ctx.addIssue({ code: "custom", path: ["endTime"], message: "结束时间应晚于开始时间" });
      return z.NEVER;
    }
    if (v.until < v.from) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "结束日期应不早于开始日期" });
      return z.NEVER;
    }
    const twoYears = chinaDateTime(v.from, "00:00").getTime() + 731 * 86_400_000;
    if (chinaDateTime(v.until, "00:00").getTime() > twoYears) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "一个系列最长两年，请缩短日期范围" });
      return z.NEVER;
    }
    if (!v.location && !v.onlineUrl) {
      ctx.addIssue({ code: "custom", path: ["location"], message: "请填写地点或线上会议链接" });
      return z.NEVER;
    }
    return {
      kind: v.kind,
      title: v.title,
      rule: {
        everyMonths: v.everyMonths as EveryMonths,
        day: day.data,
        from: v.from,
        until: v.until,
        startTime: v.startTime,
        endTime: v.endTime,
      },
      location: v.location ?? null,
      onlineUrl: v.onlineUrl ?? null,
      hostId: v.hostId.toLowerCase(),
      recorderId: v.recorderId?.toLowerCase() ?? null,
    };
  });
export type SeriesInput = z.output<typeof SeriesFormSchema>;
