import { z } from "zod";
import { idField } from "../ids";
import { documentSubmitSchema, REVIEW_COMMENT_MAX, REVIEW_COMMENT_MIN } from "./reflections";

// Forms of the 对照检查材料 pages (docs/decisions/034): the author's submission (as the 心得体会's),
// the reviewer's return (a comment and notes on passages) or acceptance, and the branch's settings
// (who reviews, its own template texts). The services check again; these give the first message.

/** A material shorter than this (in 字) cannot be submitted. */
export const EXAMINATION_MIN_WORDS = 100;
export const EXAMINATION_MAX_WORDS = 20_000;
/** A note on one passage. */
export const PASSAGE_COMMENT_MAX = 300;
/** Notes on passages per return. */
export const PASSAGE_COMMENTS_MAX = 20;
export const BOILERPLATE_TITLE_MAX = 60;
export const BOILERPLATE_TEXT = { min: 20, max: 2000 } as const;

export const ExaminationSubmitSchema = documentSubmitSchema("对照检查材料");

export const ExaminationReviewSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("accept") }),
    // The notes on passages come as fields note.<paragraph> (passageNotes reads them).
    z.object({
      intent: z.literal("return"),
      comment: z
        .string({ error: "请填写退回意见" })
        .trim()
        .max(REVIEW_COMMENT_MAX, `退回意见最长 ${REVIEW_COMMENT_MAX} 字`),
    }),
  ],
  { error: "无法识别的操作" },
);

/** The notes on passages of a return form (fields note.<n>), in paragraph order, empty ones left out. */
export function passageNotes(form: Record<string, unknown>): { paragraph: number; comment: string }[] | string {
  const out: { paragraph: number; comment: string }[] = [];
  for (const [key, value] of Object.entries(form)) {
    const m = /^note\.(\d{1,4})$/.exec(key);
    if (!m || typeof value !== "string" || !value.trim()) continue;
    const comment = value.trim();
    if (comment.length > PASSAGE_COMMENT_MAX) return `段落意见每条最长 ${PASSAGE_COMMENT_MAX} 字`;
    out.push({ paragraph: Number(m[1]), comment });
  }
  if (out.length > PASSAGE_COMMENTS_MAX) return `一次最多对 ${PASSAGE_COMMENTS_MAX} 个段落提出意见`;
  return out.sort((a, b) => a.paragraph - b.paragraph);
}

export { REVIEW_COMMENT_MAX, REVIEW_COMMENT_MIN };

export const ExaminationSettingsSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("reviewer"),
      // Empty: the 书记 reviews.
      reviewerId: z.union([z.literal(""), idField("请选择审阅人")]),
    }),
    z.object({
      intent: z.literal("boilerplate-add"),
      title: z
        .string({ error: "请填写模板名称" })
        .trim()
        .min(1, "请填写模板名称")
        .max(BOILERPLATE_TITLE_MAX, `模板名称最长 ${BOILERPLATE_TITLE_MAX} 字`),
      text: z
        .string({ error: "请填写模板正文" })
        .trim()
        .min(BOILERPLATE_TEXT.min, `模板正文至少 ${BOILERPLATE_TEXT.min} 字`)
        .max(BOILERPLATE_TEXT.max, `模板正文最长 ${BOILERPLATE_TEXT.max} 字`),
    }),
    z.object({ intent: z.literal("boilerplate-remove"), id: idField("没有找到这条模板") }),
  ],
  { error: "无法识别的操作" },
);
