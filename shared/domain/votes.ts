import { z } from "zod";
import { CATEGORY_LABEL, type Category } from "./labels";
import { hasVote, yesNo } from "./people";
import { UUID_RE as UUID } from "../ids";

// Votes at a 支部党员大会 (domain.md, "Quorum and votes"), as pure rules the server applies
// and the page shows: who votes, whether the quorum holds, whether a motion passed, when an
// absent voter's written opinion counts, and what of a secret ballot may be shown.

/** The matters a 支部党员大会 decides by vote. Elections (several candidates) are not votes of this kind. */
export const MATTER_KINDS = [
  "admit_probationary",
  "confirm_full",
  "extend_probation",
  "cancel_probation",
  "commendation",
  "sanction",
  "other",
] as const;
export type MatterKind = (typeof MATTER_KINDS)[number];
export const MATTER_LABEL: Record<MatterKind, string> = {
  admit_probationary: "接收预备党员",
  confirm_full: "预备党员转正",
  extend_probation: "延长预备期",
  cancel_probation: "取消预备党员资格",
  commendation: "表彰",
  sanction: "处分",
  other: "其他事项",
};

/**
 * Matters for which an absent voter's written opinion (书面意见), handed in before the
 * discussion, is counted: only admitting a 预备党员 (domain.md). Everywhere else only the
 * ballots of those present count.
 */
export const WRITTEN_OPINION_MATTERS: readonly MatterKind[] = ["admit_probationary"];
export const writtenOpinionsCount = (matter: MatterKind) => WRITTEN_OPINION_MATTERS.includes(matter);

export const CHOICES = ["for", "against", "abstain"] as const;
export type Choice = (typeof CHOICES)[number];
export const CHOICE_LABEL: Record<Choice, string> = { for: "赞成", against: "反对", abstain: "弃权" };

/** Attendance statuses that count as 实到 (the same as the attendance sheet's). */
export const PRESENT_STATUSES = ["present", "late", "left_early"] as const;
export const isPresent = (status: string | null | undefined) =>
  status != null && (PRESENT_STATUSES as readonly string[]).includes(status);

// ---------------------------------------------------------------------------------------------
// Voting rights at one meeting
// ---------------------------------------------------------------------------------------------

/** A person as a meeting's vote sees them. */
export interface VoterFacts {
  category: Category;
  /** Their live memberships in the meeting's 党支部 or its 党小组 (not elsewhere). */
  memberships: { mobile: boolean }[];
  /** Their place on the meeting's list: 应到 (attendee), 列席 (guest), or not on it. */
  role: "attendee" | "guest" | null;
}

export type NoVoteReason =
  "probationary" | "candidate" | "activist" | "not_member" | "mobile" | "guest" | "not_invited";

/** Why someone cannot vote, in words that fit "you" and "this person" alike. */
export const NO_VOTE_MESSAGE: Record<NoVoteReason, string> = {
  probationary: "预备党员没有表决权。",
  candidate: `${CATEGORY_LABEL.candidate}还不是党员，没有表决权。`,
  activist: `${CATEGORY_LABEL.activist}还不是党员，没有表决权。`,
  not_member: "不是本支部的党员，在本支部没有表决权。",
  mobile: "流动党员在流入地党组织没有表决权，表决权在组织关系所在的党支部行使。",
  guest: "列席人员没有表决权。",
  not_invited: "不在本次会议的应到名单中，没有表决权。",
};

/**
 * Null when the person votes at this meeting: a 正式党员 (hasVote) with a regular, non-流动
 * membership in the branch, on the 应到 list. Otherwise the first reason that applies, the
 * most basic first (a 预备党员 hears "预备党员没有表决权" whatever list they are on; a visitor
 * from the 党委 on the 列席 list hears that 列席 has no vote).
 */
