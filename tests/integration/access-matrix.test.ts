import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocStore } from "../../server/collab/persistence";
import {
  criticismAnswerDoc,
  criticismDoc,
  criticismNoteDoc,
  DOC_KINDS,
  examinationDoc,
  meetingLiveDoc,
  meetingMinutesDoc,
  reflectionDoc,
} from "../../shared/doc-names";
import { DEMO, httpActors, ORGS, withDemoServer } from "../setup/demo";
import { appRoutes, fill, type AppRoute } from "../setup/routes";
import { appendParagraph, connectClient, upgradeStatus } from "../setup/yclient";
import {
  MATERIALS_UPLOAD_MAX_BYTES,
  REFLECTION_SUBMIT_MAX_BYTES,
  ROSTER_UPLOAD_MAX_BYTES,
} from "../../shared/upload-limits";
import { chinaDateKey } from "../../shared/time";

// The role × action matrix (docs/decisions/019): every route's page, every form intent and every
// live document kind, for each kind of person around one running 支部党员大会 of the first branch.
// The routes come from the build and the intents from the source (tests/setup/routes.ts), so a
// route, intent or document kind added later fails the first test below until it has a row here.
//
// "Allowed" means the permission check let the person through: the answer is not 401/403/404, not
// a sign-in redirect, and not a 5xx (a 400 or 409 about the content or the meeting's state is
// fine). "Refused" means 403 or 404 for someone signed in, a sign-in redirect for someone signed
// out; nothing changes. "May read" never grants a change.

const ROLES = [
  "host", // 陈静, a plain member chosen to host
  "recorder", // 杨帆 记录人
  "coEditor", // 刘洋, allowed by the host to co-edit
  "branchManager", // 王建国 书记
  "peerManager", // 李秀英 组织委员: the 书记's peer on the committee
  "groupLeader", // 张伟 第一党小组长 (刘洋's group)
  "attendee", // 黄磊
  "probationary", // 赵敏 预备党员
  "mobile", // 郑华 流动党员
  "notInvited", // 钱枫, a member of the branch left off the list
  "ended", // 孙磊, on the list, membership ended since
  "partyLeaderInGroup", // 何志远, 党委书记, an ordinary member of 第二党小组 (双重组织生活)
  "reviewer", // 周志强 党委组织委员, not on the list
  "otherBranch", // 吴刚
  "signedOut",
] as const;
type Role = (typeof ROLES)[number];

const EXTRA = {
  notInvited: { username: "13900000001", name: "钱枫", org: ORGS.G2, role: "member" },
  ended: { username: "13900000002", name: "孙磊", org: ORGS.G1, role: "member" },
  partyLeaderInGroup: { username: "13900000003", name: "何志远", org: ORGS.G2, role: "member" },
} as const;

const USERNAME: Record<Exclude<Role, "signedOut">, string> = {
  host: DEMO.CHEN,
  recorder: DEMO.YANG,
  coEditor: DEMO.LIU,
  branchManager: DEMO.SEC,
  peerManager: DEMO.ORG,
  groupLeader: DEMO.LEADER,
  attendee: DEMO.HUANG,
  probationary: DEMO.ZHAO,
  mobile: DEMO.ZHENG,
  notInvited: EXTRA.notInvited.username,
  ended: EXTRA.ended.username,
  partyLeaderInGroup: EXTRA.partyLeaderInGroup.username,
  reviewer: DEMO.REVIEWER,
  otherBranch: DEMO.WU,
};

// Audiences, written out by hand (not computed with the rules under test).
const ALL: Role[] = [...ROLES];
const SIGNED_IN = ROLES.filter((r) => r !== "signedOut");
const INVITED: Role[] = [
  "host",
  "recorder",
  "coEditor",
  "branchManager",
  "peerManager",
  "groupLeader",
  "attendee",
  "probationary",
  "mobile",
  "partyLeaderInGroup",
];
const MEETING_READERS: Role[] = [...INVITED, "notInvited", "reviewer"];
const RUNNERS: Role[] = ["host", "branchManager", "peerManager"];
const VOTERS: Role[] = INVITED.filter((r) => r !== "probationary" && r !== "mobile");
const MINUTES_WRITERS: Role[] = ["host", "recorder", "coEditor", "branchManager", "peerManager"];
const ORG_READERS: Role[] = [...INVITED, "notInvited", "reviewer"];
const ORG_MANAGERS: Role[] = ["branchManager", "peerManager", "partyLeaderInGroup", "reviewer"];
const SCHEDULERS: Role[] = ["branchManager", "peerManager"];
/** Who adds to a branch's 整改清单 and 问题清单: its own 书记 and 组织委员 (not the 党委 above). */
const RECTIFIERS: Role[] = ["branchManager", "peerManager"];
/** 刘洋's submitted 心得体会 with the default rule (committee only): reviewers, its author, the 党委. */
const REFLECTION_READERS: Role[] = [...RUNNERS, "coEditor", "reviewer", "partyLeaderInGroup"];
/** 民主评议: the branch's 正式党员 with a regular membership, on the list or not (钱枫). */
const REVIEW_VOTERS: Role[] = [
  "host",
  "recorder",
  "coEditor",
  "branchManager",
  "peerManager",
  "groupLeader",
  "attendee",
  "notInvited",
  "partyLeaderInGroup",
];
/** 征求意见 (decision 032): the members of the branch, on the list or not; not the 党委 without a grant. */
const OPINION_MEMBERS: Role[] = [...INVITED, "notInvited"];

/** Reissuing the code of an activated account is a password reset: only from above (decision 018). */
const RESETTERS: Role[] = ["partyLeaderInGroup", "reviewer"];

