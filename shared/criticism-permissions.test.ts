import { describe, expect, it } from "vitest";
import {
  criticismAccess,
  criticismAnswerAccess,
  criticismAuthorsVisible,
  criticismNoteAccess,
  criticismRoundAccess,
  documentAccess,
  minutesAccess,
  type CriticismNoteResource,
  type MeetingResource,
  type Subject,
} from "./permissions";
import { who } from "./test-subjects";
import type { Role } from "./domain/labels";
import { defaultRoundOrder, reorderRound } from "./domain/life-criticism";

// 批评与自我批评 at a 组织生活会 (docs/decisions/035), as a matrix: the person concerned, the 支委,
// an attendee during and after, a member not on the list, another branch, the 党委 above with and
// without a grant.
//
//   党委 C ─┬─ 党支部 B ── 党小组 G1 (shared/test-subjects.ts)
//           └─ 党支部 X

const meeting: MeetingResource = { id: "m", orgId: "b", orgKind: "branch", orgPath: ["c", "b"] };

const PERSON = who("person", ["g1", "member"]);
const SECRETARY = who("sec", ["b", "secretary"]);
const COMMITTEE = who("com", ["b", "propaganda_member"]);
const AUTHOR = who("author", ["g1", "member"]);
const ATTENDEE = who("att", ["g1", "member"]);
const OTHER_BRANCH = who("wu", ["x", "member"]);
const ABOVE = who("above", ["c", "organization_member"]);

type Who = "person" | "sec" | "com" | "author" | "att" | "wu" | "above";
const SUBJECTS: Record<Who, Subject> = {
  person: PERSON,
  sec: SECRETARY,
  com: COMMITTEE,
  author: AUTHOR,
  att: ATTENDEE,
  wu: OTHER_BRANCH,
  above: ABOVE,
};
/** On the list: the person, the author, the attendee, the 书记 (not the 宣传委员, not the others). */
const ON_LIST = new Set<Who>(["person", "author", "att", "sec"]);

const resource = (w: Who, state: { inProgress: boolean; grant?: boolean; authors?: "concerned" | "readers" }) =>
  ({
    meeting,
    personId: "person",
    attendingNow: state.inProgress && ON_LIST.has(w),
    aboveGrant: state.grant ?? false,
    inProgress: state.inProgress,
    authors: state.authors ?? "concerned",
  }) satisfies CriticismNoteResource;

const row = (f: (w: Who) => string) => Object.fromEntries((Object.keys(SUBJECTS) as Who[]).map((w) => [w, f(w)]));

describe("the note (lifeRecordAccess)", () => {
  it("during the meeting: the person, the 支委, the attendees; nobody else", () => {
    expect(row((w) => criticismNoteAccess(SUBJECTS[w], resource(w, { inProgress: true })))).toEqual({
      person: "read",
      sec: "read",
      com: "read",
      author: "read",
      att: "read",
      wu: "none",
      above: "none",
    });
  });
  it("after it: attendees lose it; the 党委 reads only with a grant", () => {
    expect(row((w) => criticismNoteAccess(SUBJECTS[w], resource(w, { inProgress: false })))).toEqual({
      person: "read",
      sec: "read",
      com: "read",
      author: "none",
      att: "none",
      wu: "none",
      above: "none",
    });
    expect(criticismNoteAccess(ABOVE, resource("above", { inProgress: false, grant: true }))).toBe("read");
    // A grant means nothing to someone who is not above the branch.
    expect(criticismNoteAccess(OTHER_BRANCH, resource("wu", { inProgress: false, grant: true }))).toBe("none");
  });
  it("nobody writes the note: it is the server's", () => {
    const doc = { kind: "criticism-note" as const, ...resource("person", { inProgress: true }) };
    for (const w of Object.keys(SUBJECTS) as Who[]) expect(documentAccess(SUBJECTS[w], doc)).not.toBe("write");
  });
});

