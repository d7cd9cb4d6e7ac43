import { decode } from "turbo-stream";
import { beforeAll, describe, expect, it } from "vitest";
import { aboveGrantActive } from "../../server/services/life/above-access";
import { opinionsStage } from "../../server/services/life/opinions";
import { loadMeetingScope } from "../../server/services/meeting-scope";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// 征求意见 before a 组织生活会 over HTTP, as the page posts it (docs/decisions/032): the visibility
// matrix (sender, 支委, other member, person concerned before and after passing, a 支委 who is the
// person concerned, another branch, the 党委 without a grant), the sender's name absent from
// everything a non-支委 receives (page HTML and loader data), sorting into the 问题清单 and an
// 整改事项 from an opinion, bad input, the audit log and the stage's counts.

const t = withDemoServer({ timeout: 120_000 });
let M: string; // a 组织生活会 of 机关第一党支部 in its preparation stage
let ENDED: string; // one whose session has ended
let ORDINARY: string; // a 支部党员大会: no preparation cycle
let B1: string;
const page = (m = M) => `/meetings/${m}/opinions`;
const uid = (who: string) => t.ids.user[who];

const TEXT = {
  aboutHuang: "黄磊同志在学习中联系实际不够，建议多结合岗位谈体会",
  aboutCommittee: "支委会组织学习形式单一，建议增加专题研讨",
  general: "建议支委会把本年度整改情况向全体党员通报",
  aboutOrg: "李秀英同志对新党员的联系帮扶还可以更主动",
};

const send = (who: string, body: Record<string, string>, m = M) =>
  t.http.post(page(m), { intent: "send", about: "general", aboutPersonId: "", text: "", ...body }, who);

const opinionId = async (text: string) => {
  const [o] = await t.sql<{ id: string }[]>`select id from life_opinions where text = ${text}`;
  return o.id;
};
const count = async () => (await t.sql<{ n: number }[]>`select count(*)::int as n from life_opinions`)[0].n;

/** What a person receives for the page: its HTML and its loader data (single fetch), status included. */
async function received(who: string | null, m = M) {
  const html = await t.http.get(page(m), who);
  const htmlText = await html.text();
  const res = await t.http.get(`${page(m)}.data`, who);
  let data: unknown = null;
  if (res.status === 200 && res.body) {
    const decoded = await decode(res.body);
    await decoded.done;
    data = decoded.value;
  }
  return { status: html.status, location: html.headers.get("location"), html: htmlText, data };
}

/** The loader data of the opinions route. */
const routeData = (data: unknown) =>
  (data as Record<string, { data: { page: Record<string, unknown> } }>)["routes/meetings.$meetingId_.opinions"]?.data
    ?.page;

/**
 * What is left once the branch's roster is taken out: the picker of whom an opinion is about
 * lists every member by name (the roster is no secret among members); nothing else may name the sender.
 */
function withoutRoster(r: Awaited<ReturnType<typeof received>>) {
  let html = r.html;
  for (const [id, name] of Object.entries(t.ids.name))
    html = html.replaceAll(`<option value="${id}">${name}</option>`, "");
  // The hydration script repeats the loader data; it is checked as data below.
  html = html.replace(/<script[\s\S]*?<\/script>/g, "");
  const all = r.data ? (structuredClone(r.data) as Record<string, unknown>) : null;
  const p = all ? routeData(all) : undefined;
  if (p) p.people = [];
  const data = all ? JSON.stringify(all) : "";
  return { html, data };
}

beforeAll(async () => {
  B1 = t.ids.org[ORGS.B1];
  M = await t.meeting({ org: ORGS.B1, kind: "life_meeting", title: "2026年度组织生活会", inMin: 5 * 24 * 60 });
  ENDED = await t.meeting({
    org: ORGS.B1,
    kind: "life_meeting",
    title: "已结束的组织生活会",
    inMin: -180,
    minutes: 120,
    ended: true,
  });
  ORDINARY = await t.meeting({ org: ORGS.B1, kind: "general_assembly", title: "支部党员大会", inMin: 60 });
});

