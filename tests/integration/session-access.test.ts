import { describe, expect, it } from "vitest";
import { reflectionDoc } from "../../shared/doc-names";
import { DEMO, ORGS, withDemoServer, type MeetingSpec } from "../setup/demo";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { DocStore } from "../../server/collab/persistence";

// Who runs a branch's meeting (sessionAccess, docs/decisions/019): the host, the managers of the
// meeting's own organisation (its branch's for a group meeting) and a group's 党小组长. The
// 党委 above reads the meeting, may be 列席, and nothing more: it never hands out write access,
// runs a vote, starts or ends a session, decides leave or reviews a 心得体会.

const { SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, REVIEWER, ZHENG } = DEMO;

const t = withDemoServer();

/** A branch 支部党员大会 now, started, hosted by 王建国, recorded by 李秀英, with 周志强 列席. */
const running = (extra: Partial<MeetingSpec> = {}) =>
  t.meeting({
    org: ORGS.B1,
    inMin: -10,
    host: SEC,
    recorder: ORG,
    attendees: [SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, ZHENG],
    guests: [REVIEWER],
    started: true,
    agenda: ["学习", "表决"],
    ...extra,
  });

describe("the 党委 reviewer reads a branch's meeting and runs nothing in it", () => {
  it("cannot allow a co-editor, before, during or after the meeting", async () => {
    for (const phase of [{ inMin: 60, started: false }, {}, { ended: true }]) {
      const m = await running(phase);
      const res = await t.http.post(
        `/meetings/${m}`,
        { intent: "editor", userId: t.ids.user[CHEN], allowed: "1" },
        REVIEWER,
      );
      expect(res.status).toBe(403);
      expect(await t.sql`select 1 from meeting_minutes_editors where meeting_id = ${m}`).toHaveLength(0);
      expect(
        await t.sql`select 1 from audit_log where action = 'minutes.editor_added' and detail->>'meeting' = '测试会议' and actor_id = ${t.ids.user[REVIEWER]}`,
      ).toHaveLength(0);
      // The branch's own 书记 still can.
      expect(
        (await t.http.post(`/meetings/${m}`, { intent: "editor", userId: t.ids.user[CHEN], allowed: "1" }, SEC)).status,
      ).toBe(200);
    }
  });

  it("cannot open or close the branch's votes", async () => {
    const m = await running();
    for (const u of [SEC, ORG, LEADER, LIU, CHEN, YANG])
      await t.sql`insert into attendance (meeting_id, user_id, status, signed_in_at, via) values (${m}, ${t.ids.user[u]}, 'present', now(), 'code')`;
    const open = { intent: "open", title: "党委自拟的决议", matter: "other", secret: "on", agendaItemId: "" };
    const refused = await t.http.post(`/meetings/${m}/votes`, open, REVIEWER);
    expect(refused.status).toBe(403);
    expect(await t.sql`select 1 from votes where meeting_id = ${m}`).toHaveLength(0);
    expect((await t.http.post(`/meetings/${m}/votes`, { ...open, title: "支部的表决" }, SEC)).status).toBe(200);
    const [vote] = await t.sql<{ id: string }[]>`select id from votes where meeting_id = ${m}`;
    const close = await t.http.post(`/meetings/${m}/votes`, { intent: "close", voteId: vote.id }, REVIEWER);
    expect(close.status).toBe(403);
    expect((await t.sql`select status from votes where id = ${vote.id}`)[0].status).toBe("open");
  });

  it("cannot start, move the agenda of, or end the session", async () => {
    const m = await running({ started: false, inMin: 5 });
    expect((await t.http.post(`/meetings/${m}`, { intent: "start" }, REVIEWER)).status).toBe(403);
    expect((await t.http.post(`/meetings/${m}/attendance`, { intent: "start" }, REVIEWER)).status).toBe(403);
    expect((await t.sql`select session_started_at from meetings where id = ${m}`)[0].session_started_at).toBeNull();
    expect((await t.http.post(`/meetings/${m}`, { intent: "start" }, SEC)).status).toBe(200);
    const [item] = await t.sql<{ id: string }[]>`select id from meeting_agenda_items where meeting_id = ${m} limit 1`;
    expect((await t.http.post(`/meetings/${m}`, { intent: "agenda", itemId: item.id }, REVIEWER)).status).toBe(403);
    expect((await t.http.post(`/meetings/${m}`, { intent: "end" }, REVIEWER)).status).toBe(403);
    expect((await t.sql`select session_ended_at from meetings where id = ${m}`)[0].session_ended_at).toBeNull();
  });

  it("cannot correct or close attendance, nor decide leave", async () => {
    const m = await running({ started: false, inMin: 24 * 60 });
    expect(
      (await t.http.post(`/meetings/${m}/attendance`, { intent: "leave", reason: "出差在外地" }, LIU)).status,
    ).toBe(200);
    const [leave] = await t.sql<{ id: string }[]>`select id from leave_requests where meeting_id = ${m}`;
    const decide = { intent: "decide", leaveId: leave.id, approve: "yes", note: "" };
    // A leave request is hidden from whoever may not decide it.
    expect((await t.http.post(`/meetings/${m}/attendance`, decide, REVIEWER)).status).toBe(404);
    expect((await t.sql`select status from leave_requests where id = ${leave.id}`)[0].status).toBe("pending");
    const correct = { intent: "correct", userId: t.ids.user[CHEN], status: "present", reason: "在会场" };
    expect((await t.http.post(`/meetings/${m}/attendance`, correct, REVIEWER)).status).toBe(403);
    expect((await t.http.post(`/meetings/${m}/attendance`, { intent: "close" }, REVIEWER)).status).toBe(403);
    expect(await t.sql`select 1 from attendance where meeting_id = ${m}`).toHaveLength(0);
    // 张伟 leads 刘洋's group: he decides 刘洋's leave even for a branch meeting.
    expect((await t.http.post(`/meetings/${m}/attendance`, decide, LEADER)).status).toBe(200);
  });

  it("reads the attendance page without the sign-in code", async () => {
    const m = await running();
    const page = await t.http.get(`/meetings/${m}/attendance`, REVIEWER);
    expect(page.status).toBe(200);
    // The code's element, not the word: the page links the code's stylesheet (signin-code.css) for everyone.
    expect(await page.text()).not.toContain('data-testid="signin-code"');
    expect(await (await t.http.get(`/meetings/${m}/attendance`, DEMO.SEC)).text()).toContain(
      'data-testid="signin-code"',
    );
  });

  it("cannot return or accept a 心得体会, nor set the deadline or remind", async () => {
    const m = await running({ ended: true });
    await t.sql`insert into reflections (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
      values (${m}, ${t.ids.user[LIU]}, 'submitted', '学习体会', 4, now())`;
    const path = `/meetings/${m}/reflections/${t.ids.user[LIU]}`;
    expect((await t.http.post(path, { intent: "return", comment: "请再充实" }, REVIEWER)).status).toBe(403);
    expect((await t.http.post(path, { intent: "accept" }, REVIEWER)).status).toBe(403);
    expect((await t.sql`select status from reflections where meeting_id = ${m}`)[0].status).toBe("submitted");
    expect((await t.http.post(`/meetings/${m}/reflections`, { intent: "remind" }, REVIEWER)).status).toBe(403);
    // He may still read the submitted reflection (reviewing the branch's records).
    expect((await t.http.get(path, REVIEWER)).status).toBe(200);
  });
});