describe("who sees authors", () => {
  it("by default the person and the 支委 only", () => {
    expect(row((w) => String(criticismAuthorsVisible(SUBJECTS[w], resource(w, { inProgress: true }))))).toEqual({
      person: "true",
      sec: "true",
      com: "true",
      author: "false",
      att: "false",
      wu: "false",
      above: "false",
    });
  });
  it("with 「readers」 every reader of the note, still nobody else", () => {
    const state = { inProgress: true, authors: "readers" as const };
    expect(criticismAuthorsVisible(ATTENDEE, resource("att", state))).toBe(true);
    expect(criticismAuthorsVisible(OTHER_BRANCH, resource("wu", state))).toBe(false);
  });
});

describe("one criticism (the author's own document)", () => {
  const crit = (w: Who, inProgress: boolean, authorInvited = true, authorId = "author") => ({
    ...resource(w, { inProgress }),
    authorId,
    authorInvited,
  });
  it("the author writes it during the meeting and reads it after; the person and the 支委 read it; others none", () => {
    expect(row((w) => criticismAccess(SUBJECTS[w], crit(w, true)))).toEqual({
      person: "read",
      sec: "read",
      com: "read",
      author: "write",
      att: "none",
      wu: "none",
      above: "none",
    });
    expect(criticismAccess(AUTHOR, crit("author", false))).toBe("read");
  });
  it("nobody writes about themselves, and someone not on the list writes nothing", () => {
    expect(criticismAccess(PERSON, crit("person", true, true, "person"))).toBe("none");
    expect(criticismAccess(AUTHOR, crit("author", true, false))).toBe("none");
  });
});

describe("the answer (表态)", () => {
  it("the person writes it while attending; readers of the note read it", () => {
    expect(criticismAnswerAccess(PERSON, resource("person", { inProgress: true }))).toBe("write");
    expect(criticismAnswerAccess(PERSON, resource("person", { inProgress: false }))).toBe("read");
    expect(criticismAnswerAccess(ATTENDEE, resource("att", { inProgress: true }))).toBe("read");
    expect(criticismAnswerAccess(ATTENDEE, resource("att", { inProgress: false }))).toBe("none");
  });
});

describe("the round and the minutes", () => {
  it("the host and those who convene run the round; members read it", () => {
    const s = (subject: Subject, invited: boolean) =>
      criticismRoundAccess(subject, { meeting, hostId: "sec", invited });
    expect(s(SECRETARY, true)).toBe("manage");
    expect(s(ATTENDEE, true)).toBe("read");
    expect(s(OTHER_BRANCH, false)).toBe("none");
  });
  it("a 组织生活会's minutes follow lifeRecordAccess, the host and the 记录人 keep them", () => {
    const minutes = (attendingNow: boolean) => ({
      meeting,
      hostId: "sec",
      recorderId: "rec",
      editorIds: [],
      life: { attendingNow, aboveGrant: false },
    });
    expect(minutesAccess(ATTENDEE, minutes(true))).toBe("read");
    expect(minutesAccess(ATTENDEE, minutes(false))).toBe("none");
    expect(minutesAccess(COMMITTEE, minutes(false))).toBe("read");
    expect(minutesAccess(who("rec", ["g1", "member"]), minutes(false))).toBe("write");
    expect(minutesAccess(ABOVE, minutes(false))).toBe("none");
    // An ordinary meeting's minutes are unchanged: a member reads them afterwards.
    expect(minutesAccess(ATTENDEE, { ...minutes(false), life: null })).toBe("read");
  });
});

describe("order of the round", () => {
  const p = (id: string, name: string, roles: Role[]) => ({ id, name, roles });
  it("书记 first, then the 委员, then the members", () => {
    const order = defaultRoundOrder([
      p("1", "张三", ["member"]),
      p("2", "李四", ["organization_member"]),
      p("3", "王五", ["secretary", "member"]),
      p("4", "赵六", ["group_leader"]),
      p("5", "钱七", ["deputy_secretary"]),
    ]);
    // 张三 (zhāng) before 赵六 (zhào): each band by name.
    expect(order.map((x) => x.id)).toEqual(["3", "5", "2", "1", "4"]);
  });
  it("the host's order first, the rest after, unknown and repeated ids dropped", () => {
    expect(reorderRound(["a", "b", "c", "d"], ["c", "a", "c", "zz"])).toEqual(["c", "a", "b", "d"]);
  });
});
