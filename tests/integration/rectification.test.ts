import { beforeAll, describe, expect, it } from "vitest";
import { lookBackFor, openItemsForLookBack } from "../../server/services/life/rectification";
import { sendRectificationReminders } from "../../server/services/life/rectification-reminders";
import { oversight } from "../../server/services/oversight/oversight";
import { todosFor } from "../../server/services/oversight/todos";
import { loadSubject } from "../../server/services/people/subjects";
import { chinaDateKey, DAY_MS } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// The 整改清单 of 机关第一党支部 over HTTP, as the pages post it (docs/decisions/031): who may
// create, report, confirm and read (with both scopes), bad input, the reminders (run twice and
// concurrently), the 党委 overview's counts, the to-dos and 回头看.

const t = withDemoServer({ timeout: 120_000 });
const sql = () => t.sql;
let B1: string;
const page = () => `/orgs/${B1}/rectification`;
const day = (offset: number) => chinaDateKey(new Date(Date.now() + offset * DAY_MS));

const item = (over: Record<string, string> = {}) => ({
  intent: "create",
  problem: "理论学习不够深入，学用结合不紧",
  measures: "每月精读一篇原文，写学习笔记并在党小组会上交流",
  ownerId: t.ids.user[DEMO.LIU],
  deadline: day(20),
  commitment: "按期完成，接受支部监督",
  ...over,
});

/** The items this file makes: the demo's own 整改清单 (last year's 组织生活会, server/demo/life.ts) left out. */
async function items() {
  return sql()<{ id: string; status: string; problem: string; report_note: string | null; source_id: string | null }[]>`
    select id, status, problem, report_note, source_id from rectification_items
    where org_id = ${B1} and meeting_id is distinct from ${DEMO_LAST}
    order by created_at`;
}
const notes = (userId: string, kind: string) =>
  sql()<{ title: string; dedupe_key: string | null }[]>`
    select title, dedupe_key from notifications where user_id = ${userId} and kind = ${kind} order by id`;

let DEMO_LAST: string;
beforeAll(async () => {
  B1 = t.ids.org[ORGS.B1];
  const [layout] = await sql()<{ meetings: Record<string, string> }[]>`select meetings from demo_layout`;
  DEMO_LAST = layout.meetings["life-last"];
});

describe("creating items", () => {
  it("the 书记 adds an item; the owner is told; the audit log has it", async () => {
    const res = await t.http.post(page(), item(), DEMO.SEC);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已加入整改清单");
    const rows = await items();
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("open");
    expect((await notes(t.ids.user[DEMO.LIU], "rectification.assigned"))[0].title).toContain("理论学习不够深入");
    const [a] = await sql()`select 1 from audit_log where action = 'rectification.create' and org_id = ${B1}`;
    expect(a).toBeTruthy();
  });

  it.each([
    ["an empty problem", { problem: "  " }, "请填写问题"],
    ["empty measures", { measures: "" }, "请填写整改措施"],
    ["over-long measures", { measures: "改".repeat(1001) }, "整改措施最长 1000 字"],
    ["an over-long commitment", { commitment: "诺".repeat(501) }, "整改承诺最长 500 字"],
    ["no deadline", { deadline: "" }, "请选择完成时限"],
    ["a deadline that is no date", { deadline: "2027-02-30" }, "完成时限格式应为"],
    ["a deadline in the past", { deadline: day(-1) }, "完成时限不能早于今天"],
    ["an owner from another branch", { ownerId: "" }, "所选党员不在本支部"],
  ])("refuses %s with a Chinese message and saves nothing", async (_what, over, message) => {
    const body = item(over);
    if (message === "所选党员不在本支部") body.ownerId = t.ids.user[DEMO.WU];
    const before = (await items()).length;
    const res = await t.http.post(page(), body, DEMO.SEC);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    // What was typed comes back in the form.
    if (body.commitment.length < 100) expect(html).toContain(body.commitment);
    expect((await items()).length).toBe(before);
  });

  it("only the branch's 书记, 副书记 or 组织委员 create: a member 403, another branch 404, the 党委 403", async () => {
    const before = (await items()).length;
    expect((await t.http.post(page(), item(), DEMO.LIU)).status).toBe(403);
    expect((await t.http.post(page(), item(), DEMO.WU)).status).toBe(404);
    expect((await t.http.post(page(), item(), DEMO.SUN)).status).toBe(404);
    expect((await t.http.post(page(), item(), DEMO.REVIEWER)).status).toBe(403);
    expect((await t.http.post(page(), item({ ownerId: "" }), DEMO.ORG)).status).toBe(200);
    expect((await items()).length).toBe(before + 1);
  });
});