type Payload = Record<string, string>;
interface Cell {
  /** Who gets through the permission check. */
  allowed: Role[];
  /** The form (without intent) for a POST; made anew for each person. */
  body?: () => Payload | Promise<Payload>;
  /** Ids to put into the URL, by parameter name (defaults: the fixture meeting, branch, …). */
  params?: () => Record<string, string>;
  /** Public routes answer everyone alike: only "no 5xx" is asserted. */
  public?: true;
  /** Ends the person's session: run with sessions of its own. */
  fresh?: true;
  /** Only shows something back (e.g. the default list for another kind): stores nothing, whatever the values. */
  showsOnly?: true;
}

const t = withDemoServer();
const f: Record<string, string> = {};
const uid = (r: Role) => t.ids.user[USERNAME[r as Exclude<Role, "signedOut">]];

// ---------------------------------------------------------------------------------------------
// The table: one row per route page (GET) and per form intent (POST intent).
// ---------------------------------------------------------------------------------------------

const TABLE: Record<string, Record<string, Cell>> = {
  "/": { GET: { allowed: SIGNED_IN } },
  "/calendar": { GET: { allowed: SIGNED_IN } },
  "/calendar/:token.ics": { GET: { allowed: ALL, public: true, params: () => ({ token: "no-such-token" }) } },
  "/files/:fileId": { GET: { allowed: MEETING_READERS } },
  "/files/:fileId/preview": { GET: { allowed: MEETING_READERS } },
  "/invite": { GET: { allowed: ALL, public: true } },
  "/invite/:code": {
    GET: { allowed: ALL, public: true, params: () => ({ code: "ABCD2345" }) },
    POST: {
      allowed: ALL,
      public: true,
      params: () => ({ code: "ABCD2345" }),
      body: () => ({ password: "abcdefgh12", confirm: "abcdefgh12" }),
    },
  },
  "/login": {
    GET: { allowed: ALL, public: true },
    POST: { allowed: ALL, public: true, body: () => ({ username: "13800000099", password: "wrong-password" }) },
  },
  "/logout": { GET: { allowed: ALL, public: true }, POST: { allowed: ALL, public: true, fresh: true } },
  "/makeup": {
    GET: { allowed: SIGNED_IN },
    complete: { allowed: ["attendee"], body: () => ({ taskId: f.makeupTask, note: "已学习" }) },
  },
  "/me": {
    GET: { allowed: SIGNED_IN },
    password: {
      allowed: SIGNED_IN,
      body: () => ({ current: "wrong-password", password: "newpassword1", confirm: "newpassword1" }),
    },
    sessions: { allowed: SIGNED_IN },
    "feed-create": { allowed: SIGNED_IN },
    "feed-revoke": { allowed: SIGNED_IN },
  },
  "/meetings/:meetingId": {
    GET: { allowed: MEETING_READERS },
    start: { allowed: RUNNERS },
    agenda: { allowed: RUNNERS, body: () => ({ itemId: f.agendaItem }) },
    // Taking a co-editor off (putting one on would change the minutes rows below).
    editor: { allowed: RUNNERS, body: () => ({ userId: uid("attendee"), allowed: "0" }) },
    end: { allowed: RUNNERS, params: () => ({ meetingId: f.endable }) },
  },
  "/meetings/:meetingId/attendance": {
    GET: { allowed: MEETING_READERS },
    signin: { allowed: INVITED, body: () => ({ code: "000000" }) },
    leave: { allowed: INVITED, body: () => ({ reason: "出差在外地" }) },
    correct: {
      allowed: RUNNERS,
      body: () => ({ userId: uid("attendee"), status: "present", mode: "onsite", reason: "现场登记" }),
    },
    // A leave request is hidden (404) from whoever may not decide it; 张伟 leads 刘洋's group.
    decide: { allowed: [...RUNNERS, "groupLeader"], body: () => ({ leaveId: f.leave, approve: "yes", note: "" }) },
    start: { allowed: RUNNERS },
    close: { allowed: RUNNERS, params: () => ({ meetingId: f.endable }) },
  },
  // The attendance sheet as CSV (decision 028): reasons in it can be private, so only those who run it.
  "/meetings/:meetingId/attendance.csv": { GET: { allowed: RUNNERS } },
  "/meetings/:meetingId/edit": {
    GET: { allowed: SCHEDULERS },
    save: { allowed: SCHEDULERS, params: () => ({ meetingId: f.future }), body: () => meetingForm() },
    defaults: {
      showsOnly: true,
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.future }),
      body: () => ({ ...meetingForm(), kind: "party_lecture" }),
    },
    cancel: { allowed: SCHEDULERS, params: () => ({ meetingId: f.future }), body: () => ({ reason: "另行安排" }) },
    correct: {
      allowed: SCHEDULERS,
      body: () => ({ location: "二楼会议室", onlineUrl: "", agenda: "学习\n表决", reason: "地点更正" }),
    },
    upload: { allowed: SCHEDULERS },
    remove: {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.future }),
      body: async () => ({ materialId: await material(f.future) }),
    },
  },
  "/meetings/:meetingId/reflection": {
    GET: { allowed: INVITED },
    submit: { allowed: INVITED, body: () => ({ update: "" }) },
  },
  "/meetings/:meetingId/reflections": {
    // The reviewers' overview (with the default rule, committee only).
    GET: { allowed: RUNNERS },
    remind: { allowed: RUNNERS },
    deadline: { allowed: RUNNERS, body: () => ({ deadline: "2099-01-01T18:00" }) },
    "clear-deadline": { allowed: RUNNERS },
  },
  "/meetings/:meetingId/reflections/:userId": {
    GET: { allowed: REFLECTION_READERS },
    accept: { allowed: RUNNERS },
    return: { allowed: RUNNERS, body: () => ({ comment: "请结合工作实际再充实" }) },
  },
  // 对照检查材料 (decision 034) on a 组织生活会 of the branch with the same list, not yet begun; 刘洋's
  // is submitted. Readers: the author (sent to his own page), the 支委; the 书记 reviews. The 党委's
  // committee members review the 书记's own, so they open the overview (their rows only).
  "/meetings/:meetingId/examination": {
    GET: { allowed: INVITED, params: () => ({ meetingId: f.lifeExam }) },
    submit: { allowed: INVITED, params: () => ({ meetingId: f.lifeExam }), body: () => ({ update: "" }) },
  },
  "/meetings/:meetingId/examinations": {
    GET: {
      allowed: ["branchManager", "peerManager", "partyLeaderInGroup", "reviewer"],
      params: () => ({ meetingId: f.lifeExam }),
    },
    reviewer: {
      allowed: ["branchManager", "peerManager"],
      params: () => ({ meetingId: f.lifeExam }),
      body: () => ({ reviewerId: "" }),
    },
    "boilerplate-add": {
      allowed: ["branchManager", "peerManager"],
      params: () => ({ meetingId: f.lifeExam }),
      body: () => ({ title: "矩阵模板", text: "这是一段用于矩阵测试的模板正文，长度足够二十个字。" }),
    },
    "boilerplate-remove": {
      allowed: ["branchManager", "peerManager"],
      params: () => ({ meetingId: f.lifeExam }),
      body: () => ({ id: uid("attendee") }),
    },
  },
  "/meetings/:meetingId/examinations/:userId": {
    GET: { allowed: ["coEditor", "branchManager", "peerManager"], params: () => ({ meetingId: f.lifeExam }) },
    accept: { allowed: ["branchManager"], params: () => ({ meetingId: f.lifeExam }) },
    return: {
      allowed: ["branchManager"],
      params: () => ({ meetingId: f.lifeExam }),
      body: () => ({ comment: "请结合工作实际再充实" }),
    },
  },
  // 批评与自我批评 (decision 035) on an ended 组织生活会 of the branch with the same list: the round is
  // read by the meeting's readers and run by its runners (now 409: it is over); 黄磊's note by him and
  // the 支委 only (lifeRecordAccess; the 党委 holds no grant). life-criticism.test.ts has the rest.
  "/meetings/:meetingId/criticism": {
    GET: { allowed: MEETING_READERS, params: () => ({ meetingId: f.lifeEnded }) },
    turn: { allowed: RUNNERS, params: () => ({ meetingId: f.lifeEnded }), body: () => ({ step: "next" }) },
    order: { allowed: RUNNERS, params: () => ({ meetingId: f.lifeEnded }), body: () => ({ order: uid("attendee") }) },
  },
  "/meetings/:meetingId/criticism/:personId": {
    GET: {
      allowed: ["attendee", "branchManager", "peerManager"],
      params: () => ({ meetingId: f.lifeEnded, personId: uid("attendee") }),
    },
  },
  // The record of an ended 支部党员大会 (decision 038): opened by its 主持人 (陈静) and 记录人 (杨帆), those
  // who convene the branch and the 党委's managers (who sign for a holder who left); ordinary members
  // and a 党小组长 of another group: 404. 签字 without a role: only the two holders (the 书记 and the
  // 党委 are refused, 403: nobody signs for a holder still there); the second signature seals it.
  "/meetings/:meetingId/record": {
    GET: {
      allowed: ["host", "recorder", "branchManager", "peerManager", "partyLeaderInGroup", "reviewer"],
      params: () => ({ meetingId: f.ended }),
    },
    sign: { allowed: ["host", "recorder"], params: () => ({ meetingId: f.ended }) },
  },
  // 投屏: the room view; everyone who may read the meeting may open it (the sign-in code only for those who run it).
  "/meetings/:meetingId/screen": { GET: { allowed: MEETING_READERS } },
  "/meetings/:meetingId/votes": {
    GET: { allowed: MEETING_READERS },
    open: { allowed: RUNNERS, body: () => ({ title: "测试表决", matter: "other", secret: "", agendaItemId: "" }) },
    cast: { allowed: VOTERS, body: () => ({ voteId: f.vote, choice: "for" }) },
    written: { allowed: RUNNERS, body: () => ({ voteId: f.vote, userId: uid("attendee"), choice: "for" }) },
    close: { allowed: RUNNERS, body: () => ({ voteId: f.closable }) },
  },
  // 民主评议党员 (decision 030), on a 民主评议 meeting of the branch with its ballot open. The roll is
  // the branch's (not the meeting's list): 正式党员 vote, 预备党员 are graded, 流动党员 neither.
  "/meetings/:meetingId/review": {
    GET: { allowed: MEETING_READERS, params: () => ({ meetingId: f.review }) },
    open: { allowed: RUNNERS, params: () => ({ meetingId: f.reviewNew }) },
    close: { allowed: RUNNERS, params: () => ({ meetingId: f.reviewClose }) },
    self: {
      allowed: [...REVIEW_VOTERS, "probationary"],
      params: () => ({ meetingId: f.review }),
      body: () => ({ grade: "" }),
    },
    submit: { allowed: REVIEW_VOTERS, params: () => ({ meetingId: f.review }) },
  },
  // The 组织生活会 cycle (decision 036), on a 组织生活会 of the branch still to come: the study is
  // arranged by those who convene, 上报 by the 书记, 列席 and 调阅 by the committee above; a grant is
  // ended early by the 书记 or by whoever holds it.
  "/meetings/:meetingId/life": {
    GET: { allowed: MEETING_READERS, params: () => ({ meetingId: f.life }) },
    "link-study": {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ studyMeetingId: f.meeting }),
    },
    "unlink-study": {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ studyMeetingId: f.meeting }),
    },
    "offline-study": {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ topic: "线下学习", studiedOn: "2026-01-05", hours: "2" }),
    },
    "report-plan": { allowed: ["branchManager"], params: () => ({ meetingId: f.life }) },
    "report-outcome": { allowed: ["branchManager"], params: () => ({ meetingId: f.life }) },
    "attend-above": { allowed: ["reviewer", "partyLeaderInGroup"], params: () => ({ meetingId: f.lifePlanned }) },
    // On a meeting of its own: a grant it gives would let the 党委 into f.life's other records.
    "ask-above": {
      allowed: ["reviewer", "partyLeaderInGroup"],
      params: () => ({ meetingId: f.lifeAsk }),
      body: () => ({ reason: "检查", days: "1" }),
    },
    // A grant the reviewer holds on a meeting of its own: ended early by the 书记 or by the reviewer.
    "end-above": {
      allowed: ["branchManager", "reviewer"],
      params: () => ({ meetingId: f.lifeGranted }),
      body: () => ({ grantId: f.grant }),
    },
  },
  // The 支委's results (自评, tallies once closed) and 评定: recorded by the branch's managers.
  "/meetings/:meetingId/review/results": {
    GET: { allowed: RUNNERS, params: () => ({ meetingId: f.review }) },
    record: {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.review }),
      body: () => ({
        [`outcome.${uid("attendee")}.grade`]: "qualified",
        [`outcome.${uid("attendee")}.opinion`]: "表现良好。",
      }),
    },
    report: { allowed: SCHEDULERS, params: () => ({ meetingId: f.review }) },
  },
  // 征求意见 before a 组织生活会 (decision 032): members send; the branch's managers handle.
  "/meetings/:meetingId/opinions": {
    GET: { allowed: OPINION_MEMBERS, params: () => ({ meetingId: f.life }) },
    send: {
      allowed: OPINION_MEMBERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ about: "general", aboutPersonId: "", text: "矩阵意见" }),
    },
    masses: {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ about: "committee", aboutPersonId: "", text: "群众意见" }),
    },
    sort: {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ opinionId: f.opinion, text: "矩阵问题" }),
    },
    pass: { allowed: SCHEDULERS, params: () => ({ meetingId: f.life }), body: () => ({ opinionId: f.opinion }) },
  },
  // 谈心谈话 of a 组织生活会 (decision 033): every member of the branch opens the page (their own
  // talks) and records their own talks; the 党委 reads the matrix and records nothing; the rule
  // set is the branch's managers'.
  "/meetings/:meetingId/talks": {
    GET: { allowed: MEETING_READERS, params: () => ({ meetingId: f.life }) },
    record: {
      allowed: MEETING_READERS.filter((r) => r !== "reviewer"),
      params: () => ({ meetingId: f.life }),
      body: () => ({
        partnerId: uid("coEditor"),
        talkedOn: chinaDateKey(new Date()),
        place: "党员活动室",
        summary: "矩阵中的谈话。",
      }),
    },
    settings: {
      allowed: SCHEDULERS,
      params: () => ({ meetingId: f.life }),
      body: () => ({ secretaryAll: "on", committeePairwise: "on", liaisonGroups: "on" }),
    },
  },
  "/members/:userId": {
    GET: { allowed: ORG_READERS, params: () => ({ userId: f["target.role"] }) },
    role: {
      allowed: ORG_MANAGERS,
      params: () => ({ userId: f["target.role"] }),
      body: () => ({ membershipId: f["membership.role"], role: "member", mobile: "" }),
    },
    move: {
      allowed: ORG_MANAGERS,
      params: () => ({ userId: f["target.move"] }),
      body: () => ({ membershipId: f["membership.move"], orgId: t.ids.org[ORGS.G1] }),
    },
    end: {
      allowed: ORG_MANAGERS,
      params: () => ({ userId: f["target.end"] }),
      body: () => ({ membershipId: f["membership.end"], reason: "调出" }),
    },
    add: {
      allowed: ORG_MANAGERS,
      params: () => ({ userId: f["target.add"] }),
      body: () => ({ orgId: t.ids.org[ORGS.G1], role: "member", mobile: "" }),
    },
    invite: { allowed: RESETTERS, params: () => ({ userId: f["target.invite"] }) },
    person: {
      allowed: ORG_MANAGERS,
      params: () => ({ userId: f["target.person"] }),
      body: () => ({ displayName: "改名测试", category: "full", probationStartedOn: "", probationEndsOn: "" }),
    },
  },
  "/notifications": { GET: { allowed: SIGNED_IN }, POST: { allowed: SIGNED_IN }, all: { allowed: SIGNED_IN } },
  "/orgs": {
    GET: { allowed: SIGNED_IN },
    create: {
      allowed: ORG_MANAGERS,
      body: () => ({ parentId: t.ids.org[ORGS.B1], kind: "group", name: "测试党小组" }),
    },
    rename: { allowed: ORG_MANAGERS, body: () => ({ orgId: t.ids.org[ORGS.G2], name: "第二党小组" }) },
    move: { allowed: ORG_MANAGERS, body: () => ({ orgId: t.ids.org[ORGS.G2], parentId: t.ids.org[ORGS.B1] }) },
  },
  "/orgs/:orgId": { GET: { allowed: ORG_READERS } },
  "/orgs/:orgId/audit": { GET: { allowed: ORG_MANAGERS } },
  "/orgs/:orgId/calendar": { GET: { allowed: ORG_READERS } },
  "/orgs/:orgId/compliance": { GET: { allowed: ORG_MANAGERS } },
  "/orgs/:orgId/import": {
    GET: { allowed: ORG_MANAGERS },
    preview: { allowed: ORG_MANAGERS, body: () => ({ paste: "姓名,手机号\n测试,13912345678" }) },
    import: { allowed: ORG_MANAGERS, body: () => ({ table: "[]", choice: "good" }) },
  },
  "/orgs/:orgId/meetings/new": {
    GET: { allowed: SCHEDULERS },
    create: { allowed: SCHEDULERS, body: () => meetingForm() },
  },
  "/orgs/:orgId/members": { GET: { allowed: ORG_READERS } },
  "/orgs/:orgId/members/new": {
    GET: { allowed: ORG_MANAGERS },
    POST: {
      allowed: ORG_MANAGERS,
      body: () => ({
        username: "13912340000",
        orgId: t.ids.org[ORGS.G2],
        role: "member",
        mobile: "",
        displayName: "新成员",
        category: "full",
      }),
    },
  },
  "/orgs/:orgId/overview": { GET: { allowed: ORG_MANAGERS } },
  "/orgs/:orgId/plan": { GET: { allowed: SCHEDULERS }, POST: { allowed: SCHEDULERS, body: () => ({ year: "2099" }) } },
  "/orgs/:orgId/roster-template": { GET: { allowed: ORG_MANAGERS } },
  "/orgs/:orgId/series/new": {
    GET: { allowed: SCHEDULERS },
    preview: { allowed: SCHEDULERS },
    create: { allowed: SCHEDULERS },
  },
  "/orgs/:orgId/settings": { GET: { allowed: ORG_MANAGERS }, POST: { allowed: ORG_MANAGERS } },
  // The branch's 整改清单 (decision 031): read by its members and the 党委 (scope 全支部, the default);
  // written by its own 书记 and 组织委员; 对单销号 and returns by its 书记 only. The fixture item
  // is owned by the branch, so its managers report it.
  "/orgs/:orgId/rectification": {
    GET: { allowed: ORG_READERS },
    create: {
      allowed: RECTIFIERS,
      body: () => ({
        problem: "矩阵问题",
        measures: "矩阵措施",
        ownerId: "",
        deadline: "2099-12-31",
        commitment: "矩阵承诺",
      }),
    },
    problem: { allowed: RECTIFIERS, body: () => ({ text: "矩阵问题" }) },
    edit: {
      allowed: RECTIFIERS,
      body: () => ({
        itemId: f.rectification,
        problem: "矩阵问题（改）",
        measures: "矩阵措施",
        ownerId: "",
        deadline: "2099-12-31",
        commitment: "矩阵承诺",
      }),
    },
    report: { allowed: RECTIFIERS, body: () => ({ itemId: f.rectification, note: "已完成" }) },
    confirm: { allowed: ["branchManager"], body: () => ({ itemId: f.rectification }) },
    return: { allowed: ["branchManager"], body: () => ({ itemId: f.rectification, note: "请补充" }) },
    settings: { allowed: RECTIFIERS, body: () => ({ scope: "branch", remindDays: "7" }) },
  },
};

