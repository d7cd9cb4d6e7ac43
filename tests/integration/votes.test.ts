import { describe, expect, it } from "vitest";
import { DomainError } from "../../server/services/errors";
import { castBallot, closeVote, openVote, recordWrittenOpinion, votesFor } from "../../server/services/session/votes";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Votes at a 支部党员大会 on the seeded demo branch: 王建国 书记 (…01), 李秀英 组织委员 (…02),
// 张伟 第一党小组长 (…03), 刘洋 (…04), 陈静 (…05), 杨帆 (…06), 黄磊 (…08) are 正式党员;
// 赵敏 (…07) is a 预备党员; 郑华 (…12) a 流动党员; 周志强 (…09) the 党委组织委员 above; 吴刚
// (…11) is in the sibling branch. Meetings, their lists, the session start and attendance are
// inserted directly: scheduling, starting the session and signing in are other modules.

const { SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, HUANG, REVIEWER, WU, ZHENG } = DEMO;

/** Six voting members on the list, plus a 预备党员 and a 流动党员 who attend without a vote. */
const LIST = [SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, ZHENG];

const t = withDemoServer();

/** A meeting of the first branch whose session started ten minutes ago, hosted by 张伟, with its list. */
async function meeting(
  opts: {
    kind?: string;
    started?: boolean;
    ended?: boolean;
    cancelled?: boolean;
    attendees?: string[];
    guests?: string[];
  } = {},
) {
  return t.meeting({
    org: ORGS.B1,
    kind: opts.kind,
    title: "表决测试会议",
    inMin: -10,
    minutes: 120,
    host: LEADER,
    status: opts.cancelled ? "cancelled" : "scheduled",
    started: opts.started !== false,
    ended: opts.ended ? new Date() : false,
    attendees: opts.attendees ?? LIST,
    guests: opts.guests ?? [REVIEWER],
  });
}

async function signIn(meetingId: string, ...users: string[]) {
  for (const u of users)
    await t.sql`
      insert into attendance (meeting_id, user_id, status, signed_in_at, via)
      values (${meetingId}, ${t.ids.user[u]}, 'present', now(), 'code')`;
}