describe("who reads the list", () => {
  it("scope 全支部: members of the branch and its groups, the 党委; not another branch (404)", async () => {
    for (const who of [DEMO.SEC, DEMO.ORG, DEMO.LIU, DEMO.HUANG, DEMO.ZHAO, DEMO.REVIEWER]) {
      const res = await t.http.get(page(), who);
      expect(res.status, who).toBe(200);
      expect(await res.text(), who).toContain("理论学习不够深入");
    }
    expect((await t.http.get(page(), DEMO.WU)).status).toBe(404);
    expect((await t.http.get(page(), DEMO.SUN)).status).toBe(404);
    expect((await t.http.get(page(), null)).status).toBe(302);
  });

  it("scope 仅支委和责任人: the owner and the 支委 still read it, other members see the page without it", async () => {
    const bad = await t.http.post(page(), { intent: "settings", scope: "everyone", remindDays: "7" }, DEMO.SEC);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("请选择公开范围");
    expect(
      (await t.http.post(page(), { intent: "settings", scope: "committee", remindDays: "0" }, DEMO.SEC)).status,
    ).toBe(400);
    expect(
      (await t.http.post(page(), { intent: "settings", scope: "committee", remindDays: "5" }, DEMO.LIU)).status,
    ).toBe(403);
    expect(
      (await t.http.post(page(), { intent: "settings", scope: "committee", remindDays: "5" }, DEMO.SEC)).status,
    ).toBe(200);
    for (const who of [DEMO.SEC, DEMO.ORG, DEMO.LIU, DEMO.REVIEWER])
      expect(await (await t.http.get(page(), who)).text(), who).toContain("理论学习不够深入");
    const other = await t.http.get(page(), DEMO.HUANG);
    expect(other.status).toBe(200);
    expect(await other.text()).not.toContain("理论学习不够深入");
    await t.http.post(page(), { intent: "settings", scope: "branch", remindDays: "7" }, DEMO.SEC);
  });
});

