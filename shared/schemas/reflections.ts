import { z } from "zod";
import type { ReflectionStatus } from "../permissions";
import { parseChinaDateTimeValue } from "../time";

// Forms of the 心得体会 pages: the author's submission, the reviewer's accept / return, and the
// overview's deadline and reminder. The services check the content again (deadline, lengths,
// rights); these give the shape and the first Chinese message.

export const REFLECTION_STATUS_LABEL: Record<ReflectionStatus, string> = {
  draft: "草稿",
  submitted: "已提交",
  returned: "已退回",
  accepted: "已通过",
};

/** The client's document state posted with a submission: at most 1 MB (as base64, about 1.4 MB). */
export const MAX_UPDATE_BYTES = 1_000_000;
const MAX_UPDATE_BASE64 = Math.ceil(MAX_UPDATE_BYTES / 3) * 4;

/** A review comment, 2–500 characters. */
export const REVIEW_COMMENT_MIN = 2;
export const REVIEW_COMMENT_MAX = 500;

function decodeBase64(s: string): Uint8Array | null {
  try {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** The submit form of a document its author writes live (心得体会, 对照检查材料): the editor's state. */
export const documentSubmitSchema = (label: string) =>
  z.object({
    intent: z.literal("submit", { error: "无法识别的操作" }),
    // Empty when the page ran without JavaScript: the server then reads the live document as stored.
    update: z
      .string()
      .trim()
      .max(MAX_UPDATE_BASE64, `${label}内容过长，请精简后再提交`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "提交的内容无法读取，请刷新页面后重试")
      .optional()
      .transform((s, ctx) => {
        if (!s) return undefined;
        const bytes = decodeBase64(s);
        if (!bytes) {
          ctx.addIssue({ code: "custom", message: "提交的内容无法读取，请刷新页面后重试" });
          return z.NEVER;
        }
        return bytes;
      }),
  });

export const ReflectionSubmitSchema = documentSubmitSchema("心得体会");

export const ReflectionReviewSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("accept") }),
    z.object({
      intent: z.literal("return"),
      comment: z
        .string({ error: "请填写退回意见" })
        .trim()
        .min(REVIEW_COMMENT_MIN, "请填写退回意见，说明需要修改的地方")
        .max(REVIEW_COMMENT_MAX, `退回意见最长 ${REVIEW_COMMENT_MAX} 字`),
    }),
  ],
  { error: "无法识别的操作" },
);

// The deadline field is a datetime-local in China time (shared/time.ts reads and writes it).

export const ReflectionOverviewActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("remind") }),
    z.object({
      intent: z.literal("deadline"),
      deadline: z
        .string({ error: "请选择截止时间" })
        .trim()
        .min(1, "请选择截止时间")
        .transform((s, ctx) => {
          const d = parseChinaDateTimeValue(s);
          if (!d) {
            ctx.addIssue({ code: "custom", message: "截止时间格式应为 2026-07-01 18:00" });
            return z.NEVER;
          }
          return d;
        }),
    }),
    z.object({ intent: z.literal("clear-deadline") }),
  ],
  { error: "无法识别的操作" },
);
