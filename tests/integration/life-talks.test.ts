import { beforeAll, describe, expect, it } from "vitest";
import { loadMeetingScope } from "../../server/services/meeting-scope";
import { talksStage } from "../../server/services/life/talks";
import { loadSubject } from "../../server/services/people/subjects";
import { chinaDateKey, DAY_MS } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// 谈心谈话 of a 组织生活会 of 机关第一党支部 over HTTP, as the page posts it (docs/decisions/033):
// who reads a talk's summary (the two participants, the 支委; not another member, not another
// branch, not the 党委 without a grant), the pairs the demo branch requires by default and with a
// 联系支委, the stage line, bad input answered 4xx in Chinese with the form kept, and the audit
// entries of the 支委's reads.

const t = withDemoServer({ timeout: 120_000 });
let meetingId: string;
const page = () => `/meetings/${meetingId}/talks`;
const day = (offset: number) => chinaDateKey(new Date(Date.now() + offset * DAY_MS));
const uid = (u: string) => t.ids.user[u];
const SUMMARY = "交流了今年学习党章的体会，谈到工作中主动担当不够，约定互相提醒。";

const talk = (who: string, partner: string, over: Record<string, string> = {}) => ({
  intent: "record",
  personId: uid(who),
  partnerId: uid(partner),
  talkedOn: day(-1),
  place: "党员活动室",
  summary: SUMMARY,
  ...over,
});

const talkRows = () =>
  t.sql<{ person_a: string; person_b: string; summary: string; recorded_by: string }[]>`
    select person_a, person_b, summary, recorded_by from talks where meeting_id = ${meetingId} order by created_at`;
const audits = (action: string, actor: string) =>
  t.sql<{ detail: Record<string, unknown> }[]>`
    select detail from audit_log where action = ${action} and actor_id = ${uid(actor)} order by id`;

async function stage() {
  const subject = await loadSubject(t.sql, uid(DEMO.SEC));
  return talksStage(t.sql, await loadMeetingScope(t.sql, subject, meetingId));
}

beforeAll(async () => {
  meetingId = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "2026年度组织生活会",
    inMin: 10 * 24 * 60,
    attendees: [DEMO.SEC, DEMO.ORG, DEMO.LEADER, DEMO.LIU, DEMO.CHEN, DEMO.YANG, DEMO.ZHAO, DEMO.HUANG, DEMO.ZHENG],
  });
});

describe("the pairs the demo branch requires", () => {
  it("by default: the 书记 with each of the eight other party members (委员 ↔ 委员 and G1 are inside that)", async () => {
    const s = await stage();
    expect(s.key).toBe("talks");
    expect(s.state).toBe("todo");
    expect(s.missing).toEqual(["8 对谈话未记录"]);
    expect(s.done).toEqual([]);
    // Everyone but the activist 冯雪, in roll order (by name).
    expect(s.missingPeople.map((p) => p.name).sort()).toEqual(
      ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "郑华"].sort(),
    );
    expect(s.missingPeople.some((p) => p.name === "冯雪")).toBe(false);
    expect(s.href).toBe(`/meetings/${meetingId}/talks`);
  });

  it("with 李秀英 as 第二党小组's 联系支委, she owes its four members a talk too; a member may not change that", async () => {
    const g2 = t.ids.org[ORGS.G2];
    const g1 = t.ids.org[ORGS.G1];
    const body = {
      intent: "settings",
      secretaryAll: "on",
      committeePairwise: "on",
      liaisonGroups: "on",
      [`liaison.${g1}`]: "",
      [`liaison.${g2}`]: uid(DEMO.ORG),
    };
    expect((await t.http.post(page(), body, DEMO.LIU)).status).toBe(404);
    const refused = await t.http.submit(page(), { ...body, [`liaison.${g2}`]: uid(DEMO.LIU) }, DEMO.SEC);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("联系支委应是本支部的支委委员");
    expect((await t.http.post(page(), body, DEMO.SEC)).status).toBe(200);
    expect((await stage()).missing).toEqual(["12 对谈话未记录"]);
    expect(await audits("talk.settings", DEMO.SEC)).toHaveLength(1);
    const html = (await t.http.getText(page(), DEMO.SEC)).text;
    expect(html).toMatch(/李秀英 ↔ 杨帆|杨帆 ↔ 李秀英/);
  });
});