describe("report, confirm (对单销号), return", () => {
  let id: string;
  beforeAll(async () => {
    id = (await items())[0].id;
  });

  it("closing needs the owner's note first: confirming an open item is 409", async () => {
    const res = await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.SEC);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("责任人还没有报告整改完成情况");
    expect((await items())[0].status).toBe("open");
  });

  it("only the owner reports, and only with a note", async () => {
    const empty = await t.http.post(page(), { intent: "report", itemId: id, note: " " }, DEMO.LIU);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("请填写整改完成情况");
    const long = await t.http.post(page(), { intent: "report", itemId: id, note: "做".repeat(1001) }, DEMO.LIU);
    expect(long.status).toBe(400);
    expect((await t.http.post(page(), { intent: "report", itemId: id, note: "已完成" }, DEMO.HUANG)).status).toBe(403);
    expect((await t.http.post(page(), { intent: "report", itemId: id, note: "已完成" }, DEMO.WU)).status).toBe(404);
    expect((await items())[0].status).toBe("open");
    const ok = await t.http.post(
      page(),
      { intent: "report", itemId: id, note: "已精读三篇原文，在党小组会上交流两次" },
      DEMO.LIU,
    );
    expect(ok.status).toBe(200);
    expect((await items())[0]).toMatchObject({
      status: "reported",
      report_note: "已精读三篇原文，在党小组会上交流两次",
    });
    expect((await notes(t.ids.user[DEMO.SEC], "rectification.reported")).length).toBe(1);
    const again = await t.http.post(page(), { intent: "report", itemId: id, note: "再报一次" }, DEMO.LIU);
    expect(again.status).toBe(409);
  });

  it("the 书记 has it as a to-do 「整改事项待确认」", async () => {
    const todos = await todosFor(sql(), await loadSubject(sql(), t.ids.user[DEMO.SEC]));
    expect(todos.find((t) => t.kind === "rectification.confirm")).toMatchObject({ title: "整改事项待确认" });
    const org = await todosFor(sql(), await loadSubject(sql(), t.ids.user[DEMO.ORG]));
    expect(org.find((t) => t.kind === "rectification.confirm")).toBeUndefined();
  });

  it("the 组织委员 may not confirm (403), the owner may not (403), another branch 404", async () => {
    const org = await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.ORG);
    expect(org.status).toBe(403);
    expect(await org.text()).toContain("只有本支部书记可以确认销号");
    expect((await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.LIU)).status).toBe(403);
    expect((await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.SUN)).status).toBe(404);
    expect((await t.http.post(page(), { intent: "confirm", itemId: "not-an-id" }, DEMO.SEC)).status).toBe(400);
    expect((await items())[0].status).toBe("reported");
  });

  it("the 书记 returns it with a note (required); the owner reports again; the 书记 confirms", async () => {
    const empty = await t.http.post(page(), { intent: "return", itemId: id, note: "" }, DEMO.SEC);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("请填写退回意见");
    expect((await t.http.post(page(), { intent: "return", itemId: id, note: "缺少交流记录" }, DEMO.SEC)).status).toBe(
      200,
    );
    expect((await items())[0].status).toBe("returned");
    expect((await notes(t.ids.user[DEMO.LIU], "rectification.returned")).length).toBe(1);
    expect(
      (await t.http.post(page(), { intent: "report", itemId: id, note: "补交了两次交流记录" }, DEMO.LIU)).status,
    ).toBe(200);
    const res = await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.SEC);
    expect(res.status).toBe(200);
    expect((await items())[0].status).toBe("closed");
    expect((await notes(t.ids.user[DEMO.LIU], "rectification.confirmed")).length).toBe(1);
    const again = await t.http.post(page(), { intent: "confirm", itemId: id }, DEMO.SEC);
    expect(again.status).toBe(409);
    const actions = await sql()<{ action: string }[]>`
      select action from audit_log where org_id = ${B1} and action like 'rectification.%' order by id`;
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["rectification.create", "rectification.return", "rectification.confirm"]),
    );
  });
});

describe("the 问题清单", () => {
  it("the 书记 adds a problem; one click fills the form; the item keeps its source, once", async () => {
    expect((await t.http.post(page(), { intent: "problem", text: "" }, DEMO.SEC)).status).toBe(400);
    expect((await t.http.post(page(), { intent: "problem", text: "问".repeat(501) }, DEMO.SEC)).status).toBe(400);
    expect((await t.http.post(page(), { intent: "problem", text: "批评与自我批评辣味不足" }, DEMO.LIU)).status).toBe(
      403,
    );
    const ok = await t.http.post(
      page(),
      { intent: "problem", text: "批评与自我批评辣味不足", personId: t.ids.user[DEMO.HUANG] },
      DEMO.SEC,
    );
    expect(ok.status).toBe(200);
    const [p] = await sql()<{ id: string }[]>`
      select id from problem_items where org_id = ${B1} and text = '批评与自我批评辣味不足'`;
    // Members do not see the 问题清单.
    expect(await (await t.http.get(page(), DEMO.HUANG)).text()).not.toContain("批评与自我批评辣味不足");
    const filled = await (await t.http.get(`${page()}?from=${p.id}`, DEMO.SEC)).text();
    expect(filled).toContain(`value="${p.id}"`);
    expect(filled).toMatch(/<textarea[^>]*name="problem"[^>]*>批评与自我批评辣味不足<\/textarea>/);
    const body = item({ problem: "批评与自我批评辣味不足", ownerId: t.ids.user[DEMO.HUANG], problemId: p.id });
    expect((await t.http.post(page(), body, DEMO.SEC)).status).toBe(200);
    const twice = await t.http.post(page(), body, DEMO.SEC);
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("这条问题已经生成了整改事项");
    const made = (await items()).filter((i) => i.source_id === p.id);
    expect(made).toHaveLength(1);
  });
});

