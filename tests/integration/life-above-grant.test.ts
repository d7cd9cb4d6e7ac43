import { beforeAll, describe, expect, it } from "vitest";
import { criticismAnswerDoc, criticismNoteDoc, examinationDoc } from "../../shared/doc-names";
import { closeExpiredGrants } from "../../server/services/life/above-access";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { connectClient, until, upgradeStatus } from "../setup/yclient";

// The level above reading a held 组织生活会 with a grant (issue 16 §2; docs/decisions/036): 周志强
// (党委组织委员) reads the opinions (their text, never who sent them: opinionAccess gives the
// level above "read", not "senders"), the talks, 刘洋's 对照检查材料 and his 批评与自我批评 note,
// over HTTP and over the WebSocket (the real upgrade the y-websocket client makes), and each read is
// in the audit log. Before asking and once the period has run out: 404 on the pages, refused on
// the socket, and nothing audited. The other cases of the matrix (members, 支委, another branch,
// the 党委 without a grant) are in life-opinions, life-talks, life-examination and life-criticism.

const t = withDemoServer({ timeout: 120_000 });
const { SEC, ORG, LIU, CHEN, HUANG, REVIEWER } = DEMO;
const uid = (u: string) => t.ids.user[u];
const wsUrl = (docName: string) => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
const ws = async (docName: string, who: string) =>
  upgradeStatus(wsUrl(docName), { cookie: await t.http.cookie(who), origin: t.url });

const OPINION = "希望刘洋同志在窗口服务中更耐心一些，一次性告知办事材料。";
const TALK = "谈到窗口服务中的急躁情绪，约定每月交流一次学习体会。";
const EXAM = "对照检查：服务群众耐心不够，学习政策不系统，今后建立一次性告知清单。";

let m: string;
const pages = () => ({
  opinions: `/meetings/${m}/opinions`,
  talks: `/meetings/${m}/talks`,
  examination: `/meetings/${m}/examinations/${uid(LIU)}`,
  note: `/meetings/${m}/criticism/${uid(LIU)}`,
});
const docs = () => [examinationDoc(m, uid(LIU)), criticismNoteDoc(m, uid(LIU)), criticismAnswerDoc(m, uid(LIU))];

/** The reviewer's audit entries for this meeting, by action. */
async function reviewerAudits(): Promise<Record<string, string[]>> {
  const rows = await t.sql<{ action: string; via: string | null }[]>`
    select action, detail->>'via' as via from audit_log
    where actor_id = ${uid(REVIEWER)} and action in ('opinion.view_above', 'talk.read', 'examination.view', 'criticism.read')
    order by id`;
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.action] ??= []).push(r.via ?? "page");
  return out;
}

/** Waits for the audit a socket writes once it has joined the document. */
async function auditedLive(action: string, deadlineMs = 5000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if ((await reviewerAudits())[action]?.includes("live")) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function refusedEverywhere() {
  const p = pages();
  for (const path of [p.opinions, p.examination, p.note])
    expect((await t.http.get(path, REVIEWER)).status, path).toBe(404);
  // The talks page shows the matrix to the level above, never the summaries without a grant.
  const talks = await t.http.getText(p.talks, REVIEWER);
  expect(talks.status).toBe(200);
  expect(talks.text).not.toContain(TALK);
  expect(talks.text).toContain("上级党组织需经申请授权后查看");
  for (const doc of docs()) expect(await ws(doc, REVIEWER), doc).toBe(404);
}

beforeAll(async () => {
  m = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "已召开的组织生活会",
    inMin: -3 * 24 * 60,
    ended: true,
    attendees: [SEC, ORG, LIU, CHEN, HUANG].map((user) => ({ user, status: "present" as const })),
  });
  await t.sql`
    insert into life_opinions (meeting_id, about, about_person_id, sender_id, text)
    values (${m}, 'person', ${uid(LIU)}, ${uid(CHEN)}, ${OPINION})`;
  // The pair is stored in id order (talks_check).
  const [a, b] = [uid(SEC), uid(LIU)].sort();
  await t.sql`
    insert into talks (meeting_id, person_a, person_b, talked_on, place, summary, recorded_by)
    values (${m}, ${a}, ${b}, current_date - 5, '党员活动室', ${TALK}, ${uid(SEC)})`;
  await t.sql`
    insert into examinations (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
    values (${m}, ${uid(LIU)}, 'submitted', ${EXAM}, ${EXAM.length}, now() - interval '4 days')`;
});

