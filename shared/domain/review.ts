import { z } from "zod";
import { UUID_RE } from "../ids";
import { withoutBidiControls } from "./text";
import type { MeetingKind } from "./labels";

// 民主评议党员 (domain.md, "民主评议党员: grades and outcomes"), as pure rules the server applies
// and the pages show: the four grades, the cap on 优秀, what a secret 互评 ballot must hold, and
// the 支委会's 评定. Who votes, who is graded and who sees what are in shared/permissions.ts.

export const GRADES = ["excellent", "qualified", "basic", "unqualified"] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_LABEL: Record<Grade, string> = {
  excellent: "优秀",
  qualified: "合格",
  basic: "基本合格",
  unqualified: "不合格",
};

/** The meetings a 民主评议 ballot belongs to: held on its own or with the 组织生活会. */
export const REVIEW_MEETING_KINDS: readonly MeetingKind[] = ["member_review", "life_meeting"];
export const holdsReview = (kind: MeetingKind) => REVIEW_MEETING_KINDS.includes(kind);

export type GradeCounts = Record<Grade, number>;
export const emptyCounts = (): GradeCounts => ({ excellent: 0, qualified: 0, basic: 0, unqualified: 0 });
export const countsTotal = (c: GradeCounts) => c.excellent + c.qualified + c.basic + c.unqualified;

/**
 * How many of `graded` members may be rated 优秀: the share rounded down, but at least one (a
 * branch of three may still name one 优秀); none when nobody is graded. Whole-number arithmetic,
 * so 30% of 10 is 3, not 2 (0.3 × 10 is 3.0000000000000004 in floating point, 0.29 × 100 is 28.999…).
 */
export function excellentCap(percent: number, graded: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`percent ${percent}`);
  if (!Number.isInteger(graded) || graded < 0) throw new RangeError(`graded ${graded}`);
  if (graded === 0) return 0;
  return Math.max(1, Math.floor((percent * graded) / 100));
}

/** The warning when the 支委 rates more members 优秀 than the branch allows, or null. */
export function excellentWarning(percent: number, graded: number, excellent: number): string | null {
  const cap = excellentCap(percent, graded);
  if (excellent <= cap) return null;
  return `评定为“优秀”的有 ${excellent} 人，超过本支部规定的比例上限：${graded} 人的 ${percent}%（向下取整，至少 1 人）为 ${cap} 人。请支委会复核。`;
}

// ---------------------------------------------------------------------------------------------
// The secret ballot (党员互评 and 民主测评)
// ---------------------------------------------------------------------------------------------

const GRADE_FIELD = /^grade\.(.+)$/;

/** The grades a form posts as `grade.<userId>` = one of GRADES; other fields are ignored. */
export function gradesFromForm(form: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(form)) {
    const m = GRADE_FIELD.exec(k);
    if (m) out.set(m[1], typeof v === "string" ? v : "");
  }
  return out;
}

export interface RollPerson {
  userId: string;
  name: string;
}

export type BallotCheck = { ok: true; grades: Map<string, Grade> } | { ok: false; message: string; field?: string };

/**
 * A voter's ballot against the roll of those graded: a grade for every member on it but
 * themselves, one of the four, and nothing else. The first problem, in Chinese; nothing about
 * the grades themselves is said back (the reply could be logged or seen over a shoulder).
 */
export function checkBallot(roll: readonly RollPerson[], voterId: string, posted: Map<string, string>): BallotCheck {
  const byId = new Map(roll.map((p) => [p.userId, p]));
  if (posted.has(voterId)) return { ok: false, message: "互评中不能给自己评定等次：请在“个人自评”中填写。" };
  for (const id of posted.keys()) {
    if (!UUID_RE.test(id) || !byId.has(id))
      return { ok: false, message: "选票中有不在本次评议名单上的人，请刷新页面后重新填写。" };
  }
  const grades = new Map<string, Grade>();
  const missing: string[] = [];
  for (const p of roll) {
    if (p.userId === voterId) continue;
    const g = posted.get(p.userId);
    if (g === undefined || g === "") {
      missing.push(p.name);
      continue;
    }
    if (!(GRADES as readonly string[]).includes(g))
      return {
        ok: false,
        message: `对${p.name}的评定等次无效：请选择优秀、合格、基本合格或不合格。`,
        field: `grade.${p.userId}`,
      };
    grades.set(p.userId, g as Grade);
  }
  if (missing.length > 0) {
    const names = missing.length > 3 ? `${missing.slice(0, 3).join("、")}等 ${missing.length} 人` : missing.join("、");
    return { ok: false, message: `还有 ${missing.length} 人未评定等次：${names}。每人都须选择一个等次后才能提交。` };
  }
  if (grades.size === 0) return { ok: false, message: "名单上没有需要你评议的同志。" };
  return { ok: true, grades };
}

/**
 * The counts to add for one ballot, as four arrays in the roll's order (one statement, whose text
 * is the same whatever the grades; every graded member's row changes with every ballot).
 */
export function ballotIncrements(roll: readonly { userId: string }[], grades: Map<string, Grade>) {
  const ids: string[] = [];
  const inc: Record<Grade, number[]> = { excellent: [], qualified: [], basic: [], unqualified: [] };
  for (const p of roll) {
    const g = grades.get(p.userId);
    if (!g) continue;
    ids.push(p.userId);
    for (const x of GRADES) inc[x].push(x === g ? 1 : 0);
  }
  return { ids, inc };
}

// ---------------------------------------------------------------------------------------------
// Forms: 个人自评, the 支委会's 评定
// ---------------------------------------------------------------------------------------------

const text = (min: number, max: number, what: string) =>
  z
    .string({ error: `请填写${what}` })
    .transform((s) => withoutBidiControls(s.normalize("NFC")).trim())
    .pipe(z.string().min(1, `请填写${what}`).min(min, `${what}至少 ${min} 个字`).max(max, `${what}最长 ${max} 个字`));

export const GradeSchema = z.enum(GRADES, { error: "请选择等次：优秀、合格、基本合格或不合格" });

/** 个人自评: a grade and a short account of oneself. */
export const SelfAssessmentSchema = z.object({
  grade: GradeSchema,
  summary: text(10, 2000, "自评内容"),
});

/** One member's 评定 by the 支委会: the grade and the written opinion (评定意见). */
export const OutcomeSchema = z.object({
  userId: z.string().regex(UUID_RE, "无效的人员"),
  grade: GradeSchema,
  opinion: text(5, 1000, "评定意见"),
});

/** The 支委's form: rows `outcome.<userId>.grade` / `.opinion`; rows left blank are skipped. */
export function outcomesFromForm(form: Record<string, unknown>): { userId: string; grade: string; opinion: string }[] {
  const rows = new Map<string, { userId: string; grade: string; opinion: string }>();
  for (const [k, v] of Object.entries(form)) {
    const m = /^outcome\.(.+)\.(grade|opinion)$/.exec(k);
    if (!m) continue;
    const row = rows.get(m[1]) ?? { userId: m[1], grade: "", opinion: "" };
    row[m[2] as "grade" | "opinion"] = typeof v === "string" ? v : "";
    rows.set(m[1], row);
  }
  return [...rows.values()].filter((r) => r.grade !== "" || r.opinion.trim() !== "");
}

/** What follows a 不合格 (domain.md): decided by a 支部党员大会 vote under the 党章, never by the tally. */
export const UNQUALIFIED_FOLLOW_UP =
  "评定为不合格：须跟进处置。限期改正、劝退或除名，由支部党员大会按党章规定表决决定，不能仅凭测评票数认定。";
