import { z } from "zod";
import { GRANT_DAYS } from "../domain/life-cycle";
import { idField } from "../ids";
import { chinaDate } from "../time";

// Forms of the 组织生活会 cycle on the meeting page (app/routes/meetings.$meetingId_.life.tsx): the
// study, the reports upward, 列席 from above and asking to read from above. The services check
// rights and state again; these give the shape and the first Chinese message.

const text = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}最长 ${max} 字`);

export const AskAboveSchema = z.object({
  reason: text("调阅理由", 500),
  days: z.coerce
    .number({ error: "调阅期限应为数字" })
    .int("调阅期限应为整数天")
    .min(GRANT_DAYS.min, `调阅期限应在 ${GRANT_DAYS.min}–${GRANT_DAYS.max} 天之间`)
    .max(GRANT_DAYS.max, `调阅期限应在 ${GRANT_DAYS.min}–${GRANT_DAYS.max} 天之间`),
});
export type AskAbove = z.infer<typeof AskAboveSchema>;

export const OfflineStudySchema = z.object({
  topic: text("学习内容", 200),
  studiedOn: z
    .string({ error: "请填写学习日期" })
    .trim()
    .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && chinaDate(s) !== null, "请填写有效的学习日期"),
  hours: z.coerce
    .number({ error: "学习时长应为数字" })
    .positive("学习时长应大于 0")
    .max(24, "学习时长最多 24 小时")
    .refine((h) => Math.round(h * 10) === h * 10, "学习时长精确到 0.1 小时"),
});
export type OfflineStudy = z.infer<typeof OfflineStudySchema>;

export const LifeActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("link-study"), studyMeetingId: idField("请选择要关联的学习") }),
    z.object({ intent: z.literal("unlink-study"), studyMeetingId: idField("请选择要取消的学习") }),
    OfflineStudySchema.extend({ intent: z.literal("offline-study") }),
    z.object({ intent: z.literal("report-plan") }),
    z.object({ intent: z.literal("report-outcome") }),
    z.object({ intent: z.literal("attend-above") }),
    AskAboveSchema.extend({ intent: z.literal("ask-above") }),
    z.object({ intent: z.literal("end-above"), grantId: idField("请选择要结束的调阅") }),
  ],
  { error: "无法识别的操作" },
);
export type LifeAction = z.infer<typeof LifeActionSchema>;
