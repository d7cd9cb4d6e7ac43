import { describe, expect, it } from "vitest";
import { meetingLiveDoc, meetingMinutesDoc } from "../../shared/doc-names";
import { plainText } from "../../shared/editor/minutes";
import { readLiveState } from "../../shared/live-session";
import { sessionView } from "../../server/services/session/session";
import { loadSubject } from "../../server/services/people/subjects";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// The live session page over HTTP and the live channel: who may run it, the agenda position
// followed by open pages, the minutes' first outline, co-editors taking effect at once, and the
// header the system fills. Demo data: 机关第一党支部 (server/demo/seed.ts).

const SEC = DEMO.SEC; // 王建国, 书记
const REC = DEMO.ORG; // 李秀英, 组织委员
const LIU = DEMO.LIU; // 刘洋
const CHEN = DEMO.CHEN; // 陈静
const HUANG = DEMO.HUANG; // 黄磊
const OTHER_SEC = DEMO.SUN; // 书记 of 机关第二党支部

const t = withDemoServer();

/** A 支部党员大会 of the first branch starting in `inMin` minutes, hosted by the 书记, with agenda and list. */
async function meeting(inMin = 5, agenda = ["学习党章", "讨论"]) {
  const id = await t.meeting({
    org: ORGS.B1,
    title: "会场测试",
    inMin,
    minutes: 90,
    host: SEC,
    recorder: REC,
    agenda,
    attendees: [SEC, REC, LIU, CHEN, HUANG],
  });
  const items = await t.sql<{ id: string }[]>`
    select id from meeting_agenda_items where meeting_id = ${id} order by position`;
  return { id, items: items.map((i) => i.id) };
}

