import { z } from "zod";
import { idField } from "../ids";

// Forms of the 征求意见 page (app/routes/meetings.$meetingId_.opinions.tsx). The service checks the
// content again (the person in the branch, the stage still open, the rights); these give the shape
// and the first Chinese message.

export const OPINION_ABOUT = ["general", "committee", "person"] as const;
export type OpinionAbout = (typeof OPINION_ABOUT)[number];

export const OPINION_ABOUT_LABEL: Record<OpinionAbout, string> = {
  general: "向支委会提出",
  committee: "对支委会的意见",
  person: "对党员个人的意见",
};

export const OPINION_MAX = 500;

const opinionText = z
  .string({ error: "请填写意见内容" })
  .trim()
  .min(1, "请填写意见内容")
  .max(OPINION_MAX, `意见最长 ${OPINION_MAX} 字`);

const about = z.enum(OPINION_ABOUT, { error: "请选择意见针对谁" });

/** "" or absent when the opinion is not about a person. */
const person = z
  .string()
  .trim()
  .optional()
  .transform((s) => (s ? s : null))
  .pipe(idField("请选择党员").nullable());

const send = {
  about,
  aboutPersonId: person,
  text: opinionText,
};

export const OpinionActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("send"), ...send }).refine((v) => v.about !== "person" || v.aboutPersonId !== null, {
      message: "请选择意见针对的党员",
      path: ["aboutPersonId"],
    }),
    z.object({ intent: z.literal("masses"), ...send }).refine((v) => v.about !== "person" || v.aboutPersonId !== null, {
      message: "请选择意见针对的党员",
      path: ["aboutPersonId"],
    }),
    z.object({
      intent: z.literal("sort"),
      opinionId: idField("意见无效"),
      text: z
        .string({ error: "请填写问题" })
        .trim()
        .min(1, "请填写问题")
        .max(OPINION_MAX, `问题最长 ${OPINION_MAX} 字`),
    }),
    z.object({ intent: z.literal("pass"), opinionId: idField("意见无效") }),
  ],
  { error: "无法识别的操作" },
);
export type OpinionAction = z.infer<typeof OpinionActionSchema>;