/** The live documents of the fixture meeting, and who reads or writes each. */
const DOCS: Record<(typeof DOC_KINDS)[number], { name: () => string; read: Role[]; write: Role[] }[]> = {
  "meeting-minutes": [{ name: () => meetingMinutesDoc(f.meeting), read: MEETING_READERS, write: MINUTES_WRITERS }],
  "meeting-live": [{ name: () => meetingLiveDoc(f.meeting), read: MEETING_READERS, write: [] }],
  reflection: [
    // 黄磊's draft: his alone.
    { name: () => reflectionDoc(f.meeting, uid("attendee")), read: ["attendee"], write: ["attendee"] },
    // 刘洋's submitted one: read by its readers, written by nobody.
    { name: () => reflectionDoc(f.meeting, uid("coEditor")), read: REFLECTION_READERS, write: [] },
    // The 党委 reviewer's "own" on a meeting he is not invited to: nobody's.
    { name: () => reflectionDoc(f.meeting, uid("reviewer")), read: [], write: [] },
  ],
  examination: [
    // On the fixture's 支部党员大会 there are none.
    { name: () => examinationDoc(f.meeting, uid("attendee")), read: [], write: [] },
    // 黄磊's draft on the 组织生活会: his alone.
    { name: () => examinationDoc(f.lifeExam, uid("attendee")), read: ["attendee"], write: ["attendee"] },
    // 刘洋's submitted one: the author and the 支委 read it (the meeting not under way), nobody writes.
    {
      name: () => examinationDoc(f.lifeExam, uid("coEditor")),
      read: ["coEditor", "branchManager", "peerManager"],
      write: [],
    },
  ],
  // The round of criticism belongs to a 组织生活会 (tests/integration/life-criticism.test.ts has its
  // matrix); on the fixture's 党员大会 these names open for nobody.
  criticism: [{ name: () => criticismDoc(f.meeting, uid("coEditor"), uid("attendee")), read: [], write: [] }],
  "criticism-answer": [{ name: () => criticismAnswerDoc(f.meeting, uid("attendee")), read: [], write: [] }],
  "criticism-note": [{ name: () => criticismNoteDoc(f.meeting, uid("attendee")), read: [], write: [] }],
};