export function noVoteReason(p: VoterFacts): NoVoteReason | null {
  if (p.category === "probationary" || p.category === "candidate" || p.category === "activist") return p.category;
  if (p.role === "guest") return "guest";
  if (p.memberships.length === 0) return "not_member";
  if (!p.memberships.some((m) => hasVote(p.category, m))) return "mobile";
  if (p.role !== "attendee") return "not_invited";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Quorum
// ---------------------------------------------------------------------------------------------

export interface Quorum {
  /** 应到有表决权党员: voting members on the 应到 list. */
  expected: number;
  /** Of them, those present. */
  present: number;
  /** The least number present for a quorum: more than half of `expected`. */
  needed: number;
  holds: boolean;
}

const count = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${n}`);
};

/** More than half of the voting members who should attend are present (strictly more: exactly half is not enough). */
export function quorum(expected: number, present: number): Quorum {
  count(expected, "expected");
  count(present, "present");
  if (present > expected) throw new RangeError(`present (${present}) exceeds expected (${expected})`);
  return { expected, present, needed: Math.floor(expected / 2) + 1, holds: expected > 0 && present * 2 > expected };
}

/** The refusal when a vote is opened without a quorum, with the figures. */
export function quorumRefusal(q: Quorum): string {
  if (q.expected === 0) return "本次会议的应到名单中没有有表决权的党员，不能表决。";
  return `未达到法定人数：应到有表决权党员 ${q.expected} 人，实到 ${q.present} 人，需超过半数（至少 ${q.needed} 人）。`;
}

/** A person on a meeting's list, with what the vote needs to know. */
export interface Invitee extends VoterFacts {
  userId: string;
  /** Their attendance status, if any record exists. */
  attendance: string | null;
}

/** Who should vote (voting members among the 应到), who of them is present, and the quorum. */
export function electorate<T extends Invitee>(invitees: readonly T[]): { electors: T[]; present: T[]; quorum: Quorum } {
  const electors = invitees.filter((p) => noVoteReason(p) === null);
  const present = electors.filter((p) => isPresent(p.attendance));
  return { electors, present, quorum: quorum(electors.length, present.length) };
}

// ---------------------------------------------------------------------------------------------
// The result
// ---------------------------------------------------------------------------------------------

export type Tally = Record<Choice, number>;
export const emptyTally = (): Tally => ({ for: 0, against: 0, abstain: 0 });
export const tallyTotal = (t: Tally) => t.for + t.against + t.abstain;

export interface VoteResult {
  matter: MatterKind;
  /** 应到有表决权党员 (the base of the pass rule) and those of them present. */
  expected: number;
  present: number;
  /** Ballots cast by those present. */
  ballots: Tally;
  /** Written opinions recorded for absent voters, and whether this matter counts them. */
  written: Tally;
  writtenCounted: boolean;
  /** The counts that decide: ballots plus written opinions where they count. */
  inFavour: number;
  against: number;
  abstain: number;
  /** Votes in favour needed: more than half of `expected`. */
  needed: number;
  passed: boolean;
}

/**
 * A motion passes when the votes in favour exceed half of the voting members who should attend
 * (not of those present): exactly half, or a tie, fails. Written opinions count only for the
 * matters in WRITTEN_OPINION_MATTERS.
 */
export function voteResult(input: {
  matter: MatterKind;
  expected: number;
  present: number;
  ballots: Tally;
  written: Tally;
}): VoteResult {
  const { matter, expected, present, ballots, written } = input;
  quorum(expected, present);
  for (const c of CHOICES) {
    count(ballots[c], `ballots.${c}`);
    count(written[c], `written.${c}`);
  }
  if (tallyTotal(ballots) + tallyTotal(written) > expected)
    throw new RangeError(`more ballots and written opinions than voting members (${expected})`);
  const writtenCounted = writtenOpinionsCount(matter);
  const w = writtenCounted ? written : emptyTally();
  const inFavour = ballots.for + w.for;
  return {
    matter,
    expected,
    present,
    ballots: { ...ballots },
    written: { ...written },
    writtenCounted,
    inFavour,
    against: ballots.against + w.against,
    abstain: ballots.abstain + w.abstain,
    needed: Math.floor(expected / 2) + 1,
    passed: expected > 0 && inFavour * 2 > expected,
  };
}

/**
 * Whether the split of the votes may be shown: an open ballot at any time, a secret one only
 * once it is closed (live counts would tell who voted how as each ballot comes in).
 */
export const tallyVisible = (secret: boolean, status: "open" | "closed") => !secret || status === "closed";

/** The result in one paragraph, as the minutes record it. */
export function resultText(v: { title: string; secret: boolean; result: VoteResult }): string {
  const r = v.result;
  const writtenN = tallyTotal(r.written);
  const written =
    r.writtenCounted && writtenN > 0
      ? `（含因故未到会党员的书面意见 ${writtenN} 份：赞成 ${r.written.for}、反对 ${r.written.against}、弃权 ${r.written.abstain}）`
      : "";
  return (
    `表决事项：${MATTER_LABEL[r.matter]}，${v.title}（${v.secret ? "无记名投票" : "公开表决"}）。` +
    `应到有表决权党员 ${r.expected} 人，实到 ${r.present} 人。` +
    `赞成 ${r.inFavour} 票，反对 ${r.against} 票，弃权 ${r.abstain} 票${written}。` +
    (r.passed
      ? `赞成票超过应到有表决权党员的半数（至少 ${r.needed} 票），通过。`
      : `赞成票未超过应到有表决权党员的半数（需至少 ${r.needed} 票），未通过。`)
  );
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/** Opening a vote: what is voted on, its kind, open or secret ballot, and the agenda item it belongs to. */
export const OpenVoteSchema = z.object({
  title: z
    .string({ error: "请填写表决事项" })
    .transform((s) => s.normalize("NFKC").trim().replace(/\s+/g, " "))
    .pipe(z.string().min(1, "请填写表决事项").max(100, "表决事项最长 100 字")),
  matter: z.enum(MATTER_KINDS, { error: "请选择表决事项的类别" }),
  /** A checkbox: "on", 是 or true for a secret ballot; absent for an open one. */
  secret: z.preprocess(yesNo, z.boolean()),
  agendaItemId: z.preprocess(
    (v) => (v === "" || v == null ? null : v),
    z.string().regex(UUID, "无效的议程").nullable(),
  ),
});
/** What a form or a caller hands in; OpenVoteSchema has the final word. */
export interface OpenVoteInput {
  title: string;
  matter: string;
  secret?: boolean | string | null;
  agendaItemId?: string | null;
}

export const ChoiceSchema = z.enum(CHOICES, { error: "请选择赞成、反对或弃权" });
