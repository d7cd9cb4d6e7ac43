import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DomainError } from "../../server/services/errors";
import { orgSettings } from "../../server/services/people/org-settings";
import { reflectionOverview, remindMissing, sessionReflections } from "../../server/services/reflections/overview";
import { storedTexts } from "../../server/services/reflections/records";
import { reflectionFor } from "../../server/services/reflections/review";
import { myReflection, submitReflection } from "../../server/services/reflections/submit";
import { reflectionDoc } from "../../shared/doc-names";
import { countWords } from "../../shared/domain/text";
import { chinaDateTimeValue } from "../../shared/time";
import { DEMO, MIN, ORGS, withDemoServer } from "../setup/demo";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";

// 心得体会 on the seeded demo branch: 王建国 书记 (…01), 李秀英 组织委员 (…02), 刘洋 (…04),
// 陈静 (…05), 杨帆 (…06) and 黄磊 (…08) of 机关第一党支部; 周志强 (…09) the 党委组织委员 above
// (a reviewer of every branch below, here on the list as 列席); 吴刚 (…11) in the sibling branch.
// Meetings and their lists are inserted directly: scheduling is another module.

// Reflections written for these tests: an original, a light-edit copy of it (words swapped, two
// paragraphs reordered, a line of one's own added), an honest one on the same study, and one
// member's earlier reflection with the same text handed in again under a new opening.
const ORIGINAL = `这次支部组织集中学习党的二十届四中全会精神，我结合自己在社区服务中心窗口的工作，谈几点体会。
第一，要把群众的小事当成自己的大事。上个月有位独居老人来办理高龄津贴，材料缺了一份户籍证明，按规定要退回。我想到老人腿脚不便，就主动联系派出所调取了电子证明，当天就帮他办完了。老人走的时候一直说谢谢，我心里很受触动。
第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成了一张告知单，群众来之前就知道要带什么材料，一次办成的比例从六成提高到了九成。
第三，要不断提高自己的业务能力。有些政策更新很快，我每周抽出两个晚上学习新文件，整理成问答卡片，和同事一起交流。
今后我要继续在岗位上做好每一件小事，让群众少跑一趟、多一分满意。`;

const COPY = `这回支部组织集中学习了党的二十届四中全会精神，我联系自己在社区服务中心窗口的工作，谈几点认识。
第一，要把群众的小事看成自己的大事。上个月有位独居老人来办高龄津贴，材料缺了一份户籍证明，按照规定要退回。我想到老人腿脚不方便，就主动联系派出所调取了电子证明，当天就帮他办完了。老人走时一直说谢谢，我心里很受触动。
我还觉得，基层工作琐碎，但每件事背后都连着群众的冷暖，马虎不得。
第三，要不断提升自己的业务能力。有些政策更新很快，我每周抽出两个晚上学习新文件，整理成问答卡片，和同事一起交流。
第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成一张告知单，群众来之前就知道要带哪些材料，一次办成的比例从六成提高到九成。
今后我要继续在岗位上做好每件小事，让群众少跑一趟、多一分满意。`;

const HONEST = `按照支部安排，我学习了党的二十届四中全会精神，作为一名小学数学教师，想结合教学谈谈体会。
全会强调办好人民满意的教育，我理解首先要让每个孩子都学得懂。我们班有三个孩子基础比较弱，过去我总是按进度往前赶，这学期我每周二放学后给他们单独辅导半小时，期中测验三个人都及格了。
其次是减轻学生过重的课业负担。年级组统一设计了分层作业，基础题必做、拓展题选做，家长反映孩子晚上有时间看书和运动了。
再次是提高自己的专业水平。我报名参加了区里的数学教研共同体，每月听两节课，也请同事来听我的课，提出改进意见。
下一步我要把学到的精神落实到课堂上，做一名让学生喜欢、让家长放心的老师。`;