function meetingForm(): Payload {
  const day = new Date(Date.now() + 40 * 86_400_000 + Math.floor(Math.random() * 200) * 86_400_000);
  return {
    kind: "general_assembly",
    title: "矩阵测试会议",
    date: chinaDateKey(day),
    startTime: "09:00",
    endTime: "10:00",
    location: "党员活动室",
    onlineUrl: "",
    hostId: t.ids.user[DEMO.SEC],
    recorderId: t.ids.user[DEMO.ORG],
    agenda: "学习",
    links: "",
  };
}

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

async function person(username: string, name: string, org: string, role: string): Promise<string> {
  const [u] = await t.sql<{ id: string }[]>`
    insert into users (username, display_name, password_hash, category)
    values (${username}, ${name}, (select password_hash from users where username = ${DEMO.LIU}), 'full') returning id`;
  await t.sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${t.ids.org[org]}, ${role})`;
  t.ids.user[username] = u.id;
  return u.id;
}

beforeAll(async () => {
  for (const x of Object.values(EXTRA)) await person(x.username, x.name, x.org, x.role);
  await t.sql`insert into memberships (user_id, org_id, role)
              values (${t.ids.user[EXTRA.partyLeaderInGroup.username]}, ${t.ids.org[ORGS.COMMITTEE]}, 'secretary')`;
  // Member pages act on people of their own, one per intent.
  for (const [i, intent] of ["role", "move", "end", "add", "invite", "person"].entries()) {
    // The one whose code is reissued sits directly in the branch: its own 书记 and 组织委员 are
    // then peers, and only the 党委 above may reset an activated account (decision 018).
    f[`target.${intent}`] = await person(
      `1391000000${i}`,
      `对象${intent}`,
      intent === "invite" ? ORGS.B1 : ORGS.G2,
      "member",
    );
    const [ms] = await t.sql<{ id: string }[]>`select id from memberships where user_id = ${f[`target.${intent}`]}`;
    f[`membership.${intent}`] = ms.id;
  }
  const list = INVITED.map((r) => USERNAME[r as Exclude<Role, "signedOut">]).concat(EXTRA.ended.username);
  const spec = {
    org: ORGS.B1,
    inMin: -10,
    host: DEMO.CHEN,
    recorder: DEMO.YANG,
    editors: [DEMO.LIU],
    attendees: list,
    started: true,
    agenda: ["学习", "表决"],
  };
  f.meeting = await t.meeting(spec);
  f.lifeEnded = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "矩阵组织生活会",
    host: DEMO.CHEN,
    attendees: list,
    inMin: -300,
    ended: true,
  });
  f.endable = await t.meeting({ ...spec, title: "可结束的会议" });
  f.ended = await t.meeting({ ...spec, title: "已结束的会议", ended: true });
  f.future = await t.meeting({ ...spec, started: false, inMin: 3 * 24 * 60, title: "将来的会议" });
  f.lifeExam = await t.meeting({
    ...spec,
    kind: "life_meeting",
    started: false,
    inMin: 4 * 24 * 60,
    title: "组织生活会",
  });
  await t.sql`update memberships set ended_at = now(), ended_reason = '调出' where user_id = ${t.ids.user[EXTRA.ended.username]}`;
  for (const m of [f.meeting, f.endable])
    for (const u of list)
      await t.sql`insert into attendance (meeting_id, user_id, status, signed_in_at, via) values (${m}, ${t.ids.user[u]}, 'present', now(), 'code')`;
  [{ id: f.agendaItem }] = await t.sql<
    { id: string }[]
  >`select id from meeting_agenda_items where meeting_id = ${f.meeting} limit 1`;
  [{ id: f.leave }] = await t.sql<{ id: string }[]>`
    insert into leave_requests (meeting_id, user_id, reason) values (${f.future}, ${uid("coEditor")}, '出差') returning id`;
  [{ id: f.makeupTask }] = await t.sql<{ id: string }[]>`
    insert into makeup_tasks (meeting_id, user_id) values (${f.meeting}, ${uid("attendee")}) returning id`;
  await t.sql`insert into reflections (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
              values (${f.meeting}, ${uid("coEditor")}, 'submitted', '学习党章的体会', 7, now())`;
  await t.sql`insert into examinations (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
              values (${f.lifeExam}, ${uid("coEditor")}, 'submitted', '对照党章查摆的问题', 8, now())`;
  const [file] = await t.sql<{ id: string }[]>`
    insert into files (name, mime, size, data, created_by) values ('学习提纲.txt', 'text/plain', 12, ${Buffer.from("学习提纲")}, ${t.ids.user[DEMO.SEC]})
    returning id`;
  f.file = file.id;
  await t.sql`insert into meeting_materials (meeting_id, title, file_id, created_by) values (${f.meeting}, '学习提纲', ${file.id}, ${t.ids.user[DEMO.SEC]})`;

  // One vote at a time: cast into it, then (its row comes after) close it.
  const opened = await t.http.post(
    `/meetings/${f.meeting}/votes`,
    { intent: "open", title: "开放表决", matter: "other", secret: "", agendaItemId: "" },
    DEMO.SEC,
  );
  expect(opened.status).toBe(200);
  [{ id: f.vote }] = await t.sql<{ id: string }[]>`select id from votes where meeting_id = ${f.meeting}`;
  f.closable = f.vote;
  [{ id: f.rectification }] = await t.sql<{ id: string }[]>`
    insert into rectification_items (org_id, problem, measures, owner_id, deadline, commitment, created_by)
    values (${t.ids.org[ORGS.B1]}, '矩阵事项', '措施', null, '2099-12-31', '承诺', ${t.ids.user[DEMO.SEC]}) returning id`;
  // 民主评议: one ballot open (after 孙磊 left, so he is not on its roll), one to close, one to open.
  const review = { org: ORGS.B1, kind: "member_review", host: DEMO.CHEN, attendees: list };
  f.review = await t.meeting({ ...review, title: "民主评议" });
  f.reviewClose = await t.meeting({ ...review, title: "可结束的民主评议" });
  f.reviewNew = await t.meeting({ ...review, title: "未开始的民主评议" });
  // 组织生活会 (decision 036): one to come, and one whose plan already reached the 党委.
  const lifeSpec = { org: ORGS.B1, kind: "life_meeting", host: DEMO.CHEN, attendees: list, inMin: 12 * 24 * 60 };
  f.lifePlanned = await t.meeting({ ...lifeSpec, title: "已上报方案的组织生活会" });
  f.lifeAsk = await t.meeting({ ...lifeSpec, title: "上级调阅的组织生活会" });
  await t.sql`insert into life_reports (meeting_id, stage, reported_by) values (${f.lifePlanned}, 'plan', ${t.ids.user[DEMO.SEC]})`;
  f.lifeGranted = await t.meeting({ ...lifeSpec, title: "调阅中的组织生活会" });
  [{ id: f.grant }] = await t.sql<{ id: string }[]>`
    insert into life_above_grants (meeting_id, user_id, reason, expires_at)
    values (${f.lifeGranted}, ${uid("reviewer")}, '矩阵调阅', now() + interval '3 days') returning id`;
  for (const m of [f.review, f.reviewClose])
    expect((await t.http.post(`/meetings/${m}/review`, { intent: "open" }, DEMO.SEC)).status).toBe(200);
  // 征求意见: a 组织生活会 in its preparation stage, with 刘洋's opinion about 黄磊.
  f.life = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    inMin: 3 * 24 * 60,
    host: DEMO.CHEN,
    attendees: list,
    title: "组织生活会",
  });
  [{ id: f.opinion }] = await t.sql<{ id: string }[]>`
    insert into life_opinions (meeting_id, about, about_person_id, sender_id, text)
    values (${f.life}, 'person', ${uid("attendee")}, ${uid("coEditor")}, '矩阵意见：发言不够具体') returning id`;
  // Sign everyone in now, so the fixture's own posts above do not count as anyone's session.
  for (const r of SIGNED_IN) await t.http.cookie(USERNAME[r]);
}, 120_000);

/** A material of the meeting (the fixture's file), for a removal. */
async function material(meetingId: string): Promise<string> {
  const [m] = await t.sql<{ id: string }[]>`
    insert into meeting_materials (meeting_id, title, file_id, created_by)
    values (${meetingId}, '可移除的资料', ${f.file}, ${t.ids.user[DEMO.SEC]}) returning id`;
  return m.id;
}

const paramsFor = (cell: Cell): Record<string, string> => ({
  meetingId: f.meeting,
  orgId: t.ids.org[ORGS.B1],
  userId: uid("coEditor"),
  fileId: f.file,
  ...(cell.params?.() ?? {}),
});

const who = (r: Role) => (r === "signedOut" ? null : USERNAME[r]);
const toLogin = (res: Response) =>
  res.status >= 300 && res.status < 400 && (res.headers.get("location") ?? "").startsWith("/login");

async function call(route: AppRoute, key: string, cell: Cell, role: Role): Promise<Response> {
  const url = fill(route.pattern, paramsFor(cell));
  const as = cell.fresh ? httpActors(t.s) : t.http;
  if (key === "GET") return as.get(url, who(role));
  const body = { ...(key === "POST" ? {} : { intent: key }), ...((await cell.body?.()) ?? {}) };
  return as.post(url, body, who(role));
}

// ---------------------------------------------------------------------------------------------

describe("the matrix covers the app", () => {
  it("has a row for every route, every form intent and every live document kind, and none too many", async () => {
    const expected: string[] = [];
    for (const r of await appRoutes()) {
      if (r.hasLoader) expected.push(`${r.pattern} GET`);
      if (r.hasAction) {
        if (r.intents.length === 0) expected.push(`${r.pattern} POST`);
        for (const i of r.intents) expected.push(`${r.pattern} ${i}`);
      }
    }
    const rows = Object.entries(TABLE).flatMap(([p, cells]) => Object.keys(cells).map((k) => `${p} ${k}`));
    // /notifications posts both with an intent ("all") and without (one notice read).
    const extra = ["/notifications POST"];
    expect(rows.filter((r) => !extra.includes(r)).sort()).toEqual(expected.sort());
    expect(Object.keys(DOCS).sort()).toEqual([...DOC_KINDS].sort());
  });
});

describe("HTTP: who gets through", () => {
  const routes = appRoutes();
  const keys = Object.entries(TABLE).flatMap(([pattern, cells]) =>
    Object.entries(cells).map(([key, cell]) => ({ pattern, key, cell })),
  );
  for (const { pattern, key, cell } of keys) {
    it(`${pattern} ${key}`, async () => {
      const route = (await routes).find((r) => r.pattern === pattern)!;
      expect(route, `route ${pattern}`).toBeDefined();
      // Refused people first: they must change nothing for those allowed after them.
      const order = [
        ...ROLES.filter((r) => !cell.allowed.includes(r)),
        ...ROLES.filter((r) => cell.allowed.includes(r)),
      ];
      const problems: string[] = [];
      for (const role of order) {
        const res = await call(route, key, cell, role);
        const status = res.status;
        // React 18's renderer can leave NUL bytes in a page full of Chinese (app/entry.server.tsx).
        if (new Uint8Array(await res.arrayBuffer()).includes(0)) problems.push(`${role}: NUL bytes in the page`);
        if (status >= 500) problems.push(`${role}: ${status}`);
        else if (cell.public) continue;
        else if (cell.allowed.includes(role)) {
          const bad = key === "GET" ? status >= 400 || toLogin(res) : [401, 403, 404].includes(status) || toLogin(res);
          if (bad) problems.push(`${role} should get through: ${status} ${res.headers.get("location") ?? ""}`);
        } else if (role === "signedOut") {
          if (!toLogin(res) && ![401, 403, 404].includes(status))
            problems.push(`signed out should be sent to sign in: ${status}`);
        } else if (status !== 403 && status !== 404) problems.push(`${role} should be refused: ${status}`);
      }
      expect(problems.join("\n")).toBe("");
    });
  }
});

describe("WebSocket: who reads and who writes each live document", () => {
  for (const [kind, docs] of Object.entries(DOCS))
    docs.forEach((doc, i) => {
      it(`${kind} #${i + 1}`, async () => {
        const problems: string[] = [];
        for (const role of ROLES) {
          const name = doc.name();
          const cookie = role === "signedOut" ? null : await t.http.cookie(USERNAME[role]);
          const url = `${t.url.replace(/^http/, "ws")}/collab/${name}`;
          const status = await upgradeStatus(url, cookie ? { cookie } : {});
          const reads = doc.read.includes(role) || doc.write.includes(role);
          if (reads !== (status === 101))
            problems.push(`${role}: upgrade ${status}, expected ${reads ? 101 : "refusal"}`);
          if (!reads || !cookie) continue;
          // An edit is stored only from a writer.
          const before = await storedLength(name);
          const c = connectClient(t.url, name, cookie);
          await c.synced();
          appendParagraph(c.doc, `${role} 写入`);
          await new Promise((r) => setTimeout(r, 250));
          c.destroy();
          const wrote = (await storedLength(name)) > before;
          if (wrote !== doc.write.includes(role))
            problems.push(`${role}: ${wrote ? "stored an edit" : "could not write"}`);
        }
        expect(problems.join("\n")).toBe("");
      });
    });
});