describe("the 党委 reading a held 组织生活会 with a grant", () => {
  it("before asking: 404 on the pages, refused on the socket, nothing audited", async () => {
    await refusedEverywhere();
    expect(await reviewerAudits()).toEqual({});
  });

  it("with a grant: reads opinions (without senders), talks, the 对照检查材料 and the note; every read audited", async () => {
    const asked = await t.http.submit(
      `/meetings/${m}/life`,
      { intent: "ask-above", reason: "年度组织生活会质量抽查", days: "3" },
      REVIEWER,
    );
    expect(asked.status).toBe(200);
    const p = pages();

    const opinions = await t.http.getText(p.opinions, REVIEWER);
    expect(opinions.status).toBe(200);
    expect(opinions.text).toContain(OPINION);
    // The level above reads the text only: no sender line, and the sender's name nowhere on the page.
    expect(opinions.text).toContain("不显示提出人");
    expect(opinions.text).not.toContain("提出人：");
    expect(opinions.text).not.toContain("senderName");
    expect(opinions.text).not.toContain("陈静");

    const talks = await t.http.getText(p.talks, REVIEWER);
    expect(talks.status).toBe(200);
    expect(talks.text).toContain(TALK);

    const exam = await t.http.getText(p.examination, REVIEWER);
    expect(exam.status).toBe(200);
    expect(exam.text).toContain(EXAM);

    const note = await t.http.getText(p.note, REVIEWER);
    expect(note.status).toBe(200);
    expect(note.text).toContain("刘洋");

    for (const doc of docs()) expect(await ws(doc, REVIEWER), doc).toBe(101);
    expect(await auditedLive("examination.view")).toBe(true);
    expect(await auditedLive("criticism.read")).toBe(true);
    const a = await reviewerAudits();
    expect(a["opinion.view_above"]).toEqual(["page"]);
    expect(a["talk.read"]).toEqual(["page"]);
    expect(a["examination.view"]).toEqual(expect.arrayContaining(["page", "live"]));
    expect(a["criticism.read"]).toEqual(expect.arrayContaining(["page", "live"]));
    // In the branch's audit log, about 刘洋 where the record is his.
    const [e] = await t.sql<{ org_id: string; subject_user_id: string }[]>`
      select org_id, subject_user_id from audit_log where actor_id = ${uid(REVIEWER)} and action = 'examination.view' limit 1`;
    expect(e).toEqual({ org_id: t.ids.org[ORGS.B1], subject_user_id: uid(LIU) });
  });

  it("a phone reconnecting again and again is one audited read per document, not one per connection", async () => {
    const liveReads = async () =>
      (
        await t.sql<{ n: number }[]>`
          select count(*)::int as n from audit_log
          where actor_id = ${uid(REVIEWER)} and action = 'examination.view' and detail->>'via' = 'live'`
      )[0].n;
    const before = await liveReads();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const c = connectClient(t.url, examinationDoc(m, uid(LIU)), await t.http.cookie(REVIEWER));
      await c.synced();
      c.destroy();
    }
    expect(await liveReads()).toBe(before);
  });

  it("once the period has run out: 404 and refused again, open documents closed, no new audit entries", async () => {
    // The reviewer still has 刘洋's material open when the period ends.
    const open = connectClient(t.url, examinationDoc(m, uid(LIU)), await t.http.cookie(REVIEWER));
    const closes: number[] = [];
    open.provider.on("connection-close", (ev) => {
      if (ev) closes.push(ev.code);
    });
    await open.synced();
    const since = new Date();
    await t.sql`update life_above_grants set granted_at = now() - interval '4 days', expires_at = now() - interval '1 second'
      where meeting_id = ${m} and user_id = ${uid(REVIEWER)}`;
    // What the app's minute sweep does: the holder's open documents are checked again and closed.
    const swept = await closeExpiredGrants(t.sql, t.app.services.live, new Date(since.getTime() - 60_000));
    expect(swept).toEqual([uid(REVIEWER)]);
    await until(() => closes.length > 0, 3000, "the reviewer's open socket to close");
    expect(closes[0]).toBe(4403);
    open.destroy();
    // A later sweep finds nothing new.
    expect(await closeExpiredGrants(t.sql, t.app.services.live, new Date())).toEqual([]);
    const before = await reviewerAudits();
    await refusedEverywhere();
    expect(await reviewerAudits()).toEqual(before);
  });
});