describe("sending", () => {
  it("members send opinions to the 支委会, about it, and about a named member; each is stored with its sender", async () => {
    for (const [who, body] of [
      [DEMO.LIU, { about: "person", aboutPersonId: uid(DEMO.HUANG), text: TEXT.aboutHuang }],
      [DEMO.LIU, { about: "committee", text: TEXT.aboutCommittee }],
      [DEMO.CHEN, { about: "general", text: TEXT.general }],
      [DEMO.LIU, { about: "person", aboutPersonId: uid(DEMO.ORG), text: TEXT.aboutOrg }],
    ] as const) {
      const res = await send(who, body);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("意见已提交");
    }
    const rows = await t.sql<{ text: string; sender_id: string; about: string; about_person_id: string | null }[]>`
      select text, sender_id, about, about_person_id from life_opinions where meeting_id = ${M} order by created_at`;
    expect(rows.map((r) => r.text)).toEqual([TEXT.aboutHuang, TEXT.aboutCommittee, TEXT.general, TEXT.aboutOrg]);
    expect(rows[0]).toMatchObject({ sender_id: uid(DEMO.LIU), about: "person", about_person_id: uid(DEMO.HUANG) });
    expect(rows[2].sender_id).toBe(uid(DEMO.CHEN));
  });

  it("sending is not audited: no audit entry names the sender", async () => {
    const rows = await t.sql`select 1 from audit_log where actor_id = ${uid(DEMO.LIU)} and action like 'opinion.%'`;
    expect(rows).toHaveLength(0);
  });

  it("the 书记 types in an opinion from the masses: no sender account, marked as such, audited as his entry", async () => {
    const res = await t.http.post(
      page(),
      { intent: "masses", about: "committee", aboutPersonId: "", text: "群众反映支部办事公开不够" },
      DEMO.SEC,
    );
    expect(res.status).toBe(200);
    const [o] = await t.sql<{ sender_id: string | null; from_masses: boolean; entered_by: string }[]>`
      select sender_id, from_masses, entered_by from life_opinions where text = '群众反映支部办事公开不够'`;
    expect(o).toEqual({ sender_id: null, from_masses: true, entered_by: uid(DEMO.SEC) });
    expect(await (await t.http.get(page(), DEMO.SEC)).text()).toContain("群众意见（书记录入）");
    const [a] = await t.sql`select 1 from audit_log where action = 'opinion.enter' and actor_id = ${uid(DEMO.SEC)}`;
    expect(a).toBeTruthy();
    // A member may not enter opinions in the masses' name.
    const before = await count();
    const refused = await t.http.post(page(), { intent: "masses", about: "general", text: "冒充群众" }, DEMO.LIU);
    expect(refused.status).toBe(403);
    expect(await count()).toBe(before);
  });
});

describe("who sees what", () => {
  it("the sender sees what they sent", async () => {
    const r = await received(DEMO.LIU);
    expect(r.status).toBe(200);
    expect(r.html).toContain("我提的意见");
    expect(r.html).toContain(TEXT.aboutHuang);
    expect(r.html).toContain(TEXT.aboutCommittee);
    // Not what others sent.
    expect(r.html).not.toContain(TEXT.general);
  });

  it("the 支委 see every opinion with its sender", async () => {
    const r = await received(DEMO.SEC);
    expect(r.status).toBe(200);
    for (const text of [TEXT.aboutHuang, TEXT.aboutCommittee, TEXT.general, TEXT.aboutOrg])
      expect(r.html).toContain(text);
    expect(r.html).toContain("提出人：刘洋");
    expect(r.html).toContain("提出人：陈静");
  });

  it("the 支委 filter the list by whom an opinion is about", async () => {
    // What is shown (the hydration data carries the whole list, as the 支委 may read it all).
    const shown = async (url: string) =>
      (await (await t.http.get(url, DEMO.SEC)).text()).replace(/<script[\s\S]*?<\/script>/g, "");
    const committee = await shown(`${page()}?about=committee`);
    expect(committee).toContain(TEXT.aboutCommittee);
    expect(committee).not.toContain(TEXT.aboutHuang);
    const huang = await shown(`${page()}?about=${uid(DEMO.HUANG)}`);
    expect(huang).toContain(TEXT.aboutHuang);
    expect(huang).not.toContain(TEXT.general);
  });

  it("a 支委 who is the person concerned sees the others' opinions with senders, not the one about herself", async () => {
    const r = await received(DEMO.ORG);
    expect(r.status).toBe(200);
    expect(r.html).toContain(TEXT.aboutHuang);
    expect(r.html).toContain("提出人：刘洋");
    expect(r.html).not.toContain(TEXT.aboutOrg);
    expect(JSON.stringify(routeData(r.data))).not.toContain(TEXT.aboutOrg);
  });

  it("another member sees neither the opinions nor who sent them; the person concerned nothing before it is passed on", async () => {
    for (const who of [DEMO.CHEN, DEMO.HUANG, DEMO.ZHAO]) {
      const r = await received(who);
      expect(r.status).toBe(200);
      const { html, data } = withoutRoster(r);
      for (const text of [TEXT.aboutHuang, TEXT.aboutCommittee, TEXT.aboutOrg]) {
        expect(html).not.toContain(text);
        expect(data).not.toContain(text);
      }
      expect(html).not.toContain("刘洋");
      expect(data).not.toContain("刘洋");
      expect(data).not.toContain(uid(DEMO.LIU));
      expect(html).not.toContain("提出人：");
    }
  });

  it("another branch and the 党委 without a grant: 404, and nothing of the opinions", async () => {
    expect(await aboveGrantActive(t.sql, uid(DEMO.REVIEWER), M)).toBe(false);
    for (const who of [DEMO.WU, DEMO.SUN, DEMO.REVIEWER]) {
      const r = await received(who);
      expect(r.status).toBe(404);
      expect(r.html).not.toContain(TEXT.aboutHuang);
      expect(r.html).not.toContain("刘洋");
    }
    const [a] = await t.sql`select 1 from audit_log where action = 'opinion.view_above'`;
    expect(a).toBeUndefined();
  });

  it("signed out: sent to sign in", async () => {
    const r = await t.http.get(page(), null);
    expect(r.status).toBe(302);
    expect(r.headers.get("location") ?? "").toMatch(/^\/login/);
  });

  it("an ordinary meeting has no opinions page", async () => {
    expect((await t.http.get(page(ORDINARY), DEMO.SEC)).status).toBe(404);
  });
});