/** The DomainError a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

async function voteRow(voteId: string) {
  const [v] = await t.sql<
    {
      status: string;
      expected: number;
      for_count: number;
      against_count: number;
      abstain_count: number;
      written_for: number;
      written_against: number;
      written_abstain: number;
      present_at_close: number | null;
      passed: boolean | null;
    }[]
  >`select * from votes where id = ${voteId}`;
  return v;
}

const votesOfMeeting = async (meetingId: string) =>
  (await t.sql<{ n: number }[]>`select count(*)::int as n from votes where meeting_id = ${meetingId}`)[0].n;

const commendation = { title: "表彰优秀共产党员刘洋同志", matter: "commendation" as const, secret: false };

describe("opening a vote", () => {
  it("needs more than half of the voting members present, and says the figures when it is not so", async () => {
    const m = await meeting();
    // Three of six voting members, plus the 预备党员 and the 流动党员: exactly half.
    await signIn(m, SEC, ORG, LEADER, ZHAO, ZHENG);
    const host = await t.actor(LEADER);
    const e = await refusal(openVote(t.sql, host, m, commendation));
    expect([e.status, e.message]).toEqual([
      409,
      "未达到法定人数：应到有表决权党员 6 人，实到 3 人，需超过半数（至少 4 人）。",
    ]);
    expect(await votesOfMeeting(m)).toBe(0);
    const before = await votesFor(t.sql, host, m);
    expect(before.quorum).toEqual({ expected: 6, present: 3, needed: 4, holds: false });
    expect([before.canOpen, before.openRefusal]).toEqual([false, e.message]);

    // One more voting member: the quorum holds. The host opens it, though not a branch manager.
    await signIn(m, LIU);
    expect((await votesFor(t.sql, host, m)).canOpen).toBe(true);
    const opened = await openVote(t.sql, host, m, commendation);
    expect(opened.quorum).toMatchObject({ expected: 6, present: 4, holds: true });

    // One matter at a time.
    const again = await refusal(openVote(t.sql, await t.actor(SEC), m, { ...commendation, title: "另一项" }));
    expect([again.status, again.message]).toEqual([
      409,
      `“${commendation.title}”的表决还在进行，请先结束它再发起新的表决。`,
    ]);
    expect(await votesOfMeeting(m)).toBe(1);
  });

  it("is for the host and the managers only; others are refused, and outsiders do not see the meeting", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU);
    const member = await refusal(openVote(t.sql, await t.actor(LIU), m, commendation));
    expect([member.status, member.message]).toEqual([403, "只有主持人、书记、副书记或组织委员可以发起表决。"]);
    expect((await refusal(openVote(t.sql, await t.actor(WU), m, commendation))).status).toBe(404);
    expect((await refusal(openVote(t.sql, await t.actor(SEC), "not-a-uuid", commendation))).status).toBe(404);
    expect((await votesFor(t.sql, await t.actor(LIU), m)).canOpen).toBe(false);
    expect(await votesOfMeeting(m)).toBe(0);
    // The 书记 may.
    await openVote(t.sql, await t.actor(SEC), m, commendation);
  });

  it("only at a 支部党员大会 whose session is under way, with a valid form", async () => {
    const sec = await t.actor(SEC);
    const lecture = await meeting({ kind: "party_lecture" });
    await signIn(lecture, SEC, ORG, LEADER, LIU);
    expect(await refusal(openVote(t.sql, sec, lecture, commendation))).toMatchObject({
      status: 400,
      message: "只有支部党员大会可以表决；本次会议是“党课”。",
    });
    const notStarted = await meeting({ started: false });
    await signIn(notStarted, SEC, ORG, LEADER, LIU);
    expect(await refusal(openVote(t.sql, sec, notStarted, commendation))).toMatchObject({
      status: 409,
      message: "会议尚未开始：请主持人先开始会议，再发起表决。",
    });
    const ended = await meeting({ ended: true });
    await signIn(ended, SEC, ORG, LEADER, LIU);
    expect((await refusal(openVote(t.sql, sec, ended, commendation))).status).toBe(409);
    const cancelled = await meeting({ cancelled: true });
    expect((await refusal(openVote(t.sql, sec, cancelled, commendation))).status).toBe(409);

    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU);
    expect(await refusal(openVote(t.sql, sec, m, { ...commendation, title: "  " }))).toMatchObject({
      status: 400,
      field: "title",
      message: "请填写表决事项",
    });
    expect(await refusal(openVote(t.sql, sec, m, { ...commendation, matter: "election" }))).toMatchObject({
      status: 400,
      field: "matter",
    });
    const [other] = await t.sql<{ id: string }[]>`
      insert into meeting_agenda_items (meeting_id, position, title) values (${lecture}, 1, '学习') returning id`;
    expect(await refusal(openVote(t.sql, sec, m, { ...commendation, agendaItemId: other.id }))).toMatchObject({
      status: 400,
      field: "agendaItemId",
    });
    expect(await votesOfMeeting(m)).toBe(0);

    // With an agenda item of its own it opens and shows it.
    const [item] = await t.sql<{ id: string }[]>`
      insert into meeting_agenda_items (meeting_id, position, title) values (${m}, 2, '讨论表彰') returning id`;
    await openVote(t.sql, sec, m, { ...commendation, agendaItemId: item.id });
    expect((await votesFor(t.sql, sec, m)).votes[0].agendaItem).toEqual({ id: item.id, title: "讨论表彰" });
  });
});

describe("an open ballot", () => {
  it("takes one ballot from each present voting member, refuses everyone else, and fails at exactly half", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU, ZHAO, ZHENG, REVIEWER);
    const { id } = await openVote(t.sql, await t.actor(LEADER), m, commendation);
    const sql = t.sql;

    expect(await refusal(castBallot(sql, await t.actor(ZHAO), id, "for"))).toMatchObject({
      status: 403,
      message: "预备党员没有表决权。",
    });
    const mobile = await refusal(castBallot(sql, await t.actor(ZHENG), id, "for"));
    expect([mobile.status, mobile.message]).toEqual([
      403,
      "流动党员在流入地党组织没有表决权，表决权在组织关系所在的党支部行使。",
    ]);
    expect(await refusal(castBallot(sql, await t.actor(CHEN), id, "for"))).toMatchObject({
      status: 403,
      message: "请先签到：到会的有表决权党员才能投票。",
    });
    expect(await refusal(castBallot(sql, await t.actor(REVIEWER), id, "for"))).toMatchObject({
      status: 403,
      message: "列席人员没有表决权。",
    });
    expect(await refusal(castBallot(sql, await t.actor(HUANG), id, "for"))).toMatchObject({
      status: 403,
      message: "不在本次会议的应到名单中，没有表决权。",
    });
    expect((await refusal(castBallot(sql, await t.actor(WU), id, "for"))).status).toBe(404);
    expect((await refusal(castBallot(sql, await t.actor(SEC), "not-a-uuid", "for"))).status).toBe(404);
    expect(await refusal(castBallot(sql, await t.actor(SEC), id, "maybe"))).toMatchObject({
      status: 400,
      field: "choice",
      message: "请选择赞成、反对或弃权",
    });
    // No written opinions for a commendation.
    expect(await refusal(recordWrittenOpinion(sql, await t.actor(SEC), id, t.ids.user[CHEN], "for"))).toMatchObject({
      status: 400,
    });
    expect((await voteRow(id)).for_count).toBe(0);

    await castBallot(sql, await t.actor(SEC), id, "for");
    expect(await refusal(castBallot(sql, await t.actor(SEC), id, "against"))).toMatchObject({
      status: 409,
      message: "你已经投过票了，不能重复投票。",
    });
    await castBallot(sql, await t.actor(ORG), id, "for");
    await castBallot(sql, await t.actor(LEADER), id, "for");
    // 陈静 arrives after the vote opened: present now, so she votes.
    await signIn(m, CHEN);
    await castBallot(sql, await t.actor(CHEN), id, "against");

    // An open ballot shows the split and the names live.
    const live = (await votesFor(sql, await t.actor(LIU), m)).votes[0];
    expect(live.tally).toEqual({
      ballots: { for: 3, against: 1, abstain: 0 },
      written: { for: 0, against: 0, abstain: 0 },
    });
    expect(live.quorum).toEqual({ expected: 6, present: 5, needed: 4, holds: true });
    expect(live.electors.find((e) => e.userId === t.ids.user[CHEN])).toMatchObject({
      voted: "ballot",
      choice: "against",
    });
    expect(live.electors.map((e) => e.userId).sort()).toEqual(
      [SEC, ORG, LEADER, LIU, CHEN, YANG].map((u) => t.ids.user[u]).sort(),
    );
    expect(live.me).toEqual({ elector: true, voted: null, choice: null, canVote: true, reason: null });
    expect(live.result).toBeNull();
    const zhao = (await votesFor(sql, await t.actor(ZHAO), m)).votes[0].me;
    expect(zhao).toMatchObject({ elector: false, canVote: false, reason: "预备党员没有表决权。" });

    await castBallot(sql, await t.actor(LIU), id, "abstain");
    expect((await votesFor(sql, await t.actor(LIU), m)).votes[0].me).toMatchObject({
      voted: "ballot",
      choice: "abstain",
      canVote: false,
    });

    expect(await refusal(closeVote(sql, await t.actor(LIU), id))).toMatchObject({ status: 403 });
    // Three in favour of six voting members: exactly half, so it fails (though 3 of 5 present).
    const closed = await closeVote(sql, await t.actor(LEADER), id);
    expect(closed.result).toMatchObject({
      expected: 6,
      present: 5,
      inFavour: 3,
      against: 1,
      abstain: 1,
      passed: false,
    });
    expect(closed.text).toContain("赞成票未超过应到有表决权党员的半数（需至少 4 票），未通过。");
    expect(await voteRow(id)).toMatchObject({ status: "closed", present_at_close: 5, passed: false, for_count: 3 });

    expect(await refusal(castBallot(sql, await t.actor(YANG), id, "for"))).toMatchObject({
      status: 409,
      message: "本项表决已经结束，不能再投票。",
    });
    expect((await refusal(closeVote(sql, await t.actor(LEADER), id))).status).toBe(409);
    const view = (await votesFor(sql, await t.actor(SEC), m)).votes[0];
    expect(view).toMatchObject({ status: "closed", canClose: false, resultText: closed.text });
    expect(view.result).toMatchObject({ passed: false, inFavour: 3 });
    // The reviewer above reads it; someone in another branch does not see it.
    expect((await votesFor(sql, await t.actor(REVIEWER), m)).votes).toHaveLength(1);
    expect((await refusal(votesFor(sql, await t.actor(WU), m))).status).toBe(404);
  });

  it("fixes the voting members when it opens and stops taking ballots when the session ends", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU);
    const { id } = await openVote(t.sql, await t.actor(SEC), m, commendation);
    // 黄磊 is added to the list and arrives after the vote opened: the base stays six.
    await t.sql`insert into meeting_invitees (meeting_id, user_id, role) values (${m}, ${t.ids.user[HUANG]}, 'attendee')`;
    await signIn(m, HUANG);
    expect(await refusal(castBallot(t.sql, await t.actor(HUANG), id, "for"))).toMatchObject({
      status: 403,
      message: "表决开始后才列入应到名单，不能参加本项表决。",
    });
    expect((await votesFor(t.sql, await t.actor(SEC), m)).votes[0].quorum.expected).toBe(6);
    // The meeting-wide figure follows the list.
    expect((await votesFor(t.sql, await t.actor(SEC), m)).quorum.expected).toBe(7);

    await castBallot(t.sql, await t.actor(LIU), id, "for");
    await t.sql`update meetings set session_ended_at = now() where id = ${m}`;
    expect(await refusal(castBallot(t.sql, await t.actor(ORG), id, "for"))).toMatchObject({ status: 409 });
    // It can still be closed, with what was cast.
    expect((await closeVote(t.sql, await t.actor(SEC), id)).result).toMatchObject({ inFavour: 1, passed: false });
  });
});

describe("a secret ballot on admitting a 预备党员", () => {
  it("counts written opinions of absent voters, never stores a choice beside a voter, and passes with one more than half", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU, CHEN);
    const sql = t.sql;
    const host = await t.actor(LEADER);
    const { id } = await openVote(sql, host, m, {
      title: "关于接收冯雪同志为预备党员",
      matter: "admit_probationary",
      secret: "on",
    });

    await castBallot(sql, await t.actor(SEC), id, "for");
    await castBallot(sql, await t.actor(ORG), id, "for");
    await castBallot(sql, await t.actor(LIU), id, "for");

    // While it is open nobody sees the split, only how many took part.
    const live = (await votesFor(sql, host, m)).votes[0];
    expect(live.tally).toBeNull();
    expect(live.cast).toEqual({ ballots: 3, written: 0 });
    expect(live.electors.every((e) => e.choice === null)).toBe(true);
    expect(live.canRecordWritten).toBe(true);
    expect((await votesFor(sql, await t.actor(SEC), m)).votes[0].me).toMatchObject({ voted: "ballot", choice: null });

    // Written opinions: the host records one for an absent voting member, once; not for someone present,
    // without a vote, or by a member.
    expect(await refusal(recordWrittenOpinion(sql, host, id, t.ids.user[CHEN], "for"))).toMatchObject({
      status: 409,
      message: "陈静已到会，应由本人当场投票，不能登记书面意见。",
    });
    expect(await refusal(recordWrittenOpinion(sql, host, id, t.ids.user[ZHAO], "for"))).toMatchObject({
      status: 400,
      message: "赵敏：预备党员没有表决权。",
    });
    expect(await refusal(recordWrittenOpinion(sql, host, id, t.ids.user[ZHENG], "for"))).toMatchObject({ status: 400 });
    expect(await refusal(recordWrittenOpinion(sql, host, id, t.ids.user[LIU], "for"))).toMatchObject({ status: 409 });
    expect(await refusal(recordWrittenOpinion(sql, await t.actor(LIU), id, t.ids.user[YANG], "for"))).toMatchObject({
      status: 403,
    });
    await recordWrittenOpinion(sql, host, id, t.ids.user[YANG], "against");
    expect(await refusal(recordWrittenOpinion(sql, host, id, t.ids.user[YANG], "for"))).toMatchObject({ status: 409 });
    // 杨帆 arrives after all: her opinion stands, she does not vote twice.
    await signIn(m, YANG);
    expect(await refusal(castBallot(sql, await t.actor(YANG), id, "for"))).toMatchObject({
      status: 409,
      message: "已登记了你的书面意见，不能再投票。",
    });

    await castBallot(sql, await t.actor(LEADER), id, "for");
    await castBallot(sql, await t.actor(CHEN), id, "against");

    // In the database: who took part, how, and no choice anywhere beside them.
    const rows = await sql<
      { user_id: string; via: string | null; choice: string | null; recorded_by: string | null }[]
    >`
      select user_id, via, choice, recorded_by from vote_electors where vote_id = ${id}`;
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.choice === null && r.via !== null)).toBe(true);
    expect(rows.find((r) => r.user_id === t.ids.user[YANG])).toMatchObject({
      via: "written",
      recorded_by: t.ids.user[LEADER],
    });
    // And the database itself refuses one.
    await expect(
      sql`update vote_electors set choice = 'for' where vote_id = ${id} and user_id = ${t.ids.user[SEC]}`,
    ).rejects.toMatchObject({ code: "23514" });
    expect(await voteRow(id)).toMatchObject({ for_count: 4, against_count: 1, written_against: 1 });

    // Four in favour of six voting members: one more than half, passed. The written opinion counts.
    const closed = await closeVote(sql, host, id);
    expect(closed.result).toMatchObject({
      expected: 6,
      present: 6,
      inFavour: 4,
      against: 2,
      abstain: 0,
      writtenCounted: true,
      passed: true,
    });
    expect(closed.text).toBe(
      "表决事项：接收预备党员，关于接收冯雪同志为预备党员（无记名投票）。应到有表决权党员 6 人，实到 6 人。" +
        "赞成 4 票，反对 2 票，弃权 0 票（含因故未到会党员的书面意见 1 份：赞成 0、反对 1、弃权 0）。" +
        "赞成票超过应到有表决权党员的半数（至少 4 票），通过。",
    );
    // Once closed the split is shown, still without names.
    const view = (await votesFor(sql, await t.actor(LIU), m)).votes[0];
    expect(view.tally).toEqual({
      ballots: { for: 4, against: 1, abstain: 0 },
      written: { for: 0, against: 1, abstain: 0 },
    });
    expect(view.electors.every((e) => e.choice === null)).toBe(true);
    expect(view.result?.passed).toBe(true);
  });
});

describe("races", () => {
  it("counts exactly one of two simultaneous ballots from the same person", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU, CHEN, YANG);
    const { id } = await openVote(t.sql, await t.actor(SEC), m, { ...commendation, secret: true });
    const [sec, org, leader, liu] = await Promise.all([t.actor(SEC), t.actor(ORG), t.actor(LEADER), t.actor(LIU)]);
    const settled = await Promise.allSettled([
      castBallot(t.sql, sec, id, "for"),
      castBallot(t.sql, sec, id, "against"),
      castBallot(t.sql, org, id, "for"),
      castBallot(t.sql, leader, id, "abstain"),
      castBallot(t.sql, leader, id, "abstain"),
      castBallot(t.sql, liu, id, "for"),
    ]);
    const bySec = settled.slice(0, 2);
    expect(bySec.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = bySec.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DomainError);
    expect((rejected.reason as DomainError).status).toBe(409);
    expect(settled.slice(3, 5).filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(settled[2].status).toBe("fulfilled");
    expect(settled[5].status).toBe("fulfilled");
    const v = await voteRow(id);
    expect(v.for_count + v.against_count + v.abstain_count).toBe(4);
    expect(v.abstain_count).toBe(1);
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from vote_electors where vote_id = ${id} and cast_at is not null`;
    expect(n).toBe(4);
  });

  it("opens one vote when two are opened at once", async () => {
    const m = await meeting();
    await signIn(m, SEC, ORG, LEADER, LIU);
    const settled = await Promise.allSettled([
      openVote(t.sql, await t.actor(SEC), m, commendation),
      openVote(t.sql, await t.actor(LEADER), m, { ...commendation, title: "另一项" }),
    ]);
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(((settled.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as DomainError).status).toBe(
      409,
    );
    expect(await votesOfMeeting(m)).toBe(1);
  });
});
