import type { MeetingKind } from "./labels";

// Which meeting kinds have a preparation cycle (issue 16 §1: 学习 → 征求意见 → 谈心谈话 → 对照检查
// before the meeting). Today the 组织生活会; the 民主生活会 of a committee joins this list when its
// kind exists. Services of the cycle (opinions, talks, 对照检查材料) key off this, not off one kind.
export const PREPARATION_KINDS: readonly string[] = ["life_meeting"];

export const hasPreparationCycle = (kind: MeetingKind | string): boolean => PREPARATION_KINDS.includes(kind);
