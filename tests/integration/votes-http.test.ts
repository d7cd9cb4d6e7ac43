import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocStore } from "../../server/collab/persistence";
import { meetingLiveDoc, meetingMinutesDoc } from "../../shared/doc-names";
import { DECISIONS_HEADING, plainText } from "../../shared/editor/minutes";
import { readLiveState } from "../../shared/live-session";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { connectClient, until } from "../setup/yclient";

// The votes route over HTTP with real session cookies, as the session page's forms post it (with
// and without JavaScript): opening needs a started session and a quorum, one ballot per voting
// member, 预备党员 and 流动党员 refused, only the host and managers open and close, a closed
// vote's result goes into the minutes document, and open pages are told through the session's
// live channel. The demo branch: 王建国 书记 (…01), 李秀英 组织委员 (…02), 张伟 (…03, the host
// here), 刘洋 (…04), 陈静 (…05), 杨帆 (…06) are 正式党员; 赵敏 (…07) a 预备党员; 郑华 (…12) a
// 流动党员; 周志强 (…09) the 党委组织委员 above (列席); 吴刚 (…11) in the sibling branch.

const { SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, REVIEWER, WU, ZHENG } = DEMO;

/** Six voting members, a 预备党员 and a 流动党员. */
const LIST = [SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, ZHENG];

const t = withDemoServer();

/** A 支部党员大会 of the first branch starting in five minutes, hosted by 张伟, with its list; not started. */
async function meeting(title = "表决页面测试") {
  return t.meeting({
    org: ORGS.B1,
    title,
    inMin: 5,
    minutes: 120,
    host: LEADER,
    attendees: LIST,
    guests: [REVIEWER],
  });
}

/** Starts the session the way the host's button on the attendance page does. */
async function start(meetingId: string) {
  const res = await t.http.post(`/meetings/${meetingId}/attendance`, { intent: "start" }, LEADER);
  expect(res.status).toBe(200);
}

async function present(meetingId: string, ...users: string[]) {
  for (const u of users)
    await t.sql`
      insert into attendance (meeting_id, user_id, status, signed_in_at, via)
      values (${meetingId}, ${t.ids.user[u]}, 'present', now(), 'code')`;
}

async function votesOf(meetingId: string) {
  return t.sql<
    {
      id: string;
      status: string;
      secret: boolean;
      for_count: number;
      against_count: number;
      abstain_count: number;
      written_against: number;
      passed: boolean | null;
    }[]
  >`select * from votes where meeting_id = ${meetingId} order by opened_at`;
}

/** The minutes as stored in the database (update log and snapshot), as plain text. */
async function storedMinutes(meetingId: string) {
  const { state } = await new DocStore(t.sql).load(meetingMinutesDoc(meetingId));
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  const text = plainText(doc);
  doc.destroy();
  return text;
}

/** A page of the session listening on the live channel, as the session page does. */
async function liveListener(meetingId: string, username: string) {
  const c = connectClient(t.url, meetingLiveDoc(meetingId), await t.http.cookie(username));
  await c.synced();
  return { ...c, rev: () => readLiveState(c.doc).rev };
}

const commendation = { title: "表彰优秀共产党员刘洋同志", matter: "commendation" };