describe("passing an opinion to the person concerned", () => {
  it("a member may not pass it on (their own: 403; another's: 404)", async () => {
    const id = await opinionId(TEXT.aboutHuang);
    expect((await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.LIU)).status).toBe(403);
    expect((await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.CHEN)).status).toBe(404);
    expect((await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.WU)).status).toBe(404);
    const [o] = await t.sql`select passed_at from life_opinions where id = ${id}`;
    expect(o.passed_at).toBeNull();
  });

  it("the 书记 passes it; the person concerned then sees its text, never its sender, over page, data and notification", async () => {
    const id = await opinionId(TEXT.aboutHuang);
    const res = await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.SEC);
    expect(res.status).toBe(200);
    expect((await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.SEC)).status).toBe(409);

    const r = await received(DEMO.HUANG);
    expect(r.html).toContain("转给你的意见");
    expect(r.html).toContain(TEXT.aboutHuang);
    const { html, data } = withoutRoster(r);
    expect(html).not.toContain("刘洋");
    expect(data).not.toContain("刘洋");
    expect(data).not.toContain(uid(DEMO.LIU));
    expect(html).not.toContain("提出人：");
    const toMe = routeData(r.data)?.toMe as { senderName?: string; createdAt: unknown }[];
    expect(toMe).toHaveLength(1);
    expect(toMe[0]).not.toHaveProperty("senderName");
    // The time it was sent could point at its writer: only when it was passed on.
    expect(toMe[0].createdAt).toBeNull();

    const notes = await t.sql<{ title: string; link: string }[]>`
      select title, link from notifications where user_id = ${uid(DEMO.HUANG)} and kind = 'opinion.passed'`;
    expect(notes).toHaveLength(1);
    expect(notes[0].title).not.toContain("刘洋");
    expect(notes[0].link).toBe(`/meetings/${M}/opinions#passed`);
    // The audit entry names the 书记 and the person concerned, not the sender.
    const [a] = await t.sql<{ actor_id: string; subject_user_id: string; detail: unknown }[]>`
      select actor_id, subject_user_id, detail from audit_log where action = 'opinion.pass'`;
    expect(a.actor_id).toBe(uid(DEMO.SEC));
    expect(a.subject_user_id).toBe(uid(DEMO.HUANG));
    expect(JSON.stringify(a.detail)).not.toContain(uid(DEMO.LIU));

    // Other members still see nothing of it.
    const chen = withoutRoster(await received(DEMO.CHEN));
    expect(chen.html).not.toContain(TEXT.aboutHuang);
    expect(chen.data).not.toContain(TEXT.aboutHuang);
  });

  it("a 支委 who is the person concerned sees it once passed on, without its sender", async () => {
    const id = await opinionId(TEXT.aboutOrg);
    expect((await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.SEC)).status).toBe(200);
    const r = await received(DEMO.ORG);
    const toMe = routeData(r.data)?.toMe as { text: string; senderName?: string }[];
    expect(toMe.map((o) => o.text)).toEqual([TEXT.aboutOrg]);
    expect(toMe[0]).not.toHaveProperty("senderName");
    const all = routeData(r.data)?.all as { text: string }[];
    expect(all.map((o) => o.text)).not.toContain(TEXT.aboutOrg);
  });

  it("an opinion to the 支委会 is not passed to anyone", async () => {
    const id = await opinionId(TEXT.aboutCommittee);
    const res = await t.http.post(page(), { intent: "pass", opinionId: id }, DEMO.SEC);
    expect(res.status).toBe(409);
  });
});