describe("reminders", () => {
  it("due soon and overdue, once per person and item however often and however concurrently they run", async () => {
    const sec = t.ids.user[DEMO.SEC];
    const huang = t.ids.user[DEMO.HUANG];
    await sql()`delete from notifications where kind like 'rectification.due' or kind like 'rectification.overdue'`;
    // Within the 7 days (CHEN), past its deadline (HUANG), owned by the branch and past (the 书记),
    // and one beyond the window (nobody). The demo's 整改清单 adds one overdue item of HUANG's; its
    // reported item (刘洋, due in 5 days) waits for the 书记 and is not reminded.
    await sql()`
      insert into rectification_items (org_id, problem, measures, owner_id, deadline, commitment, created_by)
      values (${B1}, '会前准备不充分', '会前一周发通知', ${t.ids.user[DEMO.CHEN]}, ${day(3)}::date, '按时', ${sec}),
             (${B1}, '党费交纳不及时', '按月交纳', ${huang}, ${day(-2)}::date, '按时', ${sec}),
             (${B1}, '台账不全', '补齐台账', null, ${day(-1)}::date, '按时', ${sec}),
             (${B1}, '远期事项', '慢慢来', ${huang}, ${day(30)}::date, '按时', ${sec})`;
    const runs = await Promise.all([1, 2, 3].map(() => sendRectificationReminders(sql())));
    const again = await sendRectificationReminders(sql());
    expect(again).toEqual({ due: 0, overdue: 0 });
    const total = runs.reduce((n, r) => ({ due: n.due + r.due, overdue: n.overdue + r.overdue }), {
      due: 0,
      overdue: 0,
    });
    expect(total).toEqual({ due: 1, overdue: 3 });
    expect(await notes(t.ids.user[DEMO.CHEN], "rectification.due")).toHaveLength(1);
    expect(await notes(huang, "rectification.overdue")).toHaveLength(2);
    expect(await notes(huang, "rectification.due")).toHaveLength(0);
    expect((await notes(sec, "rectification.overdue"))[0].title).toContain("台账不全");
    // The 书记's branch has overdue items as a to-do; HUANG has his own.
    const todos = await todosFor(sql(), await loadSubject(sql(), sec));
    expect(todos.find((t) => t.kind === "rectification.overdue")?.detail).toContain("3 项超过完成时限");
    const own = await todosFor(sql(), await loadSubject(sql(), huang));
    expect(own.find((t) => t.kind === "rectification.own" && t.title === "整改事项已逾期")).toBeTruthy();
  });

  it("the 党委 overview counts each branch's open and overdue items", async () => {
    const o = await oversight(sql(), { id: t.ids.org[ORGS.COMMITTEE] });
    const b1 = o.branches.find((b) => b.id === B1)!;
    const open = await sql()<{ n: number }[]>`
      select count(*)::int as n from rectification_items where org_id = ${B1} and status <> 'closed'`;
    // The two overdue items above and the demo's overdue one (黄磊's, last year's 组织生活会).
    expect(b1.rectification).toEqual({ open: open[0].n, overdue: 3 });
    expect(o.branches.find((b) => b.id === t.ids.org[ORGS.B2])!.rectification).toEqual({ open: 0, overdue: 0 });
    expect(o.totals.rectification.overdue).toBe(3);
    const html = await (await t.http.get(`/orgs/${t.ids.org[ORGS.COMMITTEE]}/overview`, DEMO.REVIEWER)).text();
    expect(html).toContain("整改事项");
  });
});

