import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingLiveDoc, meetingMinutesDoc } from "../../shared/doc-names";
import { plainText } from "../../shared/editor/minutes";
import { readLiveState } from "../../shared/live-session";
import { sessionView } from "../../server/services/session/session";
import { loadSubject } from "../../server/services/people/subjects";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { signIn, startTestServer, type TestServer } from "../setup/server";

// The live session page over HTTP and the live channel: who may run it, the agenda position
// followed by open pages, the minutes' first outline, co-editors taking effect at once, and the
// header the system fills. Demo data: 机关第一党支部 (server/demo/seed.ts).

let s: TestServer;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};
const SEC = "13800000001"; // 王建国, 书记
const REC = "13800000002"; // 李秀英, 组织委员
const LIU = "13800000004"; // 刘洋
const CHEN = "13800000005"; // 陈静
const HUANG = "13800000008"; // 黄磊
const OTHER_SEC = "13800000010"; // 书记 of 机关第二党支部

beforeAll(async () => {
  s = await startTestServer();
  for (const u of await s.app.db.sql<{ id: string; username: string }[]>`select id, username from users`)
    ids[u.username] = u.id;
});
afterAll(async () => {
  await s?.stop();
});

const cookie = async (u: string) => (cookies[u] ??= await signIn(s.url, u));
const sql = () => s.app.db.sql;

/** A 支部党员大会 of the first branch starting in `inMin` minutes, hosted by the 书记, with agenda and list. */
async function meeting(inMin = 5, agenda = ["学习党章", "讨论"]) {
  const [m] = await sql()<{ id: string }[]>`
    insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id)
    select id, 'general_assembly', '会场测试', now() + ${inMin} * interval '1 minute',
      now() + ${inMin + 90} * interval '1 minute', '党员活动室', ${ids[SEC]}, ${ids[SEC]}, ${ids[REC]}
    from organizations where name = '机关第一党支部' returning id`;
  for (const [i, title] of agenda.entries())
    await sql()`insert into meeting_agenda_items (meeting_id, position, title) values (${m.id}, ${i}, ${title})`;
  for (const u of [SEC, REC, LIU, CHEN, HUANG])
    await sql()`insert into meeting_invitees (meeting_id, user_id, role) values (${m.id}, ${ids[u]}, 'attendee')`;
  const items = await sql()<{ id: string }[]>`
    select id from meeting_agenda_items where meeting_id = ${m.id} order by position`;
  return { id: m.id, items: items.map((i) => i.id) };
}