describe("a reflection is written only by someone on the list", () => {
  it("refuses the 党委 reviewer's own reflection document on a meeting he is not invited to", async () => {
    const m = await running({ guests: [] });
    const name = reflectionDoc(m, t.ids.user[REVIEWER]);
    const c = connectClient(t.url, name, await t.http.cookie(REVIEWER));
    let closed = 0;
    c.provider.on("connection-close", (e: CloseEvent | null) => void (closed = e?.code ?? -1));
    appendParagraph(c.doc, "不在名单上的人写的心得");
    await until(() => closed !== 0 || c.provider.synced, 5000, "refusal or sync");
    await new Promise((r) => setTimeout(r, 300));
    c.destroy();
    const { state } = await new DocStore(t.sql).load(name);
    expect(state).toBeNull();
    // The page refuses him too.
    expect((await t.http.get(`/meetings/${m}/reflection`, REVIEWER)).status).toBe(403);
  });

  it("lets an invited 列席 write his own", async () => {
    const m = await running();
    const c = connectClient(t.url, reflectionDoc(m, t.ids.user[REVIEWER]), await t.http.cookie(REVIEWER));
    await c.synced();
    appendParagraph(c.doc, "列席的体会");
    const store = new DocStore(t.sql);
    let stored: Uint8Array | null = null;
    for (let i = 0; i < 50 && !stored; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stored = (await store.load(reflectionDoc(m, t.ids.user[REVIEWER]))).state;
    }
    c.destroy();
    expect(stored).not.toBeNull();
  });
});