describe("sorting into the 问题清单 and the 整改清单", () => {
  it("the 书记 sorts an opinion into the branch's 问题清单 (his wording, the person concerned, no sender), once", async () => {
    const id = await opinionId(TEXT.aboutHuang);
    const res = await t.http.post(page(), { intent: "sort", opinionId: id, text: "联系实际不够" }, DEMO.SEC);
    expect(res.status).toBe(200);
    const [p] = await t.sql<
      { org_id: string; source_kind: string; source_id: string; person_id: string; text: string }[]
    >`
      select org_id, source_kind, source_id, person_id, text from problem_items where source_id = ${id}`;
    expect(p).toEqual({
      org_id: B1,
      source_kind: "opinion",
      source_id: id,
      person_id: uid(DEMO.HUANG),
      text: "联系实际不够",
    });
    expect((await t.http.post(page(), { intent: "sort", opinionId: id, text: "再来一次" }, DEMO.SEC)).status).toBe(409);
    const rect = await (await t.http.get(`/orgs/${B1}/rectification`, DEMO.SEC)).text();
    expect(rect).toContain("联系实际不够");
    expect(rect).toContain("来自征求意见");
    // A member may not sort; an empty problem is refused.
    const other = await opinionId(TEXT.general);
    expect((await t.http.post(page(), { intent: "sort", opinionId: other, text: "x" }, DEMO.LIU)).status).toBe(404);
    const empty = await t.http.post(page(), { intent: "sort", opinionId: other, text: " " }, DEMO.SEC);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("请填写问题");
    const [a] = await t.sql`select 1 from audit_log where action = 'opinion.sort' and actor_id = ${uid(DEMO.SEC)}`;
    expect(a).toBeTruthy();
  });

  it("an 整改事项 is made from an opinion in one click (the form filled from it), once", async () => {
    const id = await opinionId(TEXT.aboutHuang);
    const form = await (await t.http.get(`/orgs/${B1}/rectification?opinion=${id}`, DEMO.SEC)).text();
    expect(form).toContain(TEXT.aboutHuang);
    expect(form).toContain(`name="opinionId" value="${id}"`);
    const item = {
      intent: "create",
      problem: TEXT.aboutHuang,
      measures: "每月结合岗位写一篇学习体会",
      ownerId: uid(DEMO.HUANG),
      deadline: "2099-06-30",
      commitment: "按期完成",
      meetingId: M,
      problemId: "",
      opinionId: id,
    };
    expect((await t.http.post(`/orgs/${B1}/rectification`, item, DEMO.SEC)).status).toBe(200);
    const [r] = await t.sql`select source_kind, source_id from rectification_items where source_id = ${id}`;
    expect(r).toEqual({ source_kind: "opinion", source_id: id });
    const again = await t.http.post(`/orgs/${B1}/rectification`, item, DEMO.SEC);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("这条意见已经生成了整改事项");
    // The 支委's page links to it.
    expect(await (await t.http.get(page(), DEMO.SEC)).text()).toContain("已生成整改事项");
  });
});

