import { z } from "zod";
import { idField, UUID_PATTERN } from "../ids";
import { chinaDate } from "../time";

// Forms of the 整改清单 page (app/routes/orgs.$orgId.rectification.tsx). The services check the
// content again (deadline not past, owner in the branch, state, rights); these give the shape and
// the first Chinese message.

export const RECTIFICATION_STATUSES = ["open", "reported", "returned", "closed"] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export const RECTIFICATION_STATUS_LABEL: Record<RectificationStatus, string> = {
  open: "整改中",
  reported: "待书记确认",
  returned: "已退回",
  closed: "已销号",
};

export const SCOPE_LABEL = {
  committee: "仅支委和责任人",
  branch: "全支部党员",
} as const;

export const LIMITS = { problem: 500, measures: 1000, commitment: 500, note: 1000, returnNote: 500 } as const;
export const REMIND_DAYS = { min: 1, max: 60, default: 7 } as const;

const text = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}最长 ${max} 字`);

/** "" or absent: the branch itself owns the item. */
const owner = z
  .string()
  .trim()
  .optional()
  .transform((s) => (s ? s : null))
  .pipe(idField("请选择责任人").nullable());

const deadline = z
  .string({ error: "请选择完成时限" })
  .trim()
  .min(1, "请选择完成时限")
  .refine((s) => chinaDate(s) !== null, "完成时限格式应为 2027-03-31");

/**
 * A criticism at a 组织生活会, as the 整改清单 names it: meeting, person criticised and the
 * criticism's neutral key in that person's note (docs/decisions/035). Never the author.
 */
export const CRITICISM_REF_RE = new RegExp(`^(${UUID_PATTERN}):(${UUID_PATTERN}):([0-9a-f]{16})$`, "i");
export const criticismRef = (meetingId: string, personId: string, key: string) => `${meetingId}:${personId}:${key}`;
export function parseCriticismRef(ref: string): { meetingId: string; personId: string; key: string } | null {
  const m = CRITICISM_REF_RE.exec(ref.trim());
  return m ? { meetingId: m[1].toLowerCase(), personId: m[2].toLowerCase(), key: m[3].toLowerCase() } : null;
}

const optionalId = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((s) => (s ? s : null))
    .pipe(idField(message).nullable());

export const RectificationActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("create"),
      problem: text("问题", LIMITS.problem),
      measures: text("整改措施", LIMITS.measures),
      ownerId: owner,
      deadline,
      commitment: text("整改承诺", LIMITS.commitment),
      meetingId: optionalId("所属会议无效"),
      /** The 问题清单 item it is made from, if any. */
      problemId: optionalId("来源问题无效"),
      /** The 征求意见 opinion it is made from, if any (docs/decisions/032). */
      opinionId: optionalId("来源意见无效"),
      /** The criticism it is made from, if any: criticismRef(meeting, person, key). */
      criticism: z
        .string()
        .trim()
        .optional()
        .transform((s) => (s ? s : null))
        .pipe(z.string().regex(CRITICISM_REF_RE, "来源批评意见无效").nullable()),
    }),
    z.object({
      intent: z.literal("edit"),
      itemId: idField("整改事项无效"),
      problem: text("问题", LIMITS.problem),
      measures: text("整改措施", LIMITS.measures),
      ownerId: owner,
      deadline,
      commitment: text("整改承诺", LIMITS.commitment),
    }),
    z.object({
      intent: z.literal("problem"),
      text: text("问题", LIMITS.problem),
      personId: optionalId("请选择相关党员"),
      meetingId: optionalId("所属会议无效"),
    }),
    z.object({
      intent: z.literal("report"),
      itemId: idField("整改事项无效"),
      note: text("整改完成情况", LIMITS.note),
    }),
    z.object({ intent: z.literal("confirm"), itemId: idField("整改事项无效") }),
    z.object({
      intent: z.literal("return"),
      itemId: idField("整改事项无效"),
      note: text("退回意见", LIMITS.returnNote),
    }),
    z.object({
      intent: z.literal("settings"),
      scope: z.enum(["committee", "branch"], { error: "请选择公开范围" }),
      remindDays: z.coerce
        .number({ error: "提前提醒天数应为数字" })
        .int("提前提醒天数应为整数")
        .min(REMIND_DAYS.min, `提前提醒天数应在 ${REMIND_DAYS.min}–${REMIND_DAYS.max} 天之间`)
        .max(REMIND_DAYS.max, `提前提醒天数应在 ${REMIND_DAYS.min}–${REMIND_DAYS.max} 天之间`),
    }),
  ],
  { error: "无法识别的操作" },
);
export type RectificationAction = z.infer<typeof RectificationActionSchema>;
