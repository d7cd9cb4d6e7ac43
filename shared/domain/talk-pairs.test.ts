import { describe, expect, it } from "vitest";
import {
  DEFAULT_TALK_RULES,
  groupLookers,
  pairKey,
  pairStates,
  partnersOf,
  peopleMissing,
  requiredPairs,
  talkInputSchema,
  talkTotals,
  type TalkGroup,
  type TalkPerson,
} from "./talk-pairs";

// The demo branch's shape: 书记 (also in G1), 组织委员 (in no group), a 宣传委员 in G2, members in
// both groups, an 入党积极分子 in G1 (never owed a talk).
const person = (userId: string, o: Partial<TalkPerson> = {}): TalkPerson => ({
  userId,
  name: userId,
  secretary: false,
  committee: false,
  partyMember: true,
  groupIds: [],
  ...o,
});
const ROLL: TalkPerson[] = [
  person("sec", { secretary: true, committee: true, groupIds: ["g1"] }),
  person("org", { committee: true }),
  person("pro", { committee: true, groupIds: ["g2"] }),
  person("m1", { groupIds: ["g1"] }),
  person("m2", { groupIds: ["g1"] }),
  person("m3", { groupIds: ["g2"] }),
  person("act", { partyMember: false, groupIds: ["g1"] }),
];
const GROUPS: TalkGroup[] = [
  { id: "g1", name: "第一党小组", liaisonIds: [] },
  { id: "g2", name: "第二党小组", liaisonIds: [] },
];
const keys = (pairs: { a: string; b: string }[]) => pairs.map((p) => pairKey(p.a, p.b)).sort();
const k = (x: string, y: string) => pairKey(x, y);

describe("requiredPairs", () => {
  it("by default: 书记 ↔ every party member, 委员 ↔ 委员, each 委员 ↔ the group they sit in", () => {
    const pairs = requiredPairs(ROLL, GROUPS, DEFAULT_TALK_RULES);
    expect(keys(pairs)).toEqual(
      [
        // 书记 ↔ everyone (not the activist)
        k("sec", "org"),
        k("sec", "pro"),
        k("sec", "m1"),
        k("sec", "m2"),
        k("sec", "m3"),
        // 委员 ↔ 委员 (sec↔org, sec↔pro already there)
        k("org", "pro"),
        // 宣传委员 looks after G2 by being in it
        k("pro", "m3"),
      ].sort(),
    );
    const secPro = pairs.find((p) => pairKey(p.a, p.b) === k("sec", "pro"));
    expect(secPro?.reasons.sort()).toEqual(["committee", "secretary"]);
  });

  it("never pairs someone with themselves, nor an activist, and lists each pair once", () => {
    const pairs = requiredPairs(ROLL, GROUPS, DEFAULT_TALK_RULES);
    expect(pairs.every((p) => p.a !== p.b && p.a < p.b)).toBe(true);
    expect(pairs.some((p) => p.a === "act" || p.b === "act")).toBe(false);
    expect(new Set(keys(pairs)).size).toBe(pairs.length);
  });

  it("a chosen 联系支委 replaces the default: the 组织委员 looks after G2, the 宣传委员 no longer does", () => {
    const groups = [GROUPS[0], { ...GROUPS[1], liaisonIds: ["org"] }];
    expect(groupLookers(groups[1], ROLL)).toEqual(["org"]);
    const pairs = keys(requiredPairs(ROLL, groups, DEFAULT_TALK_RULES));
    expect(pairs).toContain(k("org", "m3"));
    expect(pairs).toContain(k("org", "pro")); // still 委员 ↔ 委员
    expect(pairs).not.toContain(k("pro", "m3"));
  });

  it("a liaison who left the committee falls back to the default", () => {
    const groups = [{ ...GROUPS[1], liaisonIds: ["m1"] }];
    expect(groupLookers(groups[0], ROLL)).toEqual(["pro"]);
  });

  it("follows the branch's rule set", () => {
    const only = (r: Partial<typeof DEFAULT_TALK_RULES>) =>
      keys(requiredPairs(ROLL, GROUPS, { secretaryAll: false, committeePairwise: false, liaisonGroups: false, ...r }));
    expect(only({})).toEqual([]);
    expect(only({ committeePairwise: true })).toEqual([k("sec", "org"), k("sec", "pro"), k("org", "pro")].sort());
    expect(only({ liaisonGroups: true })).toEqual([k("sec", "m1"), k("sec", "m2"), k("pro", "m3")].sort());
    expect(only({ secretaryAll: true })).toHaveLength(5);
  });

  it("a branch without a 书记 or groups requires only what it can", () => {
    const roll = [person("a", { committee: true }), person("b", { committee: true }), person("c")];
    expect(keys(requiredPairs(roll, [], DEFAULT_TALK_RULES))).toEqual([k("a", "b")]);
  });
});

