import { beforeAll, describe, expect, it } from "vitest";
import { refreshDemo } from "../../server/demo/seed";
import { LIFE_LAST_TITLE, LIFE_PREP_TITLE } from "../../server/demo/life";
import { openItemsForLookBack } from "../../server/services/life/rectification";
import { oversight } from "../../server/services/oversight/oversight";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { chinaDateKey, DAY_MS } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { connectClient, until } from "../setup/yclient";

// The demo's 组织生活会 cycle as a newcomer finds it (issue 16 §5; server/demo/life.ts): this
// year's meeting in preparation with opinions, talks and 对照检查材料 in each state, the returned
// material's notes in front of its author and nobody else's; last year's meeting held, with its
// minutes in the 组织生活会's outline and its 整改清单 in every state, looked back on by the new one
// and counted on the 党委 overview. Reading it all leaves the demo untouched, so a later start lays
// the meetings out again and the preparation stays ahead.

const t = withDemoServer({ timeout: 120_000 });
const { SEC, LIU, CHEN, LEADER, REVIEWER, SUN } = DEMO;

let prep: string;
let last: string;
let B1: string;
beforeAll(async () => {
  const [layout] = await t.sql<{ meetings: Record<string, string> }[]>`select meetings from demo_layout`;
  prep = layout.meetings["life-prep"];
  last = layout.meetings["life-last"];
  B1 = t.ids.org[ORGS.B1];
});

const html = async (path: string, who: string) => {
  const r = await t.http.getText(path, who);
  return { status: r.status, text: r.text.replace(/<!-- -->/g, "") };
};