async function post(meetingId: string, user: string, fields: Record<string, string>) {
  const res = await fetch(`${s.url}/meetings/${meetingId}`, {
    method: "POST",
    headers: { cookie: await cookie(user), "content-type": "application/x-www-form-urlencoded", origin: s.url },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, text: await res.text() };
}

describe("the live session", () => {
  it("starts the minutes from the agenda's outline, once, for everyone", async () => {
    const m = await meeting(5, ["学习《条例》", "民主评议"]);
    const a = connectClient(s.url, meetingMinutesDoc(m.id), await cookie(REC));
    const b = connectClient(s.url, meetingMinutesDoc(m.id), await cookie(LIU));
    try {
      await Promise.all([a.synced(), b.synced()]);
      expect(plainText(a.doc).split("\n")).toEqual([
        "一、学习《条例》",
        "发言要点",
        "",
        "二、民主评议",
        "发言要点",
        "",
        "会议决议",
        "",
      ]);
      expect(plainText(b.doc)).toBe(plainText(a.doc));
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it("only those who run the meeting start, move the agenda and end; bad input is a Chinese 4xx", async () => {
    const m = await meeting();
    // A member sees the meeting but may not run it; another branch's 书记 may not even see it.
    const member = await post(m.id, LIU, { intent: "start" });
    expect(member.status).toBe(403);
    expect(member.text).toContain("只有主持人、书记或组织委员");
    expect((await post(m.id, OTHER_SEC, { intent: "start" })).status).toBe(404);
    const end = await post(m.id, SEC, { intent: "end" });
    expect(end.status).toBe(409);
    expect(end.text).toContain("会议还没有开始");
    const bad = await post(m.id, SEC, { intent: "agenda", itemId: "not-an-id" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("无效的议程");
    const foreign = await meeting();
    const wrong = await post(m.id, SEC, { intent: "agenda", itemId: foreign.items[0] });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("所选议程不属于本次会议");
    expect((await post(m.id, SEC, { intent: "nonsense" })).status).toBe(400);
    const early = await meeting(120);
    const tooEarly = await post(early.id, SEC, { intent: "start" });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.text).toContain("30 分钟");
  });

  it("open pages follow the host: the live channel carries the agenda position and every change", async () => {
    const m = await meeting();
    const page = connectClient(s.url, meetingLiveDoc(m.id), await cookie(CHEN));
    try {
      await page.synced();
      const rev0 = readLiveState(page.doc).rev;
      expect((await post(m.id, SEC, { intent: "start" })).status).toBe(200);
      expect((await post(m.id, SEC, { intent: "agenda", itemId: m.items[1] })).status).toBe(200);
      await until(() => readLiveState(page.doc).agendaItemId === m.items[1], 5000, "the agenda position");
      expect(readLiveState(page.doc).rev).toBeGreaterThan(rev0);
      const [row] = await sql()<{ current_agenda_item_id: string }[]>`
        select current_agenda_item_id from meetings where id = ${m.id}`;
      expect(row.current_agenda_item_id).toBe(m.items[1]);
      // 陈静 was on the page when it started: present online.
      const [att] =
        await sql()`select status, via from attendance where meeting_id = ${m.id} and user_id = ${ids[CHEN]}`;
      expect(att).toMatchObject({ status: "present", via: "online" });
      // The live channel is read-only, even for the host: only the server writes it.
      const host = connectClient(s.url, meetingLiveDoc(m.id), await cookie(SEC));
      await host.synced();
      host.doc.getMap("session").set("agendaItemId", m.items[0]);
      await new Promise((r) => setTimeout(r, 300));
      expect(readLiveState(page.doc).agendaItemId).toBe(m.items[1]);
      host.destroy();

      // Ending freezes attendance and says so.
      const rev1 = readLiveState(page.doc).rev;
      const end = await post(m.id, SEC, { intent: "end" });
      expect(end.status).toBe(200);
      expect(end.text).toContain("会议已结束");
      await until(() => readLiveState(page.doc).rev > rev1, 5000, "the end to be signalled");
      expect((await post(m.id, SEC, { intent: "agenda", itemId: m.items[0] })).status).toBe(409);
      expect((await post(m.id, SEC, { intent: "end" })).status).toBe(409);
    } finally {
      page.destroy();
    }
  });

  it("a co-editor the host allows writes at once; taken back, they read only", async () => {
    const m = await meeting();
    const huang = connectClient(s.url, meetingMinutesDoc(m.id), await cookie(HUANG));
    const closes: number[] = [];
    huang.provider.on("connection-close", (e: { code: number } | null) => e && closes.push(e.code));
    try {
      await huang.synced();
      // A member who is not allowed cannot add himself, nor someone else.
      expect((await post(m.id, LIU, { intent: "editor", userId: ids[HUANG], allowed: "1" })).status).toBe(403);
      // Only people on the list.
      const outsider = await post(m.id, SEC, { intent: "editor", userId: ids[OTHER_SEC], allowed: "1" });
      expect(outsider.status).toBe(400);
      expect(outsider.text).toContain("应到或列席人员");

      expect((await post(m.id, SEC, { intent: "editor", userId: ids[HUANG], allowed: "1" })).status).toBe(200);
      // His open connection is told to reconnect with the new right, and his edit is kept.
      await until(() => closes.includes(4509), 5000, "the access change");
      await huang.synced();
      await until(() => huang.provider.wsconnected, 5000, "the reconnection");
      appendParagraph(huang.doc, "黄磊协助记录：第一项");
      const stored = async () => {
        const { state } = await s.app.collab.store.load(meetingMinutesDoc(m.id));
        return state ? Buffer.from(state).includes(Buffer.from("黄磊协助记录：第一项")) : false;
      };
      for (let i = 0; i < 100 && !(await stored()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await stored()).toBe(true);

      const view = await sessionView(sql(), await loadSubject(sql(), ids[SEC]), m.id);
      expect(view.minutes.editors.map((e) => e.name)).toEqual(["黄磊"]);
      const theirs = await sessionView(sql(), await loadSubject(sql(), ids[HUANG]), m.id);
      expect(theirs.minutes.access).toBe("write");
      expect(theirs.canRun).toBe(false);

      expect((await post(m.id, SEC, { intent: "editor", userId: ids[HUANG], allowed: "0" })).status).toBe(200);
      const after = await sessionView(sql(), await loadSubject(sql(), ids[HUANG]), m.id);
      expect(after.minutes.access).toBe("read");
      const [audit] = await sql()<{ n: number }[]>`
        select count(*)::int as n from audit_log where action in ('minutes.editor_added', 'minutes.editor_removed')
          and subject_user_id = ${ids[HUANG]}`;
      expect(audit.n).toBe(2);
    } finally {
      huang.destroy();
    }
  });

  it("the header counts 应到, 实到 and 缺席 with reasons, and uses the actual start and end", async () => {
    const m = await meeting();
    await sql()`
      insert into leave_requests (meeting_id, user_id, reason, status, decided_by, decided_at)
      values (${m.id}, ${ids[HUANG]}, '外出培训', 'approved', ${ids[SEC]}, now())`;
    expect((await post(m.id, SEC, { intent: "start" })).status).toBe(200);
    await sql()`
      insert into attendance (meeting_id, user_id, status, signed_in_at, via)
      values (${m.id}, ${ids[SEC]}, 'present', now(), 'code'), (${m.id}, ${ids[REC]}, 'late', now(), 'code')`;
    expect((await post(m.id, SEC, { intent: "end" })).status).toBe(200);
    const v = await sessionView(sql(), await loadSubject(sql(), ids[LIU]), m.id);
    expect(v.phase).toBe("ended");
    expect(v.header.expected.count).toBe(5);
    expect(v.header.present).toMatchObject({ count: 2, names: ["李秀英（迟到）", "王建国"] });
    expect(v.header.absent).toEqual([
      { name: "陈静", reason: "未请假" },
      { name: "黄磊", reason: "请假：外出培训" },
      { name: "刘洋", reason: "未请假" },
    ]);
    expect(v.header.actualStart && v.header.actualEnd).toBe(true);
    expect(v.header.recorderName).toBe("李秀英");
    // A member reads the page but runs nothing and writes no minutes.
    expect(v.canRun).toBe(false);
    expect(v.minutes.access).toBe("read");
    const page = await fetch(`${s.url}/meetings/${m.id}`, { headers: { cookie: await cookie(LIU) } });
    const html = await page.text();
    expect(html).toContain("李秀英（迟到）");
    expect(html).toContain("黄磊（请假：外出培训）");
  });
});