describe("bad input", () => {
  const LONG = "意".repeat(501);
  it.each([
    ["an empty opinion", { text: "   " }, 400, "请填写意见内容"],
    ["an opinion over 500 characters", { text: LONG }, 400, "意见最长 500 字"],
    ["about a person without choosing one", { about: "person", text: "没有选人的意见" }, 400, "请选择意见针对的党员"],
    [
      "about a person not in the branch",
      { about: "person", who: DEMO.WU, text: "对外支部党员的意见" },
      400,
      "所选党员不在本支部",
    ],
    [
      "about oneself",
      { about: "person", who: DEMO.CHEN, text: "对自己的意见" },
      400,
      "对自己的意见请写在对照检查材料里",
    ],
    ["an unknown kind of opinion", { about: "everyone", text: "不知对谁的意见" }, 400, "请选择意见针对谁"],
  ])("refuses %s with a Chinese message, keeps the text, saves nothing", async (_what, over, status, message) => {
    const { who, ...rest } = over as Record<string, string>;
    const before = await count();
    const res = await send(DEMO.CHEN, { ...rest, aboutPersonId: who ? uid(who) : "" });
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toContain(message);
    if (rest.text.trim()) expect(html).toContain(rest.text);
    expect(await count()).toBe(before);
  });

  it("after the meeting has ended: 409, a clear message, the text kept", async () => {
    const before = await count();
    const res = await send(DEMO.CHEN, { text: "会后才想到的意见" }, ENDED);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("征求意见已截止");
    expect(html).toContain("会后才想到的意见");
    expect(await count()).toBe(before);
  });

  it("another branch posting: 404; the 党委 posting: 404", async () => {
    expect((await send(DEMO.WU, { text: "外支部意见" })).status).toBe(404);
    expect((await send(DEMO.REVIEWER, { text: "党委意见" })).status).toBe(404);
  });
});

describe("audit and stage", () => {
  it("every read by the 支委 with senders is audited; a member's read is not", async () => {
    const n = async (who: string) =>
      (
        await t.sql<{ n: number }[]>`
          select count(*)::int as n from audit_log where action = 'opinion.view_senders' and actor_id = ${uid(who)}`
      )[0].n;
    const [sec, org, chen] = [await n(DEMO.SEC), await n(DEMO.ORG), await n(DEMO.CHEN)];
    await t.http.get(page(), DEMO.SEC);
    await t.http.get(page(), DEMO.ORG);
    await t.http.get(page(), DEMO.CHEN);
    expect(await n(DEMO.SEC)).toBe(sec + 1);
    expect(await n(DEMO.ORG)).toBe(org + 1);
    expect(await n(DEMO.CHEN)).toBe(chen);
    expect(chen).toBe(0);
    const [a] = await t.sql<{ org_id: string; detail: { meetingId: string; opinions: number } }[]>`
      select org_id, detail from audit_log where action = 'opinion.view_senders' order by id desc limit 1`;
    expect(a.org_id).toBe(B1);
    expect(a.detail.meetingId).toBe(M);
    // The audit page shows the 书记 the entry, in words.
    const log = await (await t.http.get(`/orgs/${B1}/audit`, DEMO.SEC)).text();
    expect(log).toContain("查看征求意见（含提出人）");
  });

  it("the stage counts received, sorted and passed, and names no sender", async () => {
    const scope = await loadMeetingScope(t.sql, (await t.actor(DEMO.SEC)).subject, M);
    const stage = await opinionsStage(t.sql, scope);
    expect(stage.key).toBe("opinions");
    expect(stage.state).toBe("doing");
    expect(stage.done).toEqual(["收到意见 5 条", "已归入问题清单 1 条", "已转给本人 2 条"]);
    expect(stage.missing).toEqual(["4 条意见未归入问题清单"]);
    expect(stage.missingPeople).toEqual([]);
    expect(stage.href).toBe(`/meetings/${M}/opinions`);
    const text = JSON.stringify(stage);
    for (const name of ["刘洋", "陈静"]) expect(text).not.toContain(name);
    // The 党委 without a grant gets no link.
    const above = await loadMeetingScope(t.sql, (await t.actor(DEMO.REVIEWER)).subject, M);
    expect((await opinionsStage(t.sql, above)).href).toBeNull();
  });

  it("the 组织生活会's page links to the opinions from its stage, with the counts", async () => {
    const html = await (await t.http.get(`/meetings/${M}`, DEMO.CHEN)).text();
    expect(html).toContain('data-testid="life-stage-link-opinions"');
    expect(html).toContain(`href="/meetings/${M}/opinions"`);
    expect(html).toContain("收到意见 5 条");
  });
});