describe("opening a vote over HTTP", () => {
  it("waits for the session and a quorum (409 with the figures), is the host's or a manager's, and tells open pages", async () => {
    const m = await meeting();
    const path = `/meetings/${m}/votes`;

    // Not started yet.
    let res = await t.http.post(path, { intent: "open", ...commendation }, LEADER);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("会议尚未开始：请主持人先开始会议，再发起表决。");

    await start(m);
    // Three of six voting members, plus the 预备党员 and the 流动党员: exactly half.
    await present(m, SEC, ORG, LEADER, ZHAO, ZHENG);
    const before = await t.http.get(path, LEADER);
    expect(before.status).toBe(200);
    const beforeHtml = await before.text();
    expect(beforeHtml).toContain("应到有表决权党员 6 人，实到 3 人，未超过半数（至少需 4 人），暂不能表决。");
    expect(beforeHtml).toContain('data-testid="votes-open-refusal"');

    res = await t.http.post(path, { intent: "open", ...commendation, redirectTo: `/meetings/${m}` }, LEADER);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("未达到法定人数：应到有表决权党员 6 人，实到 3 人，需超过半数（至少 4 人）。");
    expect(await votesOf(m)).toHaveLength(0);

    await present(m, LIU);
    const holds = await (await t.http.get(path, SEC)).text();
    expect(holds).toContain("应到有表决权党员 6 人，实到 4 人，超过半数，可以表决。");
    expect(holds).toContain("发起表决");

    // A member may not open a vote; someone in another branch does not see the meeting.
    res = await t.http.post(path, { intent: "open", ...commendation }, LIU);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("只有主持人、书记、副书记或组织委员可以发起表决。");
    expect((await t.http.post(path, { intent: "open", ...commendation }, WU)).status).toBe(404);
    expect((await t.http.get(path, WU)).status).toBe(404);
    expect((await t.http.get(`/meetings/not-a-uuid/votes`, SEC)).status).toBe(404);
    // A member reads the panel without the form.
    const member = await (await t.http.get(path, LIU)).text();
    expect(member).toContain("暂无表决");
    expect(member).not.toContain('name="matter"');

    // Bad input: a clear message, 400.
    res = await t.http.post(path, { intent: "open", title: "  ", matter: "commendation" }, LEADER);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请填写表决事项");
    res = await t.http.post(path, { intent: "open", title: "选举", matter: "election" }, LEADER);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请选择表决事项的类别");
    res = await t.http.post(path, { intent: "vote-twice" }, LEADER);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("无法识别的操作");
    expect(await votesOf(m)).toHaveLength(0);

    // The host opens it (without JavaScript: back to the session page); open pages are told.
    const live = await liveListener(m, SEC);
    try {
      const rev = live.rev();
      res = await t.http.post(path, { intent: "open", ...commendation, redirectTo: `/meetings/${m}` }, LEADER);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/meetings/${m}`);
      await until(() => live.rev() > rev, 5000, "the live channel to move");
    } finally {
      live.destroy();
    }
    const [v] = await votesOf(m);
    expect(v).toMatchObject({ status: "open", secret: false });

    // One at a time.
    res = await t.http.post(path, { intent: "open", title: "另一项", matter: "other" }, SEC);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`“${commendation.title}”的表决还在进行，请先结束它再发起新的表决。`);
  });
});

describe("ballots and closing over HTTP", () => {
  it("takes one ballot per present voting member, refuses the rest, and writes the result into the minutes", async () => {
    const m = await meeting("表彰表决测试");
    const path = `/meetings/${m}/votes`;
    await start(m);
    await present(m, SEC, ORG, LEADER, LIU, ZHAO, ZHENG, REVIEWER);
    expect((await t.http.post(path, { intent: "open", ...commendation }, SEC)).status).toBe(200);
    const [{ id: voteId }] = await votesOf(m);

    // The open vote on a voter's page: the three ballot buttons.
    const ballot = await (await t.http.get(path, LIU)).text();
    expect(ballot).toContain('data-testid="vote-open"');
    for (const [value, label] of [
      ["for", "赞成"],
      ["against", "反对"],
      ["abstain", "弃权"],
    ])
      expect(ballot).toMatch(new RegExp(`name="choice" value="${value}"[^>]*>${label}</button>`));
    expect(ballot).toContain(commendation.title);

    // A ballot without JavaScript goes back to the session page.
    let res = await t.http.post(path, { intent: "cast", voteId, choice: "for", redirectTo: `/meetings/${m}` }, LIU);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/meetings/${m}`);
    // Voting twice is refused, whatever the choice.
    res = await t.http.post(path, { intent: "cast", voteId, choice: "against" }, LIU);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("你已经投过票了，不能重复投票。");
    const liuPage = await (await t.http.get(path, LIU)).text();
    expect(liuPage).toContain("你已投票：赞成");
    expect(liuPage).not.toContain('class="ballot__buttons"');

    // A 预备党员 and a 流动党员 attend without a vote; the page says why, and a ballot is refused.
    const zhaoPage = await (await t.http.get(path, ZHAO)).text();
    expect(zhaoPage).toContain("预备党员没有表决权。");
    expect(zhaoPage).not.toContain('class="ballot__buttons"');
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for" }, ZHAO);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("预备党员没有表决权。");
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for" }, ZHENG);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("流动党员在流入地党组织没有表决权，表决权在组织关系所在的党支部行使。");
    // Absent, a guest, someone who cannot see the meeting, a wrong choice, a vote of another meeting.
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for" }, CHEN);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("请先签到：到会的有表决权党员才能投票。");
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for" }, REVIEWER);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("列席人员没有表决权。");
    expect((await t.http.post(path, { intent: "cast", voteId, choice: "for" }, WU)).status).toBe(404);
    res = await t.http.post(path, { intent: "cast", voteId, choice: "maybe" }, SEC);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请选择赞成、反对或弃权");
    const other = await meeting("另一次会议");
    expect((await t.http.post(`/meetings/${other}/votes`, { intent: "cast", voteId, choice: "for" }, SEC)).status).toBe(
      404,
    );
    expect((await t.http.post(path, { intent: "cast", voteId: "not-a-uuid", choice: "for" }, SEC)).status).toBe(400);

    // `redirectTo` goes back only within this meeting: elsewhere, the page is rendered instead.
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for", redirectTo: "https://evil.example/" }, SEC);
    expect(res.status).toBe(200);
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for", redirectTo: `/meetings/${other}` }, ORG);
    expect(res.status).toBe(200);
    res = await t.http.post(
      path,
      { intent: "cast", voteId, choice: "against", redirectTo: `//evil.example/meetings/${m}` },
      LEADER,
    );
    expect(res.status).toBe(200);
    // An open ballot shows the split live.
    const livePage = await (await t.http.get(path, SEC)).text();
    expect(livePage).toContain('data-testid="vote-live-tally"');
    expect(await votesOf(m)).toMatchObject([{ for_count: 3, against_count: 1, abstain_count: 0 }]);

    // Only the host and the managers close it.
    res = await t.http.post(path, { intent: "close", voteId }, LIU);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("只有主持人、书记、副书记或组织委员可以结束表决。");
    expect((await t.http.post(path, { intent: "close", voteId }, WU)).status).toBe(404);
    expect((await votesOf(m))[0].status).toBe("open");

    // The host closes it: the result goes into the minutes' 会议决议 and open pages are told.
    const live = await liveListener(m, SEC);
    const editor = connectClient(t.url, meetingMinutesDoc(m), await t.http.cookie(SEC));
    await editor.synced();
    try {
      const rev = live.rev();
      res = await t.http.post(path, { intent: "close", voteId, redirectTo: `/meetings/${m}/votes` }, LEADER);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/meetings/${m}/votes`);
      await until(() => live.rev() > rev, 5000, "the live channel to move");
      // Three of six in favour: exactly half, so it fails (though three of four present).
      const expected =
        "表决事项：表彰，表彰优秀共产党员刘洋同志（公开表决）。应到有表决权党员 6 人，实到 4 人。" +
        "赞成 3 票，反对 1 票，弃权 0 票。赞成票未超过应到有表决权党员的半数（需至少 4 票），未通过。";
      // An editor with the minutes open sees it arrive under 会议决议…
      await until(() => plainText(editor.doc).includes(expected), 5000, "the result in the open editor");
      const lines = plainText(editor.doc).split("\n");
      expect(lines.indexOf(expected)).toBeGreaterThan(lines.indexOf(DECISIONS_HEADING));
      expect(lines.indexOf(DECISIONS_HEADING)).toBeGreaterThanOrEqual(0);
    } finally {
      live.destroy();
      editor.destroy();
    }
    // …and it is stored.
    const stored = await storedMinutes(m);
    expect(stored).toContain("赞成票未超过应到有表决权党员的半数（需至少 4 票），未通过。");
    expect((await votesOf(m))[0]).toMatchObject({ status: "closed", passed: false });

    // The page shows the result; closing again and voting after the close are refused.
    const after = await (await t.http.get(path, LIU)).text();
    expect(after).toContain('data-testid="vote-closed"');
    expect(after).toContain("未通过");
    expect(after).toContain("赞成票未超过应到有表决权党员半数（需至少 4 票），未通过。");
    expect(after).toContain("结果已写入会议记录");
    res = await t.http.post(path, { intent: "close", voteId }, LEADER);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("本项表决已经结束。");
    res = await t.http.post(path, { intent: "cast", voteId, choice: "for" }, YANG);
    expect(res.status).toBe(409);
  });
});

describe("a secret ballot with written opinions over HTTP", () => {
  it("shows only the count while open, takes the host's written opinions, passes, and survives a failed minutes write", async () => {
    const m = await meeting("接收预备党员表决测试");
    const path = `/meetings/${m}/votes`;
    await start(m);
    await present(m, SEC, ORG, LEADER, LIU, CHEN);
    let res = await t.http.post(
      path,
      { intent: "open", title: "关于接收冯雪同志为预备党员", matter: "admit_probationary", secret: "1" },
      LEADER,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已发起表决");
    const [{ id: voteId, secret }] = await votesOf(m);
    expect(secret).toBe(true);

    for (const u of [SEC, ORG, LIU])
      expect((await t.http.post(path, { intent: "cast", voteId, choice: "for" }, u)).status).toBe(200);
    const open = await (await t.http.get(path, LEADER)).text();
    expect(open).not.toContain('data-testid="vote-live-tally"');
    expect(open).toContain("无记名投票：结束前只显示投票人数");
    expect(open).toContain('data-testid="vote-written"');
    const secPage = await (await t.http.get(path, SEC)).text();
    expect(secPage).toContain("你已投票（无记名，只计票数）");

    // Written opinions: the host's, for an absent voting member, once; not for someone present, nor by a member.
    res = await t.http.post(path, { intent: "written", voteId, userId: t.ids.user[YANG], choice: "for" }, LIU);
    expect(res.status).toBe(403);
    res = await t.http.post(path, { intent: "written", voteId, userId: t.ids.user[CHEN], choice: "for" }, LEADER);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("陈静已到会，应由本人当场投票，不能登记书面意见。");
    res = await t.http.post(path, { intent: "written", voteId, userId: t.ids.user[ZHAO], choice: "for" }, LEADER);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("赵敏：预备党员没有表决权。");
    res = await t.http.post(path, { intent: "written", voteId, userId: "", choice: "for" }, LEADER);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请选择因故未到会的有表决权党员");
    res = await t.http.post(path, { intent: "written", voteId, userId: t.ids.user[YANG], choice: "against" }, LEADER);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已登记杨帆的书面意见");
    res = await t.http.post(path, { intent: "written", voteId, userId: t.ids.user[YANG], choice: "for" }, LEADER);
    expect(res.status).toBe(409);

    expect((await t.http.post(path, { intent: "cast", voteId, choice: "for" }, LEADER)).status).toBe(200);

    // The minutes cannot be written this time: the vote is closed all the same, with a warning, not a 500.
    const live = t.app.services.live;
    const editDocument = live.editDocument;
    live.editDocument = async () => {
      throw new Error("simulated collaboration failure");
    };
    try {
      res = await t.http.post(path, { intent: "close", voteId, redirectTo: `/meetings/${m}` }, LEADER);
    } finally {
      live.editDocument = editDocument;
    }
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("表决已结束：通过。");
    expect(html).toContain("未能把结果写入会议记录，请记录人在“会议决议”中补记：");
    expect(html).toContain('data-testid="votes-warning"');
    expect((await votesOf(m))[0]).toMatchObject({ status: "closed", passed: true, for_count: 4, written_against: 1 });
    expect(await storedMinutes(m)).not.toContain("关于接收冯雪同志为预备党员");

    // Closed: the split is shown, without names.
    const closed = await (await t.http.get(path, CHEN)).text();
    expect(closed).toContain("赞成票超过应到有表决权党员半数（至少 4 票），通过。");
    expect(closed).toContain("含书面意见 1 份（赞成 0、反对 1、弃权 0）");
    expect(closed).toContain('data-testid="vote-tally"');
  });
});

describe("the panel's data request (useFetcher)", () => {
  it("answers the session page's fetcher with the loader data and refusals with their status", async () => {
    const m = await meeting("数据请求测试");
    await start(m);
    await present(m, SEC, ORG, LEADER);
    const data = await fetch(`${t.url}/meetings/${m}/votes.data`, { headers: { cookie: await t.http.cookie(SEC) } });
    expect(data.status).toBe(200);
    const body = await data.text();
    expect(body).toContain("openRefusal");
    expect(body).toContain("未达到法定人数：应到有表决权党员 6 人，实到 3 人，需超过半数（至少 4 人）。");
    const refused = await fetch(`${t.url}/meetings/${m}/votes.data`, {
      method: "POST",
      headers: {
        cookie: await t.http.cookie(SEC),
        origin: t.url,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ intent: "open", ...commendation }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("未达到法定人数");
  });
});