describe("ending a grant before its period", () => {
  const ask = async () => {
    const r = await t.http.submit(
      `/meetings/${m}/life`,
      { intent: "ask-above", reason: "复核整改情况", days: "7" },
      REVIEWER,
    );
    expect(r.status).toBe(200);
    const [g] = await t.sql<{ id: string }[]>`
      select id from life_above_grants where meeting_id = ${m} and user_id = ${uid(REVIEWER)} and ended_at is null
        and expires_at > now()`;
    return g.id;
  };
  const end = (grantId: string, who: string) =>
    t.http.submit(`/meetings/${m}/life`, { intent: "end-above", grantId }, who);

  it("the 书记 ends it: logged, shown as 已结束 on the meeting page, the reviewer told; reads refused at once", async () => {
    const grantId = await ask();
    expect((await t.http.get(pages().examination, REVIEWER)).status).toBe(200);
    expect(await ws(examinationDoc(m, uid(LIU)), REVIEWER)).toBe(101);
    // The reviewer has 刘洋's material open in the official client while the grant is ended.
    const open = connectClient(t.url, examinationDoc(m, uid(LIU)), await t.http.cookie(REVIEWER));
    const closes: number[] = [];
    open.provider.on("connection-close", (ev) => {
      if (ev) closes.push(ev.code);
    });
    await open.synced();

    // Neither another 支委 who is not 书记 nor a member may end it; the page offers no button to them.
    const org = await end(grantId, ORG);
    expect(org.status).toBe(403);
    expect(org.text).toContain("只有本组织书记、副书记或调阅人本人可以结束调阅");
    expect((await end(grantId, CHEN)).status).toBe(403);
    expect((await t.http.getText(`/meetings/${m}`, ORG)).text).not.toContain('data-testid="life-grant-end"');
    expect((await t.http.getText(`/meetings/${m}`, SEC)).text).toContain('data-testid="life-grant-end"');

    const ok = await end(grantId, SEC);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("已结束调阅");
    // The open document closes at once with 4403 (access lost), not only the next connection.
    await until(() => closes.length > 0, 3000, "the reviewer's open socket to close");
    expect(closes[0]).toBe(4403);
    open.destroy();
    const [a] = await t.sql<{ org_id: string; subject_user_id: string; detail: { grant: string } }[]>`
      select org_id, subject_user_id, detail from audit_log where action = 'life.access_ended' and actor_id = ${uid(SEC)}`;
    expect(a).toMatchObject({ org_id: t.ids.org[ORGS.B1], subject_user_id: uid(REVIEWER), detail: { grant: grantId } });
    const [n] = await t.sql<{ title: string }[]>`
      select title from notifications where user_id = ${uid(REVIEWER)} and kind = 'life.access_ended'`;
    expect(n.title).toContain("调阅已由支部结束");
    const page = await t.http.getText(`/meetings/${m}`, CHEN);
    expect(page.text).toContain("已结束");
    expect(page.text).toContain("王建国提前结束");

    await refusedEverywhere();
    // Ending it twice: a 409 with the reason, nothing new in the log.
    const again = await end(grantId, SEC);
    expect(again.status).toBe(409);
    expect(again.text).toContain("这次调阅已经结束");
    const [{ n: ends }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'life.access_ended'`;
    expect(ends).toBe(1);
  });

  it("the reviewer ends their own grant; another branch gets 404 and a grant of another meeting is not found", async () => {
    const grantId = await ask();
    expect((await t.http.get(pages().opinions, REVIEWER)).status).toBe(200);
    expect((await end(grantId, DEMO.WU)).status).toBe(404);
    const other = await t.meeting({ org: ORGS.B1, kind: "life_meeting", title: "另一次组织生活会", inMin: 60 });
    expect((await t.http.submit(`/meetings/${other}/life`, { intent: "end-above", grantId }, SEC)).status).toBe(404);
    const bad = await end("不是编号", SEC);
    expect(bad.status).toBe(400);

    expect((await end(grantId, REVIEWER)).status).toBe(200);
    // Nobody to tell: the one who ended it is the one who held it.
    const told =
      await t.sql`select 1 from notifications where user_id = ${uid(REVIEWER)} and kind = 'life.access_ended'`;
    expect(told).toHaveLength(1);
    await refusedEverywhere();
  });
});