describe("the live session", () => {
  it("starts the minutes from the agenda's outline, once, for everyone", async () => {
    const m = await meeting(5, ["学习《条例》", "民主评议"]);
    const a = connectClient(t.url, meetingMinutesDoc(m.id), await t.http.cookie(REC));
    const b = connectClient(t.url, meetingMinutesDoc(m.id), await t.http.cookie(LIU));
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
    const member = await t.http.submit(`/meetings/${m.id}`, { intent: "start" }, LIU);
    expect(member.status).toBe(403);
    expect(member.text).toContain("只有主持人、书记或组织委员");
    expect((await t.http.submit(`/meetings/${m.id}`, { intent: "start" }, OTHER_SEC)).status).toBe(404);
    const end = await t.http.submit(`/meetings/${m.id}`, { intent: "end" }, SEC);
    expect(end.status).toBe(409);
    expect(end.text).toContain("会议还没有开始");
    const bad = await t.http.submit(`/meetings/${m.id}`, { intent: "agenda", itemId: "not-an-id" }, SEC);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("无效的议程");
    const foreign = await meeting();
    const wrong = await t.http.submit(`/meetings/${m.id}`, { intent: "agenda", itemId: foreign.items[0] }, SEC);
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("所选议程不属于本次会议");
    expect((await t.http.submit(`/meetings/${m.id}`, { intent: "nonsense" }, SEC)).status).toBe(400);
    const early = await meeting(120);
    const tooEarly = await t.http.submit(`/meetings/${early.id}`, { intent: "start" }, SEC);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.text).toContain("30 分钟");
  });

  it("open pages follow the host: the live channel carries the agenda position and every change", async () => {
    const m = await meeting();
    const page = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(CHEN));
    try {
      await page.synced();
      const rev0 = readLiveState(page.doc).rev;
      expect((await t.http.submit(`/meetings/${m.id}`, { intent: "start" }, SEC)).status).toBe(200);
      expect((await t.http.submit(`/meetings/${m.id}`, { intent: "agenda", itemId: m.items[1] }, SEC)).status).toBe(
        200,
      );
      await until(() => readLiveState(page.doc).agendaItemId === m.items[1], 5000, "the agenda position");
      expect(readLiveState(page.doc).rev).toBeGreaterThan(rev0);
      const [row] = await t.sql<{ current_agenda_item_id: string }[]>`
        select current_agenda_item_id from meetings where id = ${m.id}`;
      expect(row.current_agenda_item_id).toBe(m.items[1]);
      // 陈静 was on the page when it started: present online.
      const [att] =
        await t.sql`select status, via from attendance where meeting_id = ${m.id} and user_id = ${t.ids.user[CHEN]}`;
      expect(att).toMatchObject({ status: "present", via: "online" });
      // The live channel is read-only, even for the host: only the server writes it.
      const host = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(SEC));
      await host.synced();
      host.doc.getMap("session").set("agendaItemId", m.items[0]);
      await new Promise((r) => setTimeout(r, 300));
      expect(readLiveState(page.doc).agendaItemId).toBe(m.items[1]);
      host.destroy();

      // Ending freezes attendance and says so.
      const rev1 = readLiveState(page.doc).rev;
      const end = await t.http.submit(`/meetings/${m.id}`, { intent: "end" }, SEC);
      expect(end.status).toBe(200);
      expect(end.text).toContain("会议已结束");
      await until(() => readLiveState(page.doc).rev > rev1, 5000, "the end to be signalled");
      expect((await t.http.submit(`/meetings/${m.id}`, { intent: "agenda", itemId: m.items[0] }, SEC)).status).toBe(
        409,
      );
      expect((await t.http.submit(`/meetings/${m.id}`, { intent: "end" }, SEC)).status).toBe(409);
    } finally {
      page.destroy();
    }
  });

  it("a co-editor the host allows writes at once; taken back, they read only", async () => {
    const m = await meeting();
    const huang = connectClient(t.url, meetingMinutesDoc(m.id), await t.http.cookie(HUANG));
    const closes: number[] = [];
    huang.provider.on("connection-close", (e: { code: number } | null) => e && closes.push(e.code));
    try {
      await huang.synced();
      // A member who is not allowed cannot add himself, nor someone else.
      expect(
        (await t.http.submit(`/meetings/${m.id}`, { intent: "editor", userId: t.ids.user[HUANG], allowed: "1" }, LIU))
          .status,
      ).toBe(403);
      // Only people on the list.
      const outsider = await t.http.submit(
        `/meetings/${m.id}`,
        { intent: "editor", userId: t.ids.user[OTHER_SEC], allowed: "1" },
        SEC,
      );
      expect(outsider.status).toBe(400);
      expect(outsider.text).toContain("应到或列席人员");

      expect(
        (await t.http.submit(`/meetings/${m.id}`, { intent: "editor", userId: t.ids.user[HUANG], allowed: "1" }, SEC))
          .status,
      ).toBe(200);
      // His open connection is told to reconnect with the new right, and his edit is kept.
      await until(() => closes.includes(4509), 5000, "the access change");
      await huang.synced();
      await until(() => huang.provider.wsconnected, 5000, "the reconnection");
      appendParagraph(huang.doc, "黄磊协助记录：第一项");
      const stored = async () => {
        const { state } = await t.app.collab.store.load(meetingMinutesDoc(m.id));
        return state ? Buffer.from(state).includes(Buffer.from("黄磊协助记录：第一项")) : false;
      };
      for (let i = 0; i < 100 && !(await stored()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await stored()).toBe(true);

      const view = await sessionView(t.sql, await loadSubject(t.sql, t.ids.user[SEC]), m.id);
      expect(view.minutes.editors.map((e) => e.name)).toEqual(["黄磊"]);
      const theirs = await sessionView(t.sql, await loadSubject(t.sql, t.ids.user[HUANG]), m.id);
      expect(theirs.minutes.access).toBe("write");
      expect(theirs.canRun).toBe(false);

      expect(
        (await t.http.submit(`/meetings/${m.id}`, { intent: "editor", userId: t.ids.user[HUANG], allowed: "0" }, SEC))
          .status,
      ).toBe(200);
      const after = await sessionView(t.sql, await loadSubject(t.sql, t.ids.user[HUANG]), m.id);
      expect(after.minutes.access).toBe("read");
      const [audit] = await t.sql<{ n: number }[]>`
        select count(*)::int as n from audit_log where action in ('minutes.editor_added', 'minutes.editor_removed')
          and subject_user_id = ${t.ids.user[HUANG]}`;
      expect(audit.n).toBe(2);
    } finally {
      huang.destroy();
    }
  });

  it("the header counts 应到, 实到 and 缺席 with reasons, and uses the actual start and end", async () => {
    const m = await meeting();
    await t.sql`
      insert into leave_requests (meeting_id, user_id, reason, status, decided_by, decided_at)
      values (${m.id}, ${t.ids.user[HUANG]}, '外出培训', 'approved', ${t.ids.user[SEC]}, now())`;
    expect((await t.http.submit(`/meetings/${m.id}`, { intent: "start" }, SEC)).status).toBe(200);
    await t.sql`
      insert into attendance (meeting_id, user_id, status, signed_in_at, via)
      values (${m.id}, ${t.ids.user[SEC]}, 'present', now(), 'code'), (${m.id}, ${t.ids.user[REC]}, 'late', now(), 'code')`;
    expect((await t.http.submit(`/meetings/${m.id}`, { intent: "end" }, SEC)).status).toBe(200);
    const v = await sessionView(t.sql, await loadSubject(t.sql, t.ids.user[LIU]), m.id);
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
    const page = await fetch(`${t.url}/meetings/${m.id}`, { headers: { cookie: await t.http.cookie(LIU) } });
    const html = await page.text();
    expect(html).toContain("李秀英（迟到）");
    expect(html).toContain("黄磊（请假：外出培训）");
  });
});
