import { describe, expect, it } from "vitest";
import { hasLifeCycle } from "./domain/life-cycle";
import {
  mayHandleOpinions,
  maySendOpinion,
  opinionAccess,
  opinionsPageAccess,
  type OpinionResource,
} from "./permissions";
import { who } from "./test-subjects";

// 征求意见 (docs/decisions/032): who sees an opinion, who sees its sender, who handles it, who
// may open the page and send. A matrix over the people of a branch, its committee above and a
// sibling branch, with the opinion's facts (sender, about whom, passed on, a grant above).

const P = {
  secretary: who("sec", ["b", "secretary"], ["g1", "member"]),
  orgMember: who("org", ["b", "organization_member"]),
  propaganda: who("prop", ["b", "propaganda_member"]),
  sender: who("snd", ["g1", "member"]),
  member: who("mem", ["g1", "member"]),
  concerned: who("me", ["g1", "member"]),
  groupLeader: who("gl", ["g1", "group_leader"]),
  otherBranch: who("wu", ["x", "secretary"]),
  partyCommittee: who("zhou", ["c", "organization_member"]),
};
type Name = keyof typeof P;
const meeting = { id: "m", orgId: "b", orgKind: "branch" as const, orgPath: ["c", "b"] };
const opinion = (over: Partial<OpinionResource> = {}): OpinionResource => ({
  meeting,
  senderId: "snd",
  aboutPersonId: "me",
  passed: false,
  aboveGrant: false,
  ...over,
});

describe("opinionAccess: an opinion about a member", () => {
  const cases: [Name, string, string, string][] = [
    // who, before passing, after passing, after passing with a grant above
    ["sender", "read", "read", "read"],
    ["secretary", "manage", "manage", "manage"],
    ["orgMember", "manage", "manage", "manage"],
    ["propaganda", "senders", "senders", "senders"],
    ["member", "none", "none", "none"],
    ["groupLeader", "none", "none", "none"],
    ["concerned", "none", "read", "read"],
    ["otherBranch", "none", "none", "none"],
    ["partyCommittee", "none", "none", "read"],
  ];
  it.each(cases)("%s: %s before it is passed on, %s after, %s with a grant", (name, before, after, grant) => {
    expect(opinionAccess(P[name], opinion())).toBe(before);
    expect(opinionAccess(P[name], opinion({ passed: true }))).toBe(after);
    expect(opinionAccess(P[name], opinion({ passed: true, aboveGrant: true }))).toBe(grant);
  });

  it("signed out: none", () => {
    expect(opinionAccess(null, opinion({ passed: true, aboveGrant: true }))).toBe("none");
  });

  it("a grant opens nothing to someone who is not on a committee above", () => {
    expect(opinionAccess(P.member, opinion({ aboveGrant: true }))).toBe("none");
    expect(opinionAccess(P.otherBranch, opinion({ aboveGrant: true }))).toBe("none");
  });
});

describe("opinionAccess: the person concerned sits on the 支委 themselves", () => {
  it("sees neither the opinion before it is passed on nor ever its sender", () => {
    const aboutOrg = opinion({ aboutPersonId: "org" });
    expect(opinionAccess(P.orgMember, aboutOrg)).toBe("none");
    expect(opinionAccess(P.orgMember, { ...aboutOrg, passed: true })).toBe("read");
    // The other 支委 see it with its sender.
    expect(opinionAccess(P.secretary, aboutOrg)).toBe("manage");
    expect(opinionAccess(P.propaganda, aboutOrg)).toBe("senders");
  });
});

describe("opinionAccess: to or about the 支委会, and from the masses", () => {
  it.each([
    ["sender", "read"],
    ["secretary", "manage"],
    ["propaganda", "senders"],
    ["member", "none"],
    ["concerned", "none"],
    ["partyCommittee", "none"],
  ] as [Name, string][])("%s: %s", (name, expected) => {
    expect(opinionAccess(P[name], opinion({ aboutPersonId: null }))).toBe(expected);
  });

  it("an opinion from the masses has no sender: the 支委 see it, members do not", () => {
    const masses = opinion({ senderId: null, aboutPersonId: null });
    expect(opinionAccess(P.secretary, masses)).toBe("manage");
    expect(opinionAccess(P.propaganda, masses)).toBe("senders");
    expect(opinionAccess(P.sender, masses)).toBe("none");
    expect(opinionAccess(P.member, masses)).toBe("none");
  });
});

describe("the page, sending and handling", () => {
  it.each([
    ["secretary", "manage", "manage"],
    ["orgMember", "manage", "manage"],
    ["propaganda", "committee", "committee"],
    ["sender", "send", "send"],
    ["groupLeader", "send", "send"],
    ["otherBranch", "none", "none"],
    ["partyCommittee", "none", "above"],
  ] as [Name, string, string][])("%s: %s, with a grant %s", (name, without, withGrant) => {
    expect(opinionsPageAccess(P[name], meeting, false)).toBe(without);
    expect(opinionsPageAccess(P[name], meeting, true)).toBe(withGrant);
  });

  it("members of the branch send while the stage is open; nobody after it; not the level above", () => {
    for (const name of ["sender", "secretary", "propaganda", "groupLeader"] as Name[]) {
      expect(maySendOpinion(P[name], meeting, true)).toBe(true);
      expect(maySendOpinion(P[name], meeting, false)).toBe(false);
    }
    expect(maySendOpinion(P.partyCommittee, meeting, true)).toBe(false);
    expect(maySendOpinion(P.otherBranch, meeting, true)).toBe(false);
    expect(maySendOpinion(null, meeting, true)).toBe(false);
  });

  it("only the branch's managers handle opinions (not a 委员 without a managing post, not the 党委)", () => {
    expect(mayHandleOpinions(P.secretary, meeting)).toBe(true);
    expect(mayHandleOpinions(P.orgMember, meeting)).toBe(true);
    expect(mayHandleOpinions(P.propaganda, meeting)).toBe(false);
    expect(mayHandleOpinions(P.groupLeader, meeting)).toBe(false);
    expect(mayHandleOpinions(P.partyCommittee, meeting)).toBe(false);
  });

  it("the preparation cycle is the 组织生活会's, not an ordinary meeting's", () => {
    expect(hasLifeCycle("life_meeting")).toBe(true);
    expect(hasLifeCycle("general_assembly")).toBe(false);
    expect(hasLifeCycle("member_review")).toBe(false);
  });
});