const EARLIER = `通过学习《中国共产党支部工作条例（试行）》，我对党支部是党的基础组织有了更清楚的认识。回头看我们支部，以前开会有时候就是读读文件，大家坐在下面各忙各的，效果不好。今年支部换届以后，新支委把每次学习都和窗口业务结合起来，讲到密切联系群众，就请窗口的同事讲讲最近遇到的难办的事，大家一起出主意。我作为一名普通党员，要按时参加组织生活，按时足额交纳党费，在窗口工作中亮明身份，遇到群众不理解的时候多一分耐心。下一步，我准备主动向支部申请承担一次主题党日的组织工作，锻炼自己的能力。`;

const RECYCLED = `这个季度支部组织学习了党章和有关党内法规，我结合自己的工作谈几点认识。
${EARLIER.replace("通过学习《中国共产党支部工作条例（试行）》，我对党支部是党的基础组织有了更清楚的认识。", "").replace("下一步，", "今后，")}`;

const { SEC, ORG, LIU, CHEN, YANG, HUANG, REVIEWER, WU } = DEMO;

const t = withDemoServer();

const live = () => t.app.services.live;

const subject = async (username: string) => (await t.actor(username)).subject;

/** A meeting of the first branch that started `agoMin` minutes ago, with its list. */
async function meeting(
  opts: { agoMin?: number; attendees?: string[]; guests?: string[]; title?: string; host?: string } = {},
) {
  return t.meeting({
    org: ORGS.B1,
    kind: "party_lecture",
    title: opts.title ?? "学习贯彻党的二十届四中全会精神",
    inMin: -(opts.agoMin ?? 30),
    minutes: 120,
    host: opts.host ?? SEC,
    started: true,
    attendees: opts.attendees ?? [SEC, ORG, LIU, CHEN, YANG],
    guests: opts.guests ?? [REVIEWER],
  });
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

/** A document state holding the text, one paragraph per line, as the editor would post it. */
function stateOf(text: string): string {
  const doc = new Y.Doc();
  for (const line of text.split("\n")) appendParagraph(doc, line);
  const b64 = Buffer.from(Y.encodeStateAsUpdate(doc)).toString("base64");
  doc.destroy();
  return b64;
}

const submitPath = (m: string) => `/meetings/${m}/reflection`;
const submit = (m: string, username: string, text?: string) =>
  t.http.post(
    submitPath(m),
    text === undefined ? { intent: "submit" } : { intent: "submit", update: stateOf(text) },
    username,
  );

async function row(meetingId: string, username: string) {
  const [r] = await t.sql<
    {
      status: string;
      submitted_text: string | null;
      word_count: number;
      similarity: number | null;
      similarity_detail: {
        flagged: boolean;
        checked: boolean;
        matches: {
          source: string;
          userId: string;
          name: string;
          meetingId: string;
          passages: { start: number; end: number; otherStart: number; otherEnd: number }[];
          otherText: string;
        }[];
      } | null;
      review_comment: string | null;
    }[]
  >`select * from reflections where meeting_id = ${meetingId} and user_id = ${t.ids.user[username]}`;
  return r;
}

async function storedText(meetingId: string, username: string) {
  const doc = reflectionDoc(meetingId, t.ids.user[username]);
  return (await storedTexts(t.sql, [doc])).get(doc) ?? "";
}

async function notificationsOf(username: string, kind: string) {
  return t.sql<{ title: string; link: string | null }[]>`
    select title, link from notifications where user_id = ${t.ids.user[username]} and kind = ${kind} order by id`;
}

const wsUrl = (docName: string) => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;

describe("writing and submitting", () => {
  it("is written live, counted for the reviewers without being shown, then submitted once; the editor turns read-only", async () => {
    const m = await meeting();
    const client = connectClient(t.url, reflectionDoc(m, t.ids.user[LIU]), await t.http.cookie(LIU));
    await client.synced();
    for (const line of ORIGINAL.split("\n")) appendParagraph(client.doc, line);
    const expected = countWords(ORIGINAL);
    for (let i = 0; i < 100 && (await storedText(m, LIU)) !== ORIGINAL; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await storedText(m, LIU)).toBe(ORIGINAL);

    // The reviewers see a count, never the draft itself.
    const o = await reflectionOverview(t.sql, await subject(SEC), m);
    expect(o.mode).toBe("review");
    expect(o.rows.find((r) => r.userId === t.ids.user[LIU])).toMatchObject({ status: "draft", wordCount: expected });
    expect(o.rows.find((r) => r.userId === t.ids.user[CHEN])).toMatchObject({ status: "draft", wordCount: 0 });
    expect(o.counts).toEqual({ expected: 5, submitted: 0, accepted: 0, returned: 0, flagged: 0 });
    const html = await (await t.http.get(`/meetings/${m}/reflections`, SEC)).text();
    expect(html).toContain(`草稿 ${expected} 字`);
    expect(html).not.toContain("高龄津贴");

    // The session card: the author's own count; the figures for a reviewer.
    expect(await sessionReflections(t.sql, await subject(LIU), m)).toMatchObject({
      mine: { status: "draft", wordCount: expected },
      review: null,
      canSetDeadline: false,
    });
    expect(await sessionReflections(t.sql, await subject(SEC), m)).toMatchObject({
      mine: { status: "draft", wordCount: 0 },
      review: { submitted: 0, accepted: 0, expected: 5, flagged: 0 },
      canSetDeadline: true,
    });
    // 周志强 (党委组织委员) is on the list as 列席: he has a reflection of his own to write.
    expect((await sessionReflections(t.sql, await subject(REVIEWER), m)).mine).toEqual({
      status: "draft",
      wordCount: 0,
    });

    // Submitted without a posted state (no JavaScript): the live document is read as it is.
    const closed = new Promise<number>((resolve) =>
      client.provider.once("connection-close", (e: CloseEvent | null) => resolve(e?.code ?? 0)),
    );
    const res = await submit(m, LIU);
    expect(res.status).toBe(200);
    expect(await row(m, LIU)).toMatchObject({ status: "submitted", submitted_text: ORIGINAL, word_count: expected });
    // The author's connection is downgraded (4509: reconnect read-only); an edit from it is dropped.
    expect(await closed).toBe(4509);
    await client.synced();
    appendParagraph(client.doc, "提交以后偷偷补的一句话");
    await new Promise((r) => setTimeout(r, 400));
    expect(await storedText(m, LIU)).toBe(ORIGINAL);
    client.destroy();

    expect((await submit(m, LIU)).status).toBe(409);
    expect(await (await submit(m, LIU, ORIGINAL)).text()).toContain("你已经提交过心得体会，无需重复提交。");
    expect(await sessionReflections(t.sql, await subject(SEC), m)).toMatchObject({
      review: { submitted: 1, expected: 5 },
    });
  });

  it("stores what the editor posts with the submission, so text typed offline is not lost", async () => {
    const m = await meeting();
    const res = await submit(m, CHEN, HONEST);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`已提交，共 ${countWords(HONEST)} 字`);
    expect(await storedText(m, CHEN)).toBe(HONEST);
    expect((await row(m, CHEN)).submitted_text).toBe(HONEST);
  });

  it("refuses empty and too short texts, unreadable states, and people not on the list", async () => {
    const m = await meeting();
    const empty = await submit(m, YANG);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("心得体会还是空的");
    const short = await submit(m, YANG, "这次学习很有收获，今后要继续努力。");
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("心得体会至少 50 字，目前只有 15 字");
    expect((await t.http.post(submitPath(m), { intent: "submit", update: "%%%" }, YANG)).status).toBe(400);
    const garbage = Buffer.from([255, 255, 255, 255, 1, 2, 3, 4, 5]).toString("base64");
    const bad = await t.http.post(submitPath(m), { intent: "submit", update: garbage }, YANG);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("提交的内容无法读取");
    expect((await t.http.post(submitPath(m), { intent: "other" }, YANG)).status).toBe(400);
    expect(await row(m, YANG)).toBeUndefined();

    // 黄磊 may read the branch's meeting but is not on its list; 吴刚 may not see it at all.
    expect((await submit(m, HUANG, ORIGINAL)).status).toBe(403);
    expect((await t.http.get(submitPath(m), HUANG)).status).toBe(403);
    expect((await submit(m, WU, ORIGINAL)).status).toBe(404);
    expect((await t.http.get(submitPath(m), WU)).status).toBe(404);
    expect((await t.http.get(`/meetings/not-a-uuid/reflection`, LIU)).status).toBe(404);
  });
});

