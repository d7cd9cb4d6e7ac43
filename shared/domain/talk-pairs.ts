import { z } from "zod";
import { UUID_RE } from "../ids";
import { chinaDate, chinaDateKey } from "../time";
import { withoutBidiControls } from "./text";

// 谈心谈话 before a 组织生活会 (domain.md; issue 16 §1): which pairs of people a branch requires
// to have talked, and what a record of a talk must hold. Pure rules: the talks service
// (server/services/life/talks.ts) loads the roll, the groups and the records and applies them.
// No counts per person, no ranking: a pair is done or missing (docs/decisions/033-talks.md).

/** The branch's local rule set (talk_settings; no row: all three). */
export interface TalkRules {
  /** 书记 ↔ everyone in the branch. */
  secretaryAll: boolean;
  /** 委员 ↔ 委员: the 支委 pairwise. */
  committeePairwise: boolean;
  /** Each 委员 ↔ the members of the 党小组 they look after. */
  liaisonGroups: boolean;
}

export const DEFAULT_TALK_RULES: Readonly<TalkRules> = {
  secretaryAll: true,
  committeePairwise: true,
  liaisonGroups: true,
};

export const TALK_RULE_KEYS = ["secretaryAll", "committeePairwise", "liaisonGroups"] as const;
export const TALK_RULE_LABEL: Record<keyof TalkRules, string> = {
  secretaryAll: "书记与每名党员谈话",
  committeePairwise: "支委委员之间相互谈话",
  liaisonGroups: "支委委员与所联系党小组的党员谈话",
};

/** Why a pair is required, for the matrix's legend. */
export type PairReason = "secretary" | "committee" | "group";
export const PAIR_REASON_LABEL: Record<PairReason, string> = {
  secretary: "书记谈话",
  committee: "委员之间",
  group: "联系党小组",
};

/** One person on the branch's roll, as the pair rules see them. */
export interface TalkPerson {
  userId: string;
  name: string;
  /** 书记 of the meeting's organisation. */
  secretary: boolean;
  /** Sits on its committee (支委: 书记, 副书记, 委员). */
  committee: boolean;
  /** A 正式 or 预备党员: only party members are required to talk (activists may be recorded, never owed). */
  partyMember: boolean;
  /** The 党小组 of the organisation they belong to. */
  groupIds: readonly string[];
}

/** A 党小组 with the 联系支委 chosen for it (empty: none chosen). */
export interface TalkGroup {
  id: string;
  name: string;
  liaisonIds: readonly string[];
}

/** Two people in a fixed order (a < b), so a pair has one key whoever is named first. */
export interface Pair {
  a: string;
  b: string;
}
export interface RequiredPair extends Pair {
  reasons: PairReason[];
}

export const orderedPair = (x: string, y: string): Pair => (x < y ? { a: x, b: y } : { a: y, b: x });
export const pairKey = (x: string, y: string) => {
  const p = orderedPair(x, y);
  return `${p.a}:${p.b}`;
};

/**
 * Who looks after a group: its 联系支委 when chosen (those still on the committee), otherwise the
 * 委员 who are members of the group.
 */
export function groupLookers(group: TalkGroup, roll: readonly TalkPerson[]): string[] {
  const committee = roll.filter((p) => p.committee);
  const chosen = committee.filter((p) => group.liaisonIds.includes(p.userId));
  if (chosen.length > 0) return chosen.map((p) => p.userId);
  return committee.filter((p) => p.groupIds.includes(group.id)).map((p) => p.userId);
}

/**
 * The pairs the branch requires under its rules, each once (a 书记 who is also a 委员 and a group's
 * liaison owes each person one talk, with every reason it is owed), in roll order of the first
 * person then the second. Only party members are owed talks; nobody talks to themselves.
 */
export function requiredPairs(
  roll: readonly TalkPerson[],
  groups: readonly TalkGroup[],
  rules: TalkRules,
): RequiredPair[] {
  const people = roll.filter((p) => p.partyMember);
  const order = new Map(people.map((p, i) => [p.userId, i]));
  const found = new Map<string, RequiredPair>();
  const add = (x: string, y: string, reason: PairReason) => {
    if (x === y || !order.has(x) || !order.has(y)) return;
    const key = pairKey(x, y);
    const known = found.get(key);
    if (known) {
      if (!known.reasons.includes(reason)) known.reasons.push(reason);
    } else found.set(key, { ...orderedPair(x, y), reasons: [reason] });
  };
  if (rules.secretaryAll)
    for (const s of people.filter((p) => p.secretary)) for (const p of people) add(s.userId, p.userId, "secretary");
  if (rules.committeePairwise) {
    const committee = people.filter((p) => p.committee);
    for (const x of committee) for (const y of committee) add(x.userId, y.userId, "committee");
  }
  if (rules.liaisonGroups)
    for (const g of groups)
      for (const l of groupLookers(g, people))
        for (const p of people.filter((q) => q.groupIds.includes(g.id))) add(l, p.userId, "group");
  const rank = (p: Pair) => [
    Math.min(order.get(p.a) ?? 0, order.get(p.b) ?? 0),
    Math.max(order.get(p.a) ?? 0, order.get(p.b) ?? 0),
  ];
  return [...found.values()].sort((p, q) => {
    const [p1, p2] = rank(p);
    const [q1, q2] = rank(q);
    return p1 - q1 || p2 - q2;
  });
}

