import { beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { examinationStage } from "../../server/services/life/examination-review";
import { examinationText } from "../../server/services/life/examination-text";
import { loadMeetingScope } from "../../server/services/meeting-scope";
import { storedTexts } from "../../server/services/reflections/records";
import { examinationDoc } from "../../shared/doc-names";
import { BUILT_IN_BOILERPLATE } from "../../shared/domain/examination-boilerplate";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { appendParagraph, connectClient, upgradeStatus } from "../setup/yclient";

// 对照检查材料 of a 组织生活会 (docs/decisions/034), over HTTP and the WebSocket as the pages and
// the editor use them: who reads (the author, the 支委, attendees while the meeting is under way,
// the level above only with a grant) and who does not (other members, another branch, the 党委
// without a grant: 404 on both), only the author writes, the return with passage notes and the
// acceptance, the similarity check (a template passage, another member's text), bad input, the
// audit log, the stage and the text the criticism round reads.

const t = withDemoServer({ timeout: 180_000 });
const { SEC, ORG, LIU, CHEN, HUANG, WU, REVIEWER, SUN, LEADER } = DEMO;

const LIU_TEXT = [
  "对照检查材料：我在窗口服务岗位上工作三年，这次对照党章党规认真查摆，主要存在三个方面的问题。",
  "一是服务群众的耐心不够。去年冬天办理高龄津贴时，有位老人连续来了三次材料都不全，我没有一次性把需要的材料讲清楚，让老人多跑了路。",
  "二是学习钻研不够深入。新的社保政策出台后，我只看了通知，没有系统研读实施细则，同事和群众来问时常常要再去查。",
  "三是对自己要求不够严格。加班多了就有怨气，有时把情绪带到窗口，说话语气生硬，群众有意见我也没有及时反思。",
  "下一步我要建立一次性告知清单，每月精读一项政策，窗口服务做到笑脸相迎，请同志们监督。",
].join("\n");

const HUANG_OWN = [
  "我在档案室负责干部档案整理，这次对照检查主要发现以下问题。",
  "一是档案数字化进度拖后，原定九月完成的扫描工作到十一月还差两百多卷，我没有及时向支部汇报困难。",
  "二是和年轻同志交流少，小王刚来时我只把任务交给他，没有手把手带他熟悉保密要求。",
].join("\n");

let m: string; // the 组织生活会, not yet begun
let live: string; // one under way, 陈静 on its list
const uid = (u: string) => t.ids.user[u];
const wsUrl = (docName: string) => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
const ws = async (docName: string, who: string) =>
  upgradeStatus(wsUrl(docName), { cookie: await t.http.cookie(who), origin: t.url });
const one = (meetingId: string, author: string) => `/meetings/${meetingId}/examinations/${uid(author)}`;

const base64 = (update: Uint8Array) => Buffer.from(update).toString("base64");

/** Submits `text` as the editor would: its whole state posted with the form. */
function submit(meetingId: string, who: string, text: string | null) {
  const doc = new Y.Doc();
  if (text !== null) for (const line of text.split("\n")) appendParagraph(doc, line);
  return t.http.post(
    `/meetings/${meetingId}/examination`,
    { intent: "submit", update: text === null ? "" : base64(Y.encodeStateAsUpdate(doc)) },
    who,
  );
}

async function row(meetingId: string, who: string) {
  const [r] = await t.sql<
    {
      status: string;
      submitted_text: string | null;
      review_comment: string | null;
      passage_comments: { paragraph: number; n: number; quote: string; comment: string }[];
      similarity_detail: {
        flagged: boolean;
        matches: { source: string; userId: string | null; name: string; passages: unknown[] }[];
      } | null;
    }[]
  >`select * from examinations where meeting_id = ${meetingId} and user_id = ${uid(who)}`;
  return r;
}

const audits = (actor: string, author: string) =>
  t.sql<{ detail: { meetingId: string; via: string } }[]>`
    select detail from audit_log where action = 'examination.view' and actor_id = ${uid(actor)}
      and subject_user_id = ${uid(author)} order by id`;

beforeAll(async () => {
  const attendees = [SEC, ORG, LIU, CHEN, HUANG, LEADER];
  m = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "2026年度组织生活会",
    inMin: 2 * 24 * 60,
    attendees,
  });
  live = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "进行中的组织生活会",
    inMin: -10,
    started: true,
    attendees,
  });
  await t.sql`
    insert into problem_items (org_id, meeting_id, person_id, text, created_by)
    values (${t.ids.org[ORGS.B1]}, ${m}, ${uid(LIU)}, '窗口服务中对老年群众耐心不够', ${uid(SEC)}),
           (${t.ids.org[ORGS.B1]}, ${m}, ${uid(CHEN)}, '陈静同志的问题不应给别人看到', ${uid(SEC)})`;
});

