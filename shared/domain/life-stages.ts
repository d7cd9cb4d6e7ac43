// The stages of a 组织生活会 (and of a 民主生活会), in order, as its meeting page shows them
// (issue 16 §1). Each stage is computed by the service that owns its records
// (server/services/life/*) and reports what is done, what is missing and who is missing: no
// ranking, no points, no percentages per person.

export const LIFE_STAGES = ["study", "opinions", "talks", "examination", "meeting", "rectification"] as const;
export type LifeStageKey = (typeof LIFE_STAGES)[number];

export const LIFE_STAGE_LABEL: Record<LifeStageKey, string> = {
  study: "学习",
  opinions: "征求意见",
  talks: "谈心谈话",
  examination: "对照检查",
  meeting: "会议",
  rectification: "整改",
};

export type LifeStageState = "todo" | "doing" | "done";

export interface LifeStage {
  key: LifeStageKey;
  state: LifeStageState;
  /** Short lines of what is done, e.g. "收到意见 6 条". */
  done: string[];
  /** Short lines of what is missing, e.g. "2 对谈话未记录". */
  missing: string[];
  /** Who still owes something in this stage (names only, in roll order; never a ranking). */
  missingPeople: { id: string; name: string }[];
  /** Where the stage's own page is, for those who may open it. */
  href: string | null;
}