async function storedLength(name: string): Promise<number> {
  const { state } = await new DocStore(t.sql).load(name);
  if (!state) return 0;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const n = doc.getXmlFragment("default").toString().length;
  doc.destroy();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Bad input, swept over the same rows: each route and intent as someone allowed (or signed out
// for the public ones) with NUL bytes, ids that only look like ids, broken escapes, other
// methods and content types, and an oversized body. Always a 4xx, never a 5xx, and never an
// English error text.
// ---------------------------------------------------------------------------------------------

/** Error texts of the frameworks underneath, which must never reach a member. */
const ENGLISH =
  /No route matches|Invalid input|Unexpected Server Error|Method Not Allowed|Internal Server Error|Bad Request|Not Found|Payload Too Large|Unsupported Media Type/;
const LOOKS_LIKE_AN_ID = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
  .replace(/-/g, "a")
  .slice(0, 32)
  .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
const ALMOST_AN_ID = "------------------------------------";
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The status and what a person sees: the page without its scripts (the hydration data is not shown). */
async function reply(res: Response): Promise<{ status: number; text: string }> {
  const text = (await res.text()).replace(/<script[\s\S]*?<\/script>/g, "");
  return { status: res.status, text };
}

describe("bad input: a 4xx in Chinese, never a 5xx", () => {
  const routes = appRoutes();
  const cells = Object.entries(TABLE).flatMap(([pattern, c]) =>
    Object.entries(c).map(([key, cell]) => ({ pattern, key, cell })),
  );
  const actor = (cell: Cell) =>
    cell.public ? null : USERNAME[cell.allowed.find((r) => r !== "signedOut") as Exclude<Role, "signedOut">];

  for (const { pattern, key, cell } of cells) {
    it(`${pattern} ${key}`, async () => {
      const route = (await routes).find((r) => r.pattern === pattern)!;
      const as = cell.fresh ? httpActors(t.s) : t.http;
      const person = actor(cell);
      const problems: string[] = [];
      const check = (what: string, r: { status: number; text: string }, want?: number) => {
        if (r.status >= 500 || r.status < 400 || (want && r.status !== want)) problems.push(`${what}: ${r.status}`);
        const english = ENGLISH.exec(r.text);
        if (english) problems.push(`${what}: English "${english[0]}"`);
      };
      const params = paramsFor(cell);
      // Path parameters broken three ways.
      for (const name of Object.keys(params).filter((p) => pattern.includes(`:${p}`))) {
        for (const bad of ["%ff", "%E4%B8", ALMOST_AN_ID, LOOKS_LIKE_AN_ID, "x%00y"]) {
          const url = fill(route.pattern, { ...params, [name]: bad });
          if (key === "GET") check(`GET ${name}=${bad}`, await reply(await as.get(url, person)));
          else {
            const body = { ...(key === "POST" ? {} : { intent: key }), ...((await cell.body?.()) ?? {}) };
            check(`POST ${name}=${bad}`, await reply(await as.post(url, body, person)));
          }
        }
      }
      const url = fill(route.pattern, params);
      if (key === "GET") {
        const q = await reply(await as.get(`${url}?q=%00&month=%00&view=%00&redirectTo=%00&code=%00`, person));
        // An ignored parameter may be ignored; a read one must be refused in words.
        if (q.status >= 500 || ENGLISH.test(q.text)) problems.push(`NUL in the query: ${q.status}`);
        for (const method of ["PUT", "PATCH", "DELETE"]) {
          const cookie = person ? await as.cookie(person) : undefined;
          const res = await fetch(`${t.url}${url}`, {
            method,
            headers: { ...(cookie ? { cookie } : {}), origin: t.url },
            redirect: "manual",
          });
          check(method, await reply(res), 405);
        }
        return expect(problems.join("\n")).toBe("");
      }
      const body: Payload = { ...(key === "POST" ? {} : { intent: key }), ...((await cell.body?.()) ?? {}) };
      const cookie = person ? await as.cookie(person) : undefined;
      const post = (b: BodyInit, type: string) =>
        fetch(`${t.url}${url}`, {
          method: "POST",
          headers: { ...(cookie ? { cookie } : {}), origin: t.url, "content-type": type },
          body: b,
          redirect: "manual",
        });
      // A NUL byte in each field in turn (and in a field of its own).
      for (const field of [...Object.keys(body).filter((k) => k !== "intent"), "extra"]) {
        const r = await reply(await as.post(url, { ...body, [field]: `${body[field] ?? ""}\u0000` }, person));
        if (r.status >= 500) problems.push(`NUL in ${field}: ${r.status}`);
        if (ENGLISH.test(r.text)) problems.push(`NUL in ${field}: English`);
      }
      // Ids that only look like t.ids.
      for (const field of Object.keys(body).filter((k) => !cell.showsOnly && UUID_SHAPE.test(body[k]))) {
        for (const bad of [ALMOST_AN_ID, LOOKS_LIKE_AN_ID])
          check(`${field}=${bad}`, await reply(await as.post(url, { ...body, [field]: bad }, person)));
      }
      check("JSON", await reply(await post(JSON.stringify(body), "application/json")), 415);
      check("text/plain", await reply(await post("intent=x", "text/plain")), 415);
      // Past the route's own limit (uploads have larger ones, decision 017).
      const limit = /\/edit$/.test(pattern)
        ? MATERIALS_UPLOAD_MAX_BYTES
        : /\/import$/.test(pattern)
          ? ROSTER_UPLOAD_MAX_BYTES
          : /\/(reflection|examination)$/.test(pattern)
            ? REFLECTION_SUBMIT_MAX_BYTES
            : 1024 * 1024;
      const big = "a=" + "x".repeat(limit + 64 * 1024);
      check("oversized", await reply(await post(big, "application/x-www-form-urlencoded")), 413);
      if (problems.length && process.env.MATRIX_DEBUG) console.log(`${pattern} ${key}\n  ${problems.join("\n  ")}`);
      expect(problems.join("\n")).toBe("");
    });
  }
});