describe("writing and submitting", () => {
  it("the author's page shows the problems addressed to them only; an empty submission is refused", async () => {
    const page = await t.http.getText(`/meetings/${m}/examination`, LIU);
    expect(page.status).toBe(200);
    expect(page.text).toContain("窗口服务中对老年群众耐心不够");
    expect(page.text).not.toContain("陈静同志的问题");
    const empty = await submit(m, LIU, null);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("对照检查材料还是空的");
    const short = await submit(m, LIU, "我查摆了自己的问题。");
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("至少 100 字");
    expect((await row(m, LIU)) ?? null).toBeNull();
  });

  it("only the author writes the live document; a draft is theirs alone", async () => {
    const doc = examinationDoc(m, uid(LIU));
    expect(await ws(doc, LIU)).toBe(101);
    for (const who of [SEC, ORG, CHEN, WU, REVIEWER]) expect(await ws(doc, who), who).toBe(404);
    expect((await t.http.get(one(m, LIU), SEC)).status).toBe(404);
    // Written live over the WebSocket, as the editor does.
    const client = connectClient(t.url, doc, await t.http.cookie(LIU));
    await client.synced();
    appendParagraph(client.doc, "草稿第一段");
    const text = async () => (await storedTexts(t.sql, [doc])).get(doc) ?? "";
    for (let i = 0; i < 100 && !(await text()).includes("草稿第一段"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await text()).toContain("草稿第一段");
    client.destroy();
    // (The refused short submission's state was kept too: nothing typed is lost.)
    expect(await examinationText(t.sql, m, uid(LIU))).toContain("草稿第一段");
  });

  it("submits; the reviewer (the 书记) is told; the editor state posted is what is stored", async () => {
    const res = await submit(m, LIU, LIU_TEXT);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已提交");
    const r = await row(m, LIU);
    expect(r.status).toBe("submitted");
    expect(r.submitted_text).toContain("高龄津贴");
    expect(r.submitted_text).toContain("草稿第一段");
    const [note] = await t.sql<{ link: string }[]>`
      select link from notifications where user_id = ${uid(SEC)} and kind = 'examination.submitted'`;
    expect(note.link).toBe(one(m, LIU));
    const again = await submit(m, LIU, LIU_TEXT);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("正在等待审阅");
  });
});

describe("who reads a submitted material", () => {
  it("the author, the 支委 and the reviewer read it; other members, another branch and the 党委 without a grant get 404", async () => {
    const doc = examinationDoc(m, uid(LIU));
    const own = await t.http.get(one(m, LIU), LIU);
    expect([own.status, own.headers.get("location")]).toEqual([302, `/meetings/${m}/examination`]);
    for (const who of [SEC, ORG]) {
      const page = await t.http.getText(one(m, LIU), who);
      expect(page.status, who).toBe(200);
      expect(page.text).toContain("高龄津贴");
      expect(await ws(doc, who), who).toBe(101);
    }
    // 张伟 (党小组长, not on the 支委), 陈静 (a member on the list, the meeting not under way),
    // 吴刚 and 孙丽 (another branch), 周志强 (党委, no grant).
    for (const who of [LEADER, CHEN, WU, SUN, REVIEWER]) {
      const page = await t.http.getText(one(m, LIU), who);
      expect(page.status, who).toBe(404);
      expect(page.text).not.toContain("高龄津贴");
      expect(await ws(doc, who), who).toBe(404);
      if (who !== REVIEWER) expect((await t.http.get(`/meetings/${m}/examinations`, who)).status, who).toBe(404);
    }
    expect(await ws(doc, LIU)).toBe(101);
  });

  it("a reader's Yjs update is refused: only the author writes", async () => {
    const doc = examinationDoc(m, uid(LIU));
    const reader = connectClient(t.url, doc, await t.http.cookie(ORG));
    await reader.synced();
    appendParagraph(reader.doc, "组织委员偷偷改的一句");
    await new Promise((r) => setTimeout(r, 800));
    reader.destroy();
    const stored = (await storedTexts(t.sql, [doc])).get(doc) ?? "";
    expect(stored).toContain("高龄津贴");
    expect(stored).not.toContain("组织委员偷偷改");
  });

  it("an attendee reads while the meeting is under way, and no longer once it has ended", async () => {
    expect((await submit(live, LIU, LIU_TEXT)).status).toBe(200);
    const doc = examinationDoc(live, uid(LIU));
    expect((await t.http.get(one(live, LIU), CHEN)).status).toBe(200);
    expect(await ws(doc, CHEN)).toBe(101);
    expect((await t.http.get(`/meetings/${live}/examinations`, CHEN)).status).toBe(200);
    // Not on the list: 吴刚 of the other branch, and the 党委 without a grant.
    expect((await t.http.get(one(live, LIU), REVIEWER)).status).toBe(404);
    await t.sql`update meetings set session_ended_at = now() where id = ${live}`;
    expect((await t.http.get(one(live, LIU), CHEN)).status).toBe(404);
    expect(await ws(doc, CHEN)).toBe(404);
  });

  it("every read by someone other than the author is in the audit log, over the page and the WebSocket", async () => {
    const byPage = (await audits(SEC, LIU)).filter((a) => a.detail.meetingId === m);
    expect(byPage.map((a) => a.detail.via)).toContain("page");
    expect(byPage.map((a) => a.detail.via)).toContain("live");
    expect((await audits(CHEN, LIU)).map((a) => a.detail.meetingId)).toContain(live);
    // The author's own reads are not.
    expect(await audits(LIU, LIU)).toHaveLength(0);
    // Those refused left nothing.
    expect(await audits(WU, LIU)).toHaveLength(0);
  });
});

describe("return and accept", () => {
  it("refuses a comment too long, a return with nothing said, a non-reviewer and the author", async () => {
    const long = await t.http.post(one(m, LIU), { intent: "return", comment: "改".repeat(501) }, SEC);
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("退回意见最长 500 字");
    const nothing = await t.http.post(one(m, LIU), { intent: "return", comment: "" }, SEC);
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain("请填写退回意见");
    const noteTooLong = await t.http.post(
      one(m, LIU),
      { intent: "return", comment: "", "note.1": "长".repeat(301) },
      SEC,
    );
    expect(noteTooLong.status).toBe(400);
    expect(await noteTooLong.text()).toContain("段落意见每条最长 300 字");
    // 组织委员 reads but does not review.
    const org = await t.http.post(one(m, LIU), { intent: "accept" }, ORG);
    expect(org.status).toBe(403);
    expect(await org.text()).toContain("只有审阅人");
    // Someone who may not read it: 404, nothing changes.
    expect((await t.http.post(one(m, LIU), { intent: "accept" }, CHEN)).status).toBe(404);
    expect((await row(m, LIU)).status).toBe("submitted");
  });

  it("the 书记 returns with a comment on a passage; the author sees it, writes again and resubmits; then it is accepted", async () => {
    // The note is on the paragraph about the 高龄津贴 (its line in the submitted text).
    const lines = (await row(m, LIU)).submitted_text!.split("\n");
    const at = lines.findIndex((l) => l.includes("高龄津贴"));
    const res = await t.http.post(
      one(m, LIU),
      {
        intent: "return",
        comment: "问题查摆较具体，原因剖析不够。",
        [`note.${at}`]: "请写明高龄津贴一事的原因。",
        "note.0": "",
      },
      SEC,
    );
    expect(res.status).toBe(200);
    const r = await row(m, LIU);
    expect(r.status).toBe("returned");
    const n = lines.slice(0, at + 1).filter((l) => l.trim()).length;
    expect(r.passage_comments).toEqual([{ paragraph: at, n, quote: lines[at], comment: "请写明高龄津贴一事的原因。" }]);
    const page = await t.http.getText(`/meetings/${m}/examination`, LIU);
    expect(page.text).toContain("原因剖析不够");
    expect(page.text).toContain("请写明高龄津贴一事的原因");
    expect(page.text).toContain(`第 ${n} 段`);
    // The author writes again; the reviewer still only reads.
    const doc = examinationDoc(m, uid(LIU));
    expect(await ws(doc, LIU)).toBe(101);
    const accept = await t.http.post(one(m, LIU), { intent: "accept" }, SEC);
    expect(accept.status).toBe(409);
    expect(await accept.text()).toContain("须本人重新提交");

    expect((await submit(m, LIU, "原因是我宗旨意识淡薄，把群众的事当成负担。")).status).toBe(200);
    expect((await row(m, LIU)).status).toBe("submitted");
    expect((await t.http.post(one(m, LIU), { intent: "accept" }, SEC)).status).toBe(200);
    expect((await row(m, LIU)).status).toBe("accepted");
    const [told] = await t.sql`
      select 1 from notifications where user_id = ${uid(LIU)} and kind = 'examination.accepted'`;
    expect(told).toBeTruthy();
    expect(await submit(m, LIU, LIU_TEXT).then((x) => x.status)).toBe(409);
  });

  it("the 书记's own material is reviewed by the 党委 above, which may then read it; the 组织委员 only reads", async () => {
    const own = [
      "作为支部书记，我对照党章和支部工作条例查摆自己的问题，主要有以下几点。",
      "一是抓党建和业务融合不够，支部活动有时流于形式，主题党日多是读文件，党员参与热情不高，我没有认真研究改进。",
      "二是对党员的日常教育管理偏软，个别党员迟交党费、不参加学习，我只是口头提醒，没有严格按照规定处理。",
      "三是自身学习不够，忙于事务性工作，挤时间学习少，给党员讲党课准备不充分。",
    ].join("\n");
    expect((await submit(m, SEC, own)).status).toBe(200);
    const [note] = await t.sql`
      select 1 from notifications where user_id = ${uid(REVIEWER)} and kind = 'examination.submitted'`;
    expect(note).toBeTruthy();
    expect((await t.http.get(one(m, SEC), REVIEWER)).status).toBe(200);
    expect((await t.http.post(one(m, SEC), { intent: "accept" }, ORG)).status).toBe(403);
    expect((await t.http.get(one(m, SEC), ORG)).status).toBe(200);
    expect((await t.http.post(one(m, SEC), { intent: "accept" }, REVIEWER)).status).toBe(200);
    expect((await row(m, SEC)).status).toBe("accepted");
  });
});

describe("the similarity check", () => {
  it("finds a copied template passage and a copy of another member's text, shown side by side to the reviewer", async () => {
    const template = BUILT_IN_BOILERPLATE[0];
    expect((await submit(m, HUANG, `${HUANG_OWN}\n${template.text}`)).status).toBe(200);
    const h = await row(m, HUANG);
    const bp = h.similarity_detail!.matches.find((x) => x.source === "boilerplate");
    expect(bp?.name).toBe(template.title);
    expect(bp!.passages.length).toBeGreaterThan(0);
    expect(h.similarity_detail!.flagged).toBe(true);

    // 陈静 copies most of 刘洋's accepted text.
    const copy = LIU_TEXT.split("\n").slice(1).join("\n");
    expect((await submit(m, CHEN, `我也谈几点。\n${copy}`)).status).toBe(200);
    const c = await row(m, CHEN);
    const member = c.similarity_detail!.matches.find((x) => x.source === "member");
    expect(member?.userId).toBe(uid(LIU));
    expect(c.similarity_detail!.flagged).toBe(true);

    const page = await t.http.getText(one(m, CHEN), SEC);
    expect(page.status).toBe(200);
    expect(page.text).toContain("疑似雷同");
    expect(page.text).toContain("刘洋的材料");
    expect(page.text).toContain("refl-mark");
    const hp = await t.http.getText(one(m, HUANG), SEC);
    expect(hp.text).toContain(`模板「${template.title}」`);
    // The 党委 reviewer of the 书记's material sees only that row in the overview.
    const above = await t.http.getText(`/meetings/${m}/examinations`, REVIEWER);
    expect(above.status).toBe(200);
    expect(above.text).toContain("王建国");
    expect(above.text).not.toContain("刘洋");
    // The overview shows the reviewer the figure.
    const overview = await t.http.getText(`/meetings/${m}/examinations`, SEC);
    expect(overview.text).toContain("疑似雷同");
  });

  it("a template the branch adds is compared too; bad template input is refused with the values kept", async () => {
    const short = await t.http.post(
      `/meetings/${m}/examinations`,
      { intent: "boilerplate-add", title: "本支部模板", text: "太短" },
      SEC,
    );
    expect(short.status).toBe(400);
    const text = await short.text();
    expect(text).toContain("模板正文至少 20 字");
    // A member who may see the meeting but not keep its settings: 403.
    const member = await t.http.getText(`/meetings/${m}/examinations`, LIU);
    expect(member.status).toBe(404);
    expect(
      (
        await t.http.post(
          `/meetings/${m}/examinations`,
          { intent: "boilerplate-add", title: "x", text: "y".repeat(30) },
          LIU,
        )
      ).status,
    ).toBe(403);
    const added = await t.http.post(
      `/meetings/${m}/examinations`,
      {
        intent: "boilerplate-add",
        title: "本支部常见开头",
        text: "按照支部统一安排，我认真学习了规定篇目，广泛征求了意见，深入开展了谈心谈话，现将个人对照检查情况报告如下。",
      },
      ORG,
    );
    expect(added.status).toBe(200);
    const [b] = await t.sql<{ id: string }[]>`select id from examination_boilerplate where title = '本支部常见开头'`;
    expect(b).toBeTruthy();
    const yang = `按照支部统一安排，我认真学习了规定篇目，广泛征求了意见，深入开展了谈心谈话，现将个人对照检查情况报告如下。\n${HUANG_OWN.replace("档案室", "财务室").replace("干部档案整理", "报销审核")}`;
    // 张伟 submits a text that opens with it.
    expect((await submit(m, LEADER, yang)).status).toBe(200);
    const l = await row(m, LEADER);
    expect(l.similarity_detail!.matches.map((x) => x.name)).toContain("本支部常见开头");
  });
});

describe("bad input and the edges", () => {
  it("a member opening another's material, a meeting of another kind, a bad id: Chinese 404s", async () => {
    const r = await t.http.getText(one(m, SEC), CHEN);
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/没有找到|不存在/);
    const plain = await t.meeting({ org: ORGS.B1, kind: "general_assembly", attendees: [LIU] });
    expect((await t.http.get(`/meetings/${plain}/examination`, LIU)).status).toBe(404);
    expect(await ws(examinationDoc(plain, uid(LIU)), LIU)).toBe(404);
    expect((await t.http.get(`/meetings/${m}/examinations/not-an-id`, SEC)).status).toBe(404);
    // Not on the list: a 403 with the reason.
    const notListed = await t.http.getText(`/meetings/${m}/examination`, DEMO.ZHAO);
    expect(notListed.status).toBe(403);
    expect(notListed.text).toContain("无需撰写对照检查材料");
  });

  it("a reviewer named by the branch must sit on its committee; then reviews instead of the 书记", async () => {
    const bad = await t.http.post(`/meetings/${m}/examinations`, { intent: "reviewer", reviewerId: uid(CHEN) }, SEC);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("审阅人须是本支部支委会成员");
    expect(
      (await t.http.post(`/meetings/${m}/examinations`, { intent: "reviewer", reviewerId: uid(ORG) }, SEC)).status,
    ).toBe(200);
    // 刘洋 on the meeting under way: returned by nobody yet; 组织委员 now reviews it.
    const res = await t.http.post(one(live, LIU), { intent: "accept" }, ORG);
    expect(res.status).toBe(200);
    expect((await t.http.post(`/meetings/${m}/examinations`, { intent: "reviewer", reviewerId: "" }, SEC)).status).toBe(
      200,
    );
  });
});

describe("the stage and the text for the criticism round", () => {
  it("counts by status, names who has not submitted, and reads the author's text", async () => {
    const scope = await loadMeetingScope(t.sql, (await t.actor(SEC)).subject, m);
    const stage = await examinationStage(t.sql, scope);
    expect(stage.key).toBe("examination");
    expect(stage.state).toBe("doing");
    // 李秀英 has not submitted; 王建国 and 刘洋 accepted; 陈静, 黄磊 and 张伟 wait for review.
    expect(stage.missingPeople.map((p) => p.name)).toEqual(["李秀英"]);
    expect(stage.done).toEqual(["已通过 2 份", "待审阅 3 份"]);
    expect(stage.missing).toEqual(["1 人未提交"]);
    expect(await examinationText(t.sql, m, uid(LIU))).toContain("宗旨意识淡薄");
    expect(await examinationText(t.sql, m, uid(ORG))).toBe("");
  });
});
