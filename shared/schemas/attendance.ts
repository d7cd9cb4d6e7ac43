import { z } from "zod";
import { idField as id } from "../ids";

// Forms of the attendance page (/meetings/<id>/attendance) and of make-up study (/makeup).
// The services check the content again (window, code, lengths); these give the shape and the
// first Chinese message.

export const ATTENDANCE_STATUSES = ["present", "late", "left_early", "absent", "leave"] as const;
export const ATTENDANCE_MODES = ["onsite", "online"] as const;

export const AttendanceActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("signin"),
      code: z
        .string({ error: "请输入签到码" })
        .transform((s) => s.replace(/\s/g, ""))
        .pipe(
          z
            .string()
            .min(1, "请输入签到码")
            .regex(/^\d{6}$/, "签到码是 6 位数字"),
        ),
    }),
    z.object({
      intent: z.literal("leave"),
      reason: z.string({ error: "请填写请假原因" }).trim().min(2, "请填写请假原因").max(200, "请假原因最长 200 字"),
    }),
    z.object({
      intent: z.literal("correct"),
      userId: id("无效的人员"),
      status: z.enum(ATTENDANCE_STATUSES, { error: "请选择考勤状态" }),
      // 现场 / 线上 for someone who came (decision 028); left out, the record's own is kept.
      mode: z.preprocess(
        (v) => (v === "" ? undefined : v),
        z.enum(ATTENDANCE_MODES, { error: "请选择参会方式（现场或线上）" }).optional(),
      ),
      reason: z.string({ error: "请填写更正原因" }).trim().min(2, "请填写更正原因").max(200, "更正原因最长 200 字"),
    }),
    z.object({
      intent: z.literal("decide"),
      leaveId: id("无效的请假申请"),
      approve: z.enum(["yes", "no"], { error: "请选择批准或不批准" }),
      note: z.string().trim().max(200, "备注最长 200 字").default(""),
    }),
    z.object({ intent: z.literal("close") }),
    z.object({ intent: z.literal("start") }),
  ],
  { error: "无法识别的操作" },
);

export const MakeupActionSchema = z.object({
  intent: z.literal("complete", { error: "无法识别的操作" }),
  taskId: id("无效的补学任务"),
  note: z.string().trim().max(500, "学习心得最长 500 字").default(""),
});
