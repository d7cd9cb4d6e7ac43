import { ROLES, type Role } from "./labels";
import { hasLifeCycle } from "./life-cycle";

// The round of criticism at a 组织生活会 (issue 16 §2, docs/decisions/035): who comes in which
// order, and what the 书记 is told to look at (empty praise). Pure functions.

/** Every meeting with the 组织生活会 cycle holds a round of criticism (the 民主生活会 too). */
export const holdsCriticismRound = hasLifeCycle;

/** Longest criticism or answer kept in the note, in characters (a longer one is cut with a mark). */
export const CRITICISM_MAX_CHARS = 5000;

export interface RoundPerson {
  id: string;
  name: string;
  /** Their roles in the meeting's organisation (none: an ordinary member or a guest). */
  roles: readonly Role[];
}

/** 书记 first, then the 副书记 and 委员, then the members; each band by name (as the roster lists people). */
export function defaultRoundOrder<P extends RoundPerson>(people: readonly P[]): P[] {
  const band = (p: RoundPerson) => {
    if (p.roles.includes("secretary")) return 0;
    if (p.roles.some((r) => r !== "member" && r !== "group_leader")) return 1 + ROLES.indexOf(bestRole(p.roles));
    return 10;
  };
  return [...people].sort(
    (a, b) => band(a) - band(b) || a.name.localeCompare(b.name, "zh-CN") || (a.id < b.id ? -1 : 1),
  );
}

const bestRole = (roles: readonly Role[]): Role =>
  roles.reduce<Role>((best, r) => (ROLES.indexOf(r) < ROLES.indexOf(best) ? r : best), "member");

/**
 * The round's order after the host's edit: the ids given first (those still on the round), then
 * anyone left out in their previous place. Unknown and repeated ids are dropped.
 */
export function reorderRound(current: readonly string[], wanted: readonly string[]): string[] {
  const known = new Set(current);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of wanted) {
    if (!known.has(id) || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  for (const id of current) if (!seen.has(id)) out.push(id);
  return out;
}

/** Phrases of praise that, alone, are no criticism (一团和气). The 书记 is told, nothing is refused. */
export const PRAISE_PHRASES: readonly string[] = [
  "工作认真",
  "认真负责",
  "表现很好",
  "表现突出",
  "表现优秀",
  "没有问题",
  "没什么问题",
  "没有什么意见",
  "没有意见",
  "值得学习",
  "值得我学习",
  "积极肯干",
  "任劳任怨",
  "团结同志",
  "以身作则",
  "工作太拼",
  "太辛苦",
  "注意身体",
  "要注意休息",
  "希望继续保持",
  "继续保持",
];

/** Words that name a problem: a criticism holding one is about something concrete. */
export const PROBLEM_WORDS: readonly string[] = [
  "问题",
  "不足",
  "不够",
  "欠缺",
  "缺乏",
  "没有做到",
  "未能",
  "不到位",
  "不及时",
  "不严",
  "不深",
  "不实",
  "偏少",
  "较少",
  "松懈",
  "拖延",
  "迟到",
  "缺席",
  "敷衍",
  "形式主义",
  "官僚主义",
  "改进",
  "改正",
  "整改",
  "建议",
  "希望改",
  "应当",
  "应该",
];

/** Empty praise: some praise phrase, and no word naming a problem. Empty text is not flagged (nothing written yet). */
export function isEmptyPraise(text: string): boolean {
  const t = text.replace(/\s+/g, "");
  if (!t) return false;
  return PRAISE_PHRASES.some((p) => t.includes(p)) && !PROBLEM_WORDS.some((w) => t.includes(w));
}

/** What the 书记 is shown beside a criticism in the note. */
export type CriticismFlag = "similar" | "empty_praise";
export const CRITICISM_FLAG_LABEL: Record<CriticismFlag, string> = {
  similar: "与他人的批评意见相同或高度相似",
  empty_praise: "只有表扬，没有指出具体问题",
};
