import type { MeetingKind } from "./labels";

// Which meetings go through the 组织生活会 cycle (学习 → 征求意见 → 谈心谈话 → 对照检查 → 会议 → 整改;
// issue 16). Pure; every other module asks here. The "cycle" helper's version of this file adds the
// committee's 民主生活会 kind and the rules only such meetings have; on merge, take that one.

/** The kinds whose meeting page shows the stages and whose records follow lifeRecordAccess. */
export const LIFE_CYCLE_KINDS: readonly MeetingKind[] = ["life_meeting"];

/** Whether meetings of this kind go through the 组织生活会 cycle. */
export const hasLifeCycle = (kind: MeetingKind): boolean => LIFE_CYCLE_KINDS.includes(kind);