describe("recording and reading a talk", () => {
  it("刘洋 records his talk with 陈静; both read it, and it is one row in a fixed order", async () => {
    const res = await t.http.submit(page(), talk(DEMO.LIU, DEMO.CHEN), DEMO.LIU);
    expect(res.status).toBe(200);
    expect(res.text).toContain("谈话记录已保存");
    const rows = await talkRows();
    expect(rows).toHaveLength(1);
    expect(rows[0].person_a < rows[0].person_b).toBe(true);
    expect(rows[0].recorded_by).toBe(uid(DEMO.LIU));
    for (const who of [DEMO.LIU, DEMO.CHEN]) {
      const r = await t.http.getText(page(), who);
      expect(r.status).toBe(200);
      expect(r.text).toContain(SUMMARY);
    }
    // Participants reading their own talk leave no audit entry.
    expect(await audits("talk.read", DEMO.LIU)).toHaveLength(0);
    expect(await audits("talk.record", DEMO.LIU)).toHaveLength(1);
    // 陈静 is told where to read it (without the summary); 刘洋, who wrote it, is not.
    const told = await t.sql<{ user_id: string; title: string; link: string }[]>`
      select user_id, title, link from notifications where kind = 'talk.recorded'`;
    expect(told.map((n) => n.user_id)).toEqual([uid(DEMO.CHEN)]);
    expect(told[0].title).toContain("刘洋记录了与你的谈心谈话");
    expect(told[0].title).not.toContain("交流了");
    expect(told[0].link).toBe(page());
  });

  it("the 支委 (书记, 组织委员) read it, and each read of others' summaries is audited", async () => {
    for (const who of [DEMO.SEC, DEMO.ORG]) {
      const before = (await audits("talk.read", who)).length;
      const r = await t.http.getText(page(), who);
      expect(r.status).toBe(200);
      expect(r.text).toContain(SUMMARY);
      const after = await audits("talk.read", who);
      expect(after).toHaveLength(before + 1);
      expect(after[after.length - 1].detail).toMatchObject({ meeting: meetingId, talks: 1 });
    }
  });

  it("another member, another branch and the 党委 without a grant do not read it", async () => {
    const other = await t.http.getText(page(), DEMO.YANG);
    expect(other.status).toBe(200);
    expect(other.text).not.toContain(SUMMARY);
    expect(other.text).toContain("我的谈话记录");
    // 杨帆 sees his own partners (the 书记, and 李秀英 as his group's 联系支委), not the matrix.
    expect(other.text).toContain("我应谈话的同志");
    expect(other.text).not.toContain("talk-matrix");
    expect((await t.http.get(page(), DEMO.WU)).status).toBe(404);
    expect((await t.http.get(page(), DEMO.SUN)).status).toBe(404);
    const above = await t.http.getText(page(), DEMO.REVIEWER);
    expect(above.status).toBe(200);
    expect(above.text).not.toContain(SUMMARY);
    expect(above.text).toContain("上级党组织需经申请授权后查看");
    expect(await audits("talk.read", DEMO.REVIEWER)).toHaveLength(0);
    // Signed out: to the sign-in page.
    const out = await t.http.get(page(), null);
    expect(out.headers.get("location") ?? "").toMatch(/^\/login/);
  });

  it("the 党委 and another branch may not record; a member may not record others' talk", async () => {
    expect((await t.http.post(page(), talk(DEMO.REVIEWER, DEMO.LIU), DEMO.REVIEWER)).status).toBe(403);
    expect((await t.http.post(page(), talk(DEMO.WU, DEMO.LIU), DEMO.WU)).status).toBe(404);
    expect((await t.http.post(page(), talk(DEMO.HUANG, DEMO.YANG), DEMO.LIU)).status).toBe(403);
    expect(await talkRows()).toHaveLength(1);
  });

  it("the 书记 records a talk between two others, and the required pair shows done", async () => {
    const res = await t.http.post(page(), talk(DEMO.SEC, DEMO.HUANG, { place: "", online: "on" }), DEMO.SEC);
    expect(res.status).toBe(200);
    const s = await stage();
    expect(s.state).toBe("doing");
    expect(s.done).toContain("已完成 1 对要求的谈话");
    expect(s.missing).toEqual(["11 对谈话未记录"]);
    const html = (await t.http.getText(page(), DEMO.SEC)).text;
    expect(html).toMatch(/data-pair="王建国-黄磊" data-state="done"/);
    // 黄磊 reads it (he took part), 杨帆 does not.
    expect((await t.http.getText(page(), DEMO.HUANG)).text).toContain("线上");
    const manager = await t.http.post(page(), talk(DEMO.YANG, DEMO.ZHAO), DEMO.ORG);
    expect(manager.status).toBe(200);
  });
});