describe("done and missing", () => {
  const pairs = requiredPairs(ROLL, GROUPS, DEFAULT_TALK_RULES);

  it("a talk in either order marks its pair done; a talk outside the required pairs changes nothing", () => {
    const states = pairStates(pairs, [
      { a: "m1", b: "sec" },
      { a: "m1", b: "m2" },
    ]);
    expect(states.find((s) => pairKey(s.a, s.b) === k("sec", "m1"))?.done).toBe(true);
    expect(talkTotals(states)).toEqual({ required: 7, done: 1, missing: 6 });
  });

  it("names the people with a missing pair, in roll order, and each person's own partners", () => {
    const done = pairs.filter((p) => pairKey(p.a, p.b) !== k("pro", "m3"));
    const states = pairStates(pairs, done);
    expect(peopleMissing(states, ROLL).map((p) => p.userId)).toEqual(["pro", "m3"]);
    expect(partnersOf("m3", states)).toEqual([
      { userId: "sec", done: true },
      { userId: "pro", done: false },
    ]);
    expect(partnersOf("act", states)).toEqual([]);
  });
});

describe("talkInputSchema", () => {
  const today = "2026-12-07";
  const A = "00000000-0000-4000-8000-000000000001";
  const B = "00000000-0000-4000-8000-000000000002";
  const ok = { personId: A, partnerId: B, talkedOn: "2026-12-07", place: "党员活动室", summary: "谈了学习和工作。" };
  const first = (v: Record<string, unknown>) => {
    const r = talkInputSchema(today).safeParse(v);
    return r.success ? null : r.error.issues[0];
  };

  it("accepts a talk today, and online without a place", () => {
    expect(first(ok)).toBeNull();
    expect(first({ ...ok, place: "", online: "on" })).toBeNull();
  });
  it("refuses talking to oneself", () => {
    expect(first({ ...ok, partnerId: A })?.message).toContain("不能和自己谈话");
  });
  it("refuses a future day, a malformed day and an impossible date", () => {
    expect(first({ ...ok, talkedOn: "2026-12-08" })?.message).toContain("不能晚于今天");
    expect(first({ ...ok, talkedOn: "12/01/2026" })?.message).toContain("格式不正确");
    expect(first({ ...ok, talkedOn: "2026-02-30" })?.message).toContain("格式不正确");
  });
  it("refuses an empty or over-long summary, counting characters as PostgreSQL does", () => {
    expect(first({ ...ok, summary: "   " })?.message).toContain("请填写谈话摘要");
    expect(first({ ...ok, summary: "谈".repeat(500) })).toBeNull();
    expect(first({ ...ok, summary: "𠮷".repeat(500) })).toBeNull();
    expect(first({ ...ok, summary: "谈".repeat(501) })?.message).toContain("最长 500 个字（现在 501 个字）");
  });
  it("asks for a place unless online, and a partner from the list", () => {
    expect(first({ ...ok, place: " " })?.message).toContain("请填写谈话地点");
    expect(first({ ...ok, partnerId: "" })?.message).toContain("请选择谈话对象");
    expect(first({ ...ok, partnerId: "王建国" })?.message).toContain("请从名单中选择");
  });
});