describe("回头看", () => {
  it("the next 组织生活会 opens with the previous one's items and their state", async () => {
    const last = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "去年组织生活会",
      inMin: -60 * 24 * 40,
      ended: true,
    });
    const next = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "今年组织生活会",
      inMin: 60,
    });
    const sec = t.ids.user[DEMO.SEC];
    await sql()`
      insert into rectification_items (org_id, meeting_id, problem, measures, owner_id, deadline, commitment, created_by, status)
      values (${B1}, ${last}, '上次的问题甲', '措施', ${t.ids.user[DEMO.LIU]}, ${day(-5)}::date, '承诺', ${sec}, 'open'),
             (${B1}, ${last}, '上次的问题乙', '措施', null, ${day(-20)}::date, '承诺', ${sec}, 'closed')`;
    const found = await openItemsForLookBack(sql(), B1);
    expect(found?.meeting.id).toBe(last);
    expect(found?.items.map((i) => [i.problem, i.status, i.overdue])).toEqual([
      ["上次的问题甲", "open", true],
      ["上次的问题乙", "closed", false],
    ]);
    const card = await lookBackFor(sql(), await loadSubject(sql(), t.ids.user[DEMO.HUANG]), {
      orgId: B1,
      kind: "life_meeting",
      startsAt: new Date(Date.now() + 3600_000),
    });
    expect(card).toMatchObject({ open: 1, overdue: 1, closed: 1 });
    const html = await (await t.http.get(`/meetings/${next}`, DEMO.HUANG)).text();
    expect(html).toContain("回头看");
    expect(html).toContain("上次的问题甲");
    // Not on another kind of meeting.
    const other = await t.meeting({ org: ORGS.B1, kind: "general_assembly", inMin: 90 });
    expect(await (await t.http.get(`/meetings/${other}`, DEMO.HUANG)).text()).not.toContain("回头看");
  });
});