describe("bad input: a Chinese message, a 4xx, the form kept, nothing saved", () => {
  it.each([
    ["talking to oneself", () => talk(DEMO.LIU, DEMO.LIU), 400, "不能和自己谈话"],
    ["a person outside the branch", () => talk(DEMO.LIU, DEMO.WU), 400, "不在本支部名单上"],
    ["the 党委's reviewer as partner", () => talk(DEMO.LIU, DEMO.REVIEWER), 400, "不在本支部名单上"],
    ["an empty summary", () => talk(DEMO.LIU, DEMO.ZHAO, { summary: "   " }), 400, "请填写谈话摘要"],
    [
      "an over-long summary",
      () => talk(DEMO.LIU, DEMO.ZHAO, { summary: "谈".repeat(501) }),
      400,
      "谈话摘要最长 500 个字（现在 501 个字）",
    ],
    ["a future date", () => talk(DEMO.LIU, DEMO.ZHAO, { talkedOn: day(1) }), 400, "谈话日期不能晚于今天"],
    ["no date", () => talk(DEMO.LIU, DEMO.ZHAO, { talkedOn: "" }), 400, "请填写谈话日期"],
    ["no place and not online", () => talk(DEMO.LIU, DEMO.ZHAO, { place: "" }), 400, "请填写谈话地点"],
    ["the same pair on the same day", () => talk(DEMO.CHEN, DEMO.LIU), 409, "已经记录过了"],
  ])("refuses %s", async (_what, body, status, message) => {
    const before = (await talkRows()).length;
    const b = body();
    const res = await t.http.submit(page(), b, DEMO.LIU);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    // What was typed comes back.
    if (b.summary.trim() && b.summary.length < 100) expect(res.text).toContain(b.summary);
    expect((await talkRows()).length).toBe(before);
  });

  it("the same pair on another day is a second talk", async () => {
    const res = await t.http.post(page(), talk(DEMO.CHEN, DEMO.LIU, { talkedOn: day(-3) }), DEMO.CHEN);
    expect(res.status).toBe(200);
  });

  it("a cancelled 组织生活会 takes no new talks", async () => {
    const cancelled = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "已取消的组织生活会",
      status: "cancelled",
      cancelledReason: "另行安排",
    });
    const res = await t.http.submit(`/meetings/${cancelled}/talks`, talk(DEMO.LIU, DEMO.CHEN), DEMO.LIU);
    expect(res.status).toBe(409);
    expect(res.text).toContain("已取消");
  });

  it("no audit entry carries a summary", async () => {
    const rows = await t.sql<{ detail: string }[]>`
      select detail::text as detail from audit_log where action in ('talk.record', 'talk.read', 'talk.settings')`;
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r.detail).not.toContain("交流了");
  });

  it("a meeting that is not a 组织生活会 has no talks page", async () => {
    const other = await t.meeting({ org: ORGS.B1, kind: "general_assembly", title: "支部党员大会" });
    const r = await t.http.get(`/meetings/${other}/talks`, DEMO.SEC);
    expect(r.status).toBe(404);
  });
});