describe("this year's 组织生活会, in preparation", () => {
  it("is two to three weeks ahead, past the 10-day notice, on the branch's list", async () => {
    const [m] = await t.sql<{ title: string; kind: string; starts_at: Date; created_at: Date }[]>`
      select title, kind, starts_at, created_at from meetings where id = ${prep}`;
    expect(m).toMatchObject({ title: LIFE_PREP_TITLE, kind: "life_meeting" });
    const ahead = (m.starts_at.getTime() - Date.now()) / DAY_MS;
    expect(ahead).toBeGreaterThan(14);
    expect(ahead).toBeLessThan(22);
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from meeting_invitees where meeting_id = ${prep} and role = 'attendee'`;
    expect(n).toBe(9);
  });

  it("shows its stages with the opinions, talks and 对照检查材料 as they stand", async () => {
    // The stages are on the meeting's page; /life holds the cycle's forms.
    expect((await t.http.get(`/meetings/${prep}/life`, SEC)).status).toBe(200);
    const page = await html(`/meetings/${prep}`, SEC);
    expect(page.status).toBe(200);
    // 征求意见: five received, three sorted into the 问题清单, one passed to the person concerned.
    expect(page.text).toContain("收到意见 5 条");
    expect(page.text).toContain("已归入问题清单 3 条");
    expect(page.text).toContain("已转给本人 1 条");
    expect(page.text).toContain("2 条意见未归入问题清单");
    // 谈心谈话: four of the eight required pairs (书记 ↔ everyone), five talks in all.
    expect(page.text).toContain("已完成 4 对要求的谈话");
    expect(page.text).toContain("共记录谈话 5 次");
    expect(page.text).toContain("4 对谈话未记录");
    // 对照检查材料: one accepted, one waiting, one returned, six not handed in (the 书记's a draft).
    expect(page.text).toContain("已通过 1 份");
    expect(page.text).toContain("待审阅 1 份");
    expect(page.text).toContain("1 份退回修改中");
    expect(page.text).toContain("6 人未提交");
  });

  it("shows 刘洋 his returned 对照检查材料 with the comment on a passage; a colleague gets 404", async () => {
    const mine = await html(`/meetings/${prep}/examination`, LIU);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain("问题查摆比较实在，原因分析和整改措施还需深化");
    expect(mine.text).toContain("原因分析过于笼统，请结合具体事例");
    expect(mine.text).toContain("对理论学习的重要性认识不到位，放松了自我要求。");
    // The 问题清单 item sorted from an opinion about him sits beside it.
    expect(mine.text).toContain("参加党小组学习发言准备不充分");
    const liu = t.ids.user[LIU];
    expect((await t.http.get(`/meetings/${prep}/examinations/${liu}`, CHEN)).status).toBe(404);
    expect((await t.http.get(`/meetings/${prep}/examinations/${liu}`, SUN)).status).toBe(404);
    // The reviewer reads it with its notes.
    const review = await html(`/meetings/${prep}/examinations/${liu}`, SEC);
    expect(review.status).toBe(200);
    expect(review.text).toContain("整改措施要具体，写明时限和可检验的目标");
  });

  it("passes 刘洋 the opinion about him without its sender", async () => {
    const page = await html(`/meetings/${prep}/opinions`, LIU);
    expect(page.status).toBe(200);
    expect(page.text).toContain("发言准备不充分，有时照本宣科");
    // The opinion about 黄磊, not passed on, is not his to read.
    expect(page.text).not.toContain("解释政策有时不够耐心");
    const [o] = await t.sql<{ sender_id: string }[]>`
      select sender_id from life_opinions where meeting_id = ${prep} and passed_at is not null`;
    expect(o.sender_id).toBe(t.ids.user[LEADER]);
  });

  it("opens with 回头看: last year's 整改清单 with each item's state", async () => {
    const [m] = await t.sql<{ starts_at: Date }[]>`select starts_at from meetings where id = ${prep}`;
    const back = (await openItemsForLookBack(t.sql, B1, m.starts_at))!;
    expect(back.meeting).toMatchObject({ id: last, title: LIFE_LAST_TITLE });
    const states = back.items.map((i) => `${i.status}${i.overdue ? "/overdue" : ""}`).sort();
    expect(states).toEqual(["closed", "closed", "closed", "open", "open/overdue", "reported"]);
    const page = await html(`/meetings/${prep}`, SEC);
    expect(page.text).toContain("窗口服务中解释政策不够耐心");
    expect(page.text).toContain("已销号");
  });
});

describe("last year's 组织生活会, held", () => {
  it("has attendance and minutes in the 组织生活会's outline, for the 支委 to read", async () => {
    const [m] = await t.sql<{ ended: Date | null; starts_at: Date }[]>`
      select session_ended_at as ended, starts_at from meetings where id = ${last}`;
    expect(m.ended).not.toBeNull();
    expect((Date.now() - m.starts_at.getTime()) / DAY_MS).toBeGreaterThan(340);
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from attendance where meeting_id = ${last} and status = 'present'`;
    expect(n).toBe(8);
    const reader = connectClient(t.url, meetingMinutesDoc(last), await t.http.cookie(SEC));
    try {
      await reader.synced();
      await until(() => reader.text().includes("回头看"), 3000, "the minutes");
      const text = reader.text();
      expect(text).toContain("批评与自我批评");
      expect(text).toContain("批评意见 1：希望书记多到科室走走");
      expect(text).toContain("郑华：缺席，未进行批评与自我批评。");
      expect(text).toContain("会议决定：形成支部整改清单 6 项");
    } finally {
      reader.destroy();
    }
  });

  it("shows the preparation it had: a study, every required talk, the materials accepted", async () => {
    const page = await html(`/meetings/${last}`, SEC);
    expect(page.status).toBe(200);
    expect(page.text).toContain("线下学习「集中学习党章和《关于新形势下党内政治生活的若干准则》」4 小时");
    expect(page.text).toContain("已完成 8 对要求的谈话");
    expect(page.text).toContain("已通过 8 份");
    // 郑华, away, never handed his in.
    expect(page.text).toContain("1 人未提交");
    expect(page.text).toContain("收到意见 2 条");
  });

  it("lists its 整改清单 on the branch's page and counts open and overdue on the 党委 overview", async () => {
    const page = await html(`/orgs/${B1}/rectification`, SEC);
    expect(page.status).toBe(200);
    for (const p of [
      "“三会一课”记录不够规范",
      "业务骨干传帮带作用发挥不够",
      "请假后补学不够及时",
      "窗口服务中解释政策不够耐心",
    ])
      expect(page.text).toContain(p);
    const view = await oversight(t.sql, { id: t.ids.org[ORGS.COMMITTEE] });
    const b1 = view.branches.find((b) => b.id === B1)!;
    expect(b1.rectification).toEqual({ open: 3, overdue: 1 });
    expect((await t.http.get(`/orgs/${t.ids.org[ORGS.COMMITTEE]}/overview`, REVIEWER)).status).toBe(200);
  });
});

describe("a later start", () => {
  it("after nothing but reading, lays the demo out again: the preparation stays ahead, dates move", async () => {
    const before = await t.sql<{ talked_on: string }[]>`
      select talked_on::text from talks where meeting_id = ${prep} order by talked_on`;
    const later = new Date(Date.now() + 9 * DAY_MS);
    const laid = await refreshDemo(t.sql, later);
    expect(laid?.laidOut).toBe(true);
    const [m] = await t.sql<{ starts_at: Date }[]>`select starts_at from meetings where id = ${prep}`;
    expect((m.starts_at.getTime() - later.getTime()) / DAY_MS).toBeGreaterThan(14);
    const after = await t.sql<{ talked_on: string }[]>`
      select talked_on::text from talks where meeting_id = ${prep} order by talked_on`;
    const shift = (d: string) => chinaDateKey(new Date(new Date(`${d}T12:00:00+08:00`).getTime() + 9 * DAY_MS));
    expect(after.map((a) => a.talked_on)).toEqual(before.map((b) => shift(b.talked_on)));
    // On that later day the open item is still open, the overdue one still overdue.
    const back = (await openItemsForLookBack(t.sql, B1, m.starts_at))!;
    const overdueThen = back.items.filter((i) => i.status !== "closed" && String(i.deadline) < chinaDateKey(later));
    expect(overdueThen.map((i) => i.problem)).toEqual(["窗口服务中解释政策不够耐心"]);
  });
});