describe("editing an item", () => {
  const PROBLEM = "组织生活会发言准备不足";
  let id: string;
  const edit = (over: Record<string, string> = {}) => ({
    intent: "edit",
    itemId: id,
    problem: PROBLEM,
    measures: "会前一周列出发言提纲，交支委审阅",
    ownerId: t.ids.user[DEMO.CHEN],
    deadline: day(5),
    commitment: "下次会前完成，请大家监督",
    ...over,
  });
  const row = async () =>
    (
      await sql()<{ measures: string; owner_id: string | null; deadline: string; commitment: string }[]>`
        select measures, owner_id, to_char(deadline, 'YYYY-MM-DD') as deadline, commitment
        from rectification_items where id = ${id}`
    )[0];
  const reminded = async () =>
    (
      await sql()<{ dedupe_key: string }[]>`
        select dedupe_key from notifications where dedupe_key like ${"%:" + id + ":%"} order by id`
    ).map((n) => n.dedupe_key);

  beforeAll(async () => {
    expect((await t.http.post(page(), item({ problem: PROBLEM, deadline: day(20) }), DEMO.SEC)).status).toBe(200);
    id = (await items()).find((i) => i.problem === PROBLEM)!.id;
  });

  it("only those who add items edit: the owner and the 党委 403, another branch 404; nothing changes", async () => {
    const before = await row();
    for (const [who, status] of [
      [DEMO.LIU, 403],
      [DEMO.REVIEWER, 403],
      [DEMO.WU, 404],
    ] as const) {
      const res = await t.http.post(page(), edit(), who);
      expect(res.status, who).toBe(status);
      if (status === 403) expect(await res.text()).toContain("只有本支部的书记、副书记或组织委员可以修改整改事项");
    }
    expect(await row()).toEqual(before);
    // The 书记 is offered the form; the owner is not.
    expect(await (await t.http.get(page(), DEMO.SEC)).text()).toContain('data-testid="rect-edit"');
    expect(await (await t.http.get(page(), DEMO.LIU)).text()).not.toContain('data-testid="rect-edit"');
  });

  it.each([
    ["empty measures", { measures: " " }, "请填写整改措施"],
    ["an over-long problem", { problem: "问".repeat(501) }, "问题最长 500 字"],
    ["an over-long commitment", { commitment: "诺".repeat(501) }, "整改承诺最长 500 字"],
    ["a deadline moved into the past", { deadline: day(-1) }, "完成时限不能早于今天"],
    ["an owner from another branch", {}, "所选党员不在本支部"],
  ])("refuses %s with a Chinese 400, keeps what was typed, saves nothing", async (_what, over, message) => {
    const body = edit({ commitment: "这是刚刚输入的新承诺", ...over });
    if (message === "所选党员不在本支部") body.ownerId = t.ids.user[DEMO.WU];
    const before = await row();
    const res = await t.http.post(page(), body, DEMO.SEC);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    // The form comes back open with the typed text in it.
    if (!("commitment" in over)) expect(html).toContain("这是刚刚输入的新承诺");
    expect(html).toMatch(/<details class="rect-edit" open=""/);
    expect(await row()).toEqual(before);
  });

  it("the 书记 edits every field; logged with what changed; the new owner is told", async () => {
    const res = await t.http.post(page(), edit(), DEMO.SEC);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已保存修改");
    expect(await row()).toEqual({
      measures: "会前一周列出发言提纲，交支委审阅",
      owner_id: t.ids.user[DEMO.CHEN],
      deadline: day(5),
      commitment: "下次会前完成，请大家监督",
    });
    const [a] = await sql()<{ detail: { itemId: string; changed: string[]; deadline: string; was: string } }[]>`
      select detail from audit_log where action = 'rectification.edit' and actor_id = ${t.ids.user[DEMO.SEC]}`;
    expect(a.detail).toEqual({
      itemId: id,
      changed: ["measures", "ownerId", "deadline", "commitment"],
      deadline: day(5),
      was: day(20),
    });
    const told = await notes(t.ids.user[DEMO.CHEN], "rectification.assigned");
    expect(told.at(-1)?.title).toContain(PROBLEM);
  });

  it("a moved deadline re-arms the reminder once; moved out of the window, none", async () => {
    await sendRectificationReminders(sql());
    await sendRectificationReminders(sql());
    expect(await reminded()).toEqual([`rectification.due:${id}:${day(5)}`]);
    expect((await t.http.post(page(), edit({ deadline: day(6) }), DEMO.SEC)).status).toBe(200);
    await Promise.all([sendRectificationReminders(sql()), sendRectificationReminders(sql())]);
    expect(await reminded()).toEqual([`rectification.due:${id}:${day(5)}`, `rectification.due:${id}:${day(6)}`]);
    expect((await t.http.post(page(), edit({ deadline: day(40) }), DEMO.SEC)).status).toBe(200);
    await sendRectificationReminders(sql());
    expect(await reminded()).toHaveLength(2);
    // Each went to the owner, 陈静.
    const [{ n }] = await sql()<{ n: number }[]>`
      select count(*)::int as n from notifications where dedupe_key like ${"%:" + id + ":%"}
        and user_id = ${t.ids.user[DEMO.CHEN]}`;
    expect(n).toBe(2);
  });

  it("an overdue item is corrected without moving its deadline; a closed (销号) one is refused with 409", async () => {
    await sql()`update rectification_items set deadline = ${day(-3)}::date where id = ${id}`;
    const fix = await t.http.post(page(), edit({ deadline: day(-3), measures: "补充：每次会后复盘" }), DEMO.SEC);
    expect(fix.status).toBe(200);
    expect((await row()).measures).toBe("补充：每次会后复盘");

    const closed = (await items()).find((i) => i.status === "closed")!;
    const res = await t.http.post(page(), { ...edit(), itemId: closed.id }, DEMO.SEC);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("这项整改已经销号，不能再修改");
    expect((await items()).find((i) => i.id === closed.id)?.problem).toBe(closed.problem);
    // The page offers no form on it.
    const html = await (await t.http.get(page(), DEMO.SEC)).text();
    const card = html.slice(
      html.indexOf(`id="item-${closed.id}"`),
      html.indexOf("</li>", html.indexOf(`id="item-${closed.id}"`)),
    );
    expect(card).not.toContain("rect-edit");
  });
});