describe("the deadline", () => {
  it("is set by the reviewers only, not before the start nor in the past; after it a draft is refused but a returned reflection may come back", async () => {
    const m = await meeting({ agoMin: 60 });
    const path = `/meetings/${m}/reflections`;
    const inTwoHours = chinaDateTimeValue(new Date(Date.now() + 120 * MIN));
    expect((await t.http.post(path, { intent: "deadline", deadline: inTwoHours }, CHEN)).status).toBe(403);
    const early = await t.http.post(
      path,
      { intent: "deadline", deadline: chinaDateTimeValue(new Date(Date.now() - 90 * MIN)) },
      SEC,
    );
    expect(early.status).toBe(400);
    expect(await early.text()).toContain("截止时间不能早于会议开始时间");
    const past = await t.http.post(
      path,
      { intent: "deadline", deadline: chinaDateTimeValue(new Date(Date.now() - 10 * MIN)) },
      SEC,
    );
    expect(past.status).toBe(400);
    expect(await past.text()).toContain("截止时间应晚于现在");
    expect((await t.http.post(path, { intent: "deadline", deadline: "明天下午" }, SEC)).status).toBe(400);
    expect((await t.http.post(path, { intent: "deadline", deadline: "2026-02-30T18:00" }, SEC)).status).toBe(400);
    expect((await t.http.post(path, { intent: "deadline", deadline: inTwoHours }, SEC)).status).toBe(200);
    const [{ reflection_deadline }] = await t.sql<{ reflection_deadline: Date }[]>`
      select reflection_deadline from meetings where id = ${m}`;
    expect(chinaDateTimeValue(reflection_deadline)).toBe(inTwoHours);
    expect((await sessionReflections(t.sql, await subject(LIU), m)).deadline).toEqual(reflection_deadline);

    expect((await submit(m, LIU, ORIGINAL)).status).toBe(200);
    expect(
      (
        await t.http.post(
          `${path}/${t.ids.user[LIU]}`,
          { intent: "return", comment: "请结合本职工作再具体一些。" },
          SEC,
        )
      ).status,
    ).toBe(200);

    // The deadline passes.
    await t.sql`update meetings set reflection_deadline = now() - interval '1 minute' where id = ${m}`;
    const late = await submit(m, CHEN, HONEST);
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("已过提交截止时间");
    expect((await myReflection(t.sql, await subject(CHEN), m)).submitBlocked).toContain("已过提交截止时间");
    // A returned one may come back: the secretary asked for it.
    expect((await myReflection(t.sql, await subject(LIU), m)).submitBlocked).toBeNull();
    const again = await submit(m, LIU, `${ORIGINAL}\n补充：我把告知单的做法整理成了经验材料，供其他窗口参考。`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("已重新提交");
    expect((await row(m, LIU)).status).toBe("submitted");

    expect((await t.http.post(path, { intent: "clear-deadline" }, SEC)).status).toBe(200);
    expect((await sessionReflections(t.sql, await subject(LIU), m)).deadline).toBeNull();
    expect((await submit(m, CHEN, HONEST)).status).toBe(200);
  });
});

describe("review", () => {
  it("returns with a comment and accepts, by reviewers only, never one's own, and never twice", async () => {
    const m = await meeting();
    const liu = `/meetings/${m}/reflections/${t.ids.user[LIU]}`;
    expect((await submit(m, LIU, ORIGINAL)).status).toBe(200);
    expect((await submit(m, SEC, HONEST)).status).toBe(200);

    // Without a comment, or a blank or overlong one: 400, nothing changes.
    for (const comment of [undefined, " ", "好", "意".repeat(501)]) {
      const res = await t.http.post(
        liu,
        comment === undefined ? { intent: "return" } : { intent: "return", comment },
        ORG,
      );
      expect(res.status).toBe(400);
    }
    expect((await t.http.post(liu, { intent: "return", comment: "" }, ORG)).status).toBe(400);
    expect((await row(m, LIU)).status).toBe("submitted");
    expect((await t.http.post(liu, { intent: "approve" }, ORG)).status).toBe(400);

    // 陈静 may not see it (committee only): 404. 刘洋 on his own: 403. 王建国 on his own: 403.
    expect((await t.http.post(liu, { intent: "accept" }, CHEN)).status).toBe(404);
    expect((await t.http.post(liu, { intent: "accept" }, LIU)).status).toBe(403);
    expect((await t.http.post(`/meetings/${m}/reflections/${t.ids.user[SEC]}`, { intent: "accept" }, SEC)).status).toBe(
      403,
    );
    expect((await t.http.post(liu, { intent: "accept" }, WU)).status).toBe(404);
    expect((await row(m, LIU)).status).toBe("submitted");

    // 李秀英 (组织委员) returns it with a comment: the author is told and may write again.
    const comment = "联系实际还不够具体，请结合窗口工作中的一两件事修改。";
    const ret = await t.http.post(liu, { intent: "return", comment }, ORG);
    expect(ret.status).toBe(200);
    expect(await row(m, LIU)).toMatchObject({ status: "returned", review_comment: comment });
    expect((await notificationsOf(LIU, "reflection.returned")).at(-1)).toMatchObject({
      link: `/meetings/${m}/reflection`,
    });
    expect((await notificationsOf(LIU, "reflection.returned")).at(-1)!.title).toContain("联系实际还不够具体");
    const mine = await myReflection(t.sql, await subject(LIU), m);
    expect(mine).toMatchObject({ status: "returned", canEdit: true, review: { comment, byName: "李秀英" } });
    const html = await (await t.http.get(`/meetings/${m}/reflection`, LIU)).text();
    expect(html).toContain(comment);

    // Writable again over the websocket.
    const client = connectClient(t.url, reflectionDoc(m, t.ids.user[LIU]), await t.http.cookie(LIU));
    await client.synced();
    appendParagraph(client.doc, "修改：上个月我还帮一位残疾人上门办理了资格认证。");
    await until(() => client.provider.wsconnected, 2000);
    for (let i = 0; i < 100 && !(await storedText(m, LIU)).includes("上门办理"); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await storedText(m, LIU)).toContain("上门办理");
    client.destroy();

    expect((await t.http.post(liu, { intent: "return", comment }, ORG)).status).toBe(409);
    expect(await (await t.http.post(liu, { intent: "accept" }, ORG)).text()).toContain("须本人重新提交后才能通过");

    // Resubmitted (the live document as revised), then accepted once.
    expect((await submit(m, LIU)).status).toBe(200);
    expect((await row(m, LIU)).submitted_text).toContain("上门办理");
    expect((await t.http.post(liu, { intent: "accept" }, SEC)).status).toBe(200);
    expect((await row(m, LIU)).status).toBe("accepted");
    expect((await notificationsOf(LIU, "reflection.accepted")).length).toBeGreaterThan(0);
    expect((await t.http.post(liu, { intent: "accept" }, SEC)).status).toBe(409);
    expect(await (await t.http.post(liu, { intent: "return", comment }, SEC)).text()).toContain(
      "已经审阅通过，不能再退回",
    );
    expect(await (await submit(m, LIU, ORIGINAL)).text()).toContain("已经审阅通过，不能再次提交");
    expect((await myReflection(t.sql, await subject(LIU), m)).canEdit).toBe(false);
  });
});

describe("who reads a reflection", () => {
  it("a draft is its author's alone, over HTTP and over the websocket; reviewers read a submitted one", async () => {
    const m = await meeting();
    const doc = reflectionDoc(m, t.ids.user[LIU]);
    const liu = `/meetings/${m}/reflections/${t.ids.user[LIU]}`;
    // Nobody but the author opens a draft, to read or to write.
    expect(await upgradeStatus(wsUrl(doc), { cookie: await t.http.cookie(CHEN), origin: t.url })).toBe(404);
    expect(await upgradeStatus(wsUrl(doc), { cookie: await t.http.cookie(SEC), origin: t.url })).toBe(404);
    expect(await upgradeStatus(wsUrl(doc), { cookie: await t.http.cookie(WU), origin: t.url })).toBe(404);
    expect(await upgradeStatus(wsUrl(doc), { cookie: await t.http.cookie(LIU), origin: t.url })).toBe(101);
    expect((await t.http.get(liu, SEC)).status).toBe(404);
    expect((await t.http.get(liu, CHEN)).status).toBe(404);
    // The author's own address leads to their own page.
    const own = await t.http.get(liu, LIU);
    expect([own.status, own.headers.get("location")]).toEqual([302, `/meetings/${m}/reflection`]);

    expect((await submit(m, LIU, ORIGINAL)).status).toBe(200);
    const read = await t.http.get(liu, SEC);
    expect(read.status).toBe(200);
    const html = await read.text();
    expect(html).toContain("高龄津贴");
    expect(html).toContain("审阅通过");
    // 周志强 (党委组织委员) reviews the branches below.
    expect((await t.http.get(liu, REVIEWER)).status).toBe(200);
    // Committee only (the default): 陈静 and 吴刚 still get 404.
    expect((await t.http.get(liu, CHEN)).status).toBe(404);
    expect((await t.http.get(`/meetings/${m}/reflections`, CHEN)).status).toBe(404);
    expect((await t.http.get(liu, WU)).status).toBe(404);
    expect(await upgradeStatus(wsUrl(doc), { cookie: await t.http.cookie(CHEN), origin: t.url })).toBe(404);

    // A reviewer's connection reads; what it sends is dropped.
    const sec = connectClient(t.url, doc, await t.http.cookie(SEC));
    await sec.synced();
    expect(sec.text()).toContain("高龄津贴");
    appendParagraph(sec.doc, "审阅人试图改写的一句话");
    await new Promise((r) => setTimeout(r, 400));
    expect(await storedText(m, LIU)).toBe(ORIGINAL);
    sec.destroy();
  });

  it("with 「提交后全支部可见」 the branch reads submitted ones, never drafts or returned ones, and never the figures", async () => {
    const m = await meeting();
    const branch = t.ids.org[ORGS.B1];
    const liu = `/meetings/${m}/reflections/${t.ids.user[LIU]}`;
    expect((await submit(m, LIU, ORIGINAL)).status).toBe(200);
    expect((await submit(m, ORG, HONEST)).status).toBe(200);

    // The setting is the secretary's; a member cannot change it.
    expect((await t.http.post(`/orgs/${branch}/settings`, { reflectionVisibility: "branch" }, CHEN)).status).toBe(403);
    expect((await t.http.post(`/orgs/${branch}/settings`, { reflectionVisibility: "everyone" }, SEC)).status).toBe(400);
    expect((await t.http.post(`/orgs/${branch}/settings`, { reflectionVisibility: "branch" }, SEC)).status).toBe(200);
    expect((await orgSettings(t.sql, branch)).reflectionVisibility).toBe("branch");
    // Saving other rules without the field keeps it.
    expect((await t.http.post(`/orgs/${branch}/settings`, { minutesDueDays: "5" }, SEC)).status).toBe(200);
    expect((await orgSettings(t.sql, branch)).reflectionVisibility).toBe("branch");
    const settingsPage = await (await t.http.get(`/orgs/${branch}/settings`, SEC)).text();
    expect(settingsPage).toContain("心得体会查看范围");
    expect(settingsPage).toContain("提交后全支部可见");

    const read = await t.http.get(liu, CHEN);
    expect(read.status).toBe(200);
    const html = await read.text();
    expect(html).toContain("高龄津贴");
    expect(html).not.toContain('data-testid="similarity"');
    expect(html).not.toContain("审阅通过");
    const overview = await reflectionOverview(t.sql, await subject(CHEN), m);
    expect(overview.mode).toBe("read");
    expect(overview.rows.map((r) => r.name).sort()).toEqual(["刘洋", "李秀英"].sort());
    expect(overview.rows.every((r) => r.similarity === null)).toBe(true);
    expect((await t.http.get(`/meetings/${m}/reflections`, CHEN)).status).toBe(200);
    // A reader does not review.
    expect((await t.http.post(liu, { intent: "accept" }, CHEN)).status).toBe(403);
    // 杨帆's draft stays his own; 吴刚's branch is another.
    expect((await t.http.get(`/meetings/${m}/reflections/${t.ids.user[YANG]}`, CHEN)).status).toBe(404);
    expect((await t.http.get(liu, WU)).status).toBe(404);
    // Over the websocket too: 陈静 reads the submitted document.
    expect(
      await upgradeStatus(wsUrl(reflectionDoc(m, t.ids.user[LIU])), {
        cookie: await t.http.cookie(CHEN),
        origin: t.url,
      }),
    ).toBe(101);

    // Returned: back with its author only (and the reviewers).
    expect((await t.http.post(liu, { intent: "return", comment: "请补充整改措施。" }, SEC)).status).toBe(200);
    expect((await t.http.get(liu, CHEN)).status).toBe(404);
    expect((await t.http.get(liu, SEC)).status).toBe(200);

    expect((await t.http.post(`/orgs/${branch}/settings`, { reflectionVisibility: "committee" }, SEC)).status).toBe(
      200,
    );
    expect((await t.http.get(`/meetings/${m}/reflections/${t.ids.user[ORG]}`, CHEN)).status).toBe(404);
    expect((await t.http.get(`/meetings/${m}/reflections`, CHEN)).status).toBe(404);
  });
});

describe("the similarity check", () => {
  it("flags a lightly edited copy of another member's reflection, not an honest one, with passages for both sides", async () => {
    // 李秀英 writes the original (刘洋 handed in the same text at earlier meetings above, so his
    // would rightly be flagged against his own earlier ones).
    const m = await meeting();
    expect((await submit(m, ORG, ORIGINAL)).status).toBe(200);
    expect((await submit(m, CHEN, COPY)).status).toBe(200);
    expect((await submit(m, YANG, HONEST)).status).toBe(200);

    const copy = await row(m, CHEN);
    expect(copy.similarity).toBeGreaterThanOrEqual(0.3);
    expect(copy.similarity_detail!.flagged).toBe(true);
    const match = copy.similarity_detail!.matches[0];
    expect(match).toMatchObject({ source: "session", userId: t.ids.user[ORG], name: "李秀英", otherText: ORIGINAL });
    expect(match.passages.length).toBeGreaterThan(1);
    const shared = match.passages.map((p) => COPY.slice(p.start, p.end)).join("|");
    expect(shared).toContain("户籍证明");
    const theirs = match.passages.map((p) => ORIGINAL.slice(p.otherStart, p.otherEnd)).join("|");
    expect(theirs).toContain("户籍证明");

    const honest = await row(m, YANG);
    expect(honest.similarity).toBeLessThan(0.3);
    expect(honest.similarity_detail!.flagged).toBe(false);
    expect(honest.similarity_detail!.checked).toBe(true);

    const o = await reflectionOverview(t.sql, await subject(SEC), m);
    expect(o.counts.flagged).toBe(1);
    expect(o.rows.find((r) => r.userId === t.ids.user[CHEN])!.flagged).toBe(true);
    expect(o.rows.find((r) => r.userId === t.ids.user[YANG])!.flagged).toBe(false);
    expect((await sessionReflections(t.sql, await subject(SEC), m)).review).toEqual({
      submitted: 3,
      accepted: 0,
      expected: 5,
      flagged: 1,
    });

    const view = await reflectionFor(t.sql, await subject(SEC), m, t.ids.user[CHEN]);
    expect(view.similarity!.matches[0].otherText).toBe(ORIGINAL);
    const html = await (await t.http.get(`/meetings/${m}/reflections/${t.ids.user[CHEN]}`, SEC)).text();
    expect(html).toContain('class="refl-mark"');
    expect(html).toContain("疑似雷同");
    expect(html).toContain("与李秀英的心得体会（本次）");
    expect(await (await t.http.get(`/meetings/${m}/reflections`, SEC)).text()).toContain("疑似雷同");
  });

  it("flags the author's own earlier reflection handed in again", async () => {
    const before = await meeting({ title: "学习《中国共产党支部工作条例（试行）》", agoMin: 60 * 24 * 90 });
    expect((await submit(before, LIU, EARLIER)).status).toBe(200);
    const m = await meeting({ title: "学习党章和党内法规" });
    const res = await submitReflection(t.sql, live(), await t.actor(LIU), m, Y.encodeStateAsUpdate(docOf(RECYCLED)));
    expect(res.flagged).toBe(true);
    const r = await row(m, LIU);
    expect(r.similarity).toBeGreaterThanOrEqual(0.3);
    expect(r.similarity_detail!.matches[0]).toMatchObject({
      source: "earlier",
      meetingId: before,
      userId: t.ids.user[LIU],
    });
    const html = await (await t.http.get(`/meetings/${m}/reflections/${t.ids.user[LIU]}`, SEC)).text();
    expect(html).toContain("本人此前的心得体会：学习《中国共产党支部工作条例（试行）》");
  });
});

function docOf(text: string) {
  const doc = new Y.Doc();
  for (const line of text.split("\n")) appendParagraph(doc, line);
  return doc;
}

describe("reminders", () => {
  it("notify those who have not submitted, once a day each, and only from a reviewer", async () => {
    const m = await meeting({ attendees: [SEC, LIU, CHEN, YANG], guests: [REVIEWER] });
    expect((await submit(m, LIU, ORIGINAL)).status).toBe(200);
    const path = `/meetings/${m}/reflections`;
    expect((await t.http.post(path, { intent: "remind" }, CHEN)).status).toBe(403);

    const res = await t.http.post(path, { intent: "remind" }, SEC);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已提醒 2 位同志");
    const remindersOf = async (u: string) =>
      (await notificationsOf(u, "reflection.reminder")).filter((n) => n.link === `/meetings/${m}/reflection`);
    expect(await remindersOf(CHEN)).toHaveLength(1);
    expect(await remindersOf(YANG)).toHaveLength(1);
    expect(await remindersOf(LIU)).toHaveLength(0); // submitted
    expect(await remindersOf(SEC)).toHaveLength(0); // the reviewer himself
    expect(await remindersOf(REVIEWER)).toHaveLength(0); // 列席
    expect((await remindersOf(CHEN))[0].title).toContain("请提交心得体会");

    // Pressed again the same day: refused, nobody gets a second one.
    const twice = await t.http.post(path, { intent: "remind" }, SEC);
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("每人每天最多提醒一次");
    expect(await remindersOf(CHEN)).toHaveLength(1);
    const o = await reflectionOverview(t.sql, await subject(SEC), m);
    expect(o.remindable).toBe(0);
    expect(o.rows.find((r) => r.userId === t.ids.user[CHEN])!.remindedToday).toBe(true);

    // The next day, once more.
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    expect(await remindMissing(t.sql, await t.actor(SEC), m, tomorrow)).toEqual({ sent: 2, skipped: 0 });
    expect(await remindersOf(CHEN)).toHaveLength(2);

    // All in: nothing to remind.
    for (const u of [CHEN, YANG, SEC]) expect((await submit(m, u, u === CHEN ? COPY : HONEST)).status).toBe(200);
    expect((await refusal(remindMissing(t.sql, await t.actor(SEC), m))).message).toContain("都已提交");
  });
});