export interface PairState extends RequiredPair {
  done: boolean;
}

/** Each required pair with whether a talk between the two is recorded (any day, either order). */
export function pairStates(required: readonly RequiredPair[], talks: readonly Pair[]): PairState[] {
  const held = new Set(talks.map((t) => pairKey(t.a, t.b)));
  return required.map((p) => ({ ...p, reasons: [...p.reasons], done: held.has(pairKey(p.a, p.b)) }));
}

/** Those with at least one missing required pair, in roll order (names only: no counts, no ranking). */
export function peopleMissing(states: readonly PairState[], roll: readonly TalkPerson[]): TalkPerson[] {
  const owing = new Set<string>();
  for (const s of states) if (!s.done) owing.add(s.a).add(s.b);
  return roll.filter((p) => owing.has(p.userId));
}

/** A person's own required partners: the other side of each required pair they are in. */
export function partnersOf(userId: string, states: readonly PairState[]): { userId: string; done: boolean }[] {
  return states
    .filter((s) => s.a === userId || s.b === userId)
    .map((s) => ({ userId: s.a === userId ? s.b : s.a, done: s.done }));
}

/** Whether the pairs are complete and whether the list is empty, for the stage line. */
export function talkTotals(states: readonly PairState[]) {
  const done = states.filter((s) => s.done).length;
  return { required: states.length, done, missing: states.length - done };
}

// ---------------------------------------------------------------------------------------------
// The record form
// ---------------------------------------------------------------------------------------------

export const TALK_SUMMARY_MAX = 500;
export const TALK_PLACE_MAX = 100;

const clean = (s: string) => withoutBidiControls(s.normalize("NFC")).trim();
/** Characters as PostgreSQL's char_length counts them (code points, not UTF-16 units). */
const chars = (s: string) => [...s].length;

/**
 * One talk as posted: the two people (`personId` defaults to the one recording), the China-time
 * day, a place or 线上, the summary. Who may be named and whether both are on the roll is the
 * service's check; this says what is well-formed, and that the day is not after `today`.
 */
export function talkInputSchema(today: string) {
  return z
    .object({
      personId: z.string({ error: "请选择谈话的一方" }).trim().regex(UUID_RE, "请选择谈话的一方"),
      partnerId: z
        .string({ error: "请选择谈话对象" })
        .trim()
        .min(1, "请选择谈话对象")
        .regex(UUID_RE, "请从名单中选择谈话对象"),
      talkedOn: z
        .string({ error: "请填写谈话日期" })
        .trim()
        .min(1, "请填写谈话日期")
        .refine((d) => chinaDate(d) !== null, "谈话日期格式不正确，应为 年-月-日")
        .refine((d) => chinaDate(d) === null || d <= today, "谈话日期不能晚于今天：请记录已经进行的谈话"),
      // A checkbox: present ("on") when ticked, absent otherwise.
      online: z.string().optional(),
      place: z.string().optional(),
      summary: z
        .string({ error: "请填写谈话摘要" })
        .transform(clean)
        .pipe(
          z
            .string()
            .min(1, "请填写谈话摘要：简要记下谈了什么")
            .superRefine((s, ctx) => {
              if (chars(s) > TALK_SUMMARY_MAX)
                ctx.addIssue({
                  code: "custom",
                  message: `谈话摘要最长 ${TALK_SUMMARY_MAX} 个字（现在 ${chars(s)} 个字），请精简`,
                });
            }),
        ),
    })
    .transform(({ online, place, ...v }) => ({
      ...v,
      online: online === "on" || online === "true",
      place: clean(place ?? ""),
    }))
    .superRefine((v, ctx) => {
      if (chars(v.place) > TALK_PLACE_MAX)
        ctx.addIssue({ code: "custom", path: ["place"], message: `谈话地点最长 ${TALK_PLACE_MAX} 个字` });
      if (v.personId === v.partnerId)
        ctx.addIssue({ code: "custom", path: ["partnerId"], message: "谈心谈话是两个人之间的谈话：不能和自己谈话" });
      if (!v.online && v.place === "")
        ctx.addIssue({ code: "custom", path: ["place"], message: "请填写谈话地点，或选择“线上”" });
    });
}
export type TalkInput = z.infer<ReturnType<typeof talkInputSchema>>;

/** Today's China-time date key, for the schema. */
export const talkToday = (now: Date = new Date()) => chinaDateKey(now);

/** The rule set as posted by the settings form (checkboxes: present = on). */
export function talkRulesFromForm(form: Record<string, unknown>): TalkRules {
  const on = (k: string) => form[k] === "on" || form[k] === "true";
  return {
    secretaryAll: on("secretaryAll"),
    committeePairwise: on("committeePairwise"),
    liaisonGroups: on("liaisonGroups"),
  };
}
