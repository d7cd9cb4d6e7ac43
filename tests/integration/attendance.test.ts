import { describe, expect, it } from "vitest";
import type { Actor } from "../../server/services/actor";
import {
  attendanceSheet,
  attendanceView,
  closeAttendance,
  completeMakeup,
  correctAttendance,
  currentCode,
  decideLeave,
  myMakeups,
  requestLeave,
  signInWithCode,
  startSession,
  CODE_STEP_MS,
} from "../../server/services/session/attendance";
import { openVote } from "../../server/services/session/votes";
import { DomainError } from "../../server/services/errors";
import { loadSubject } from "../../server/services/people/subjects";
import { meetingLiveDoc, meetingMinutesDoc } from "../../shared/doc-names";
import { DEMO, MIN, ORGS, withDemoServer } from "../setup/demo";
import { connectClient } from "../setup/yclient";

// The seeded demo branch: 王建国 书记 (…01, also a member of 第一党小组), 李秀英 组织委员 (…02),
// 张伟 第一党小组长 (…03), 刘洋 (…04) and 陈静 (…05) in 第一党小组, 杨帆 (…06), 赵敏 (…07),
// 黄磊 (…08), 郑华 (…12, 流动) in 第二党小组, 周志强 党委组织委员 (…09), 孙丽 (…10) and 吴刚 (…11)
// in the sibling 第二党支部. Meetings and their invitees are inserted here directly: scheduling
// (which fills meeting_invitees) is another module.

const { SEC, ORG, LEADER, LIU, CHEN, YANG, ZHAO, HUANG, REVIEWER, WU } = DEMO;

const t = withDemoServer();

async function actor(username: string): Promise<Actor> {
  return {
    userId: t.ids.user[username],
    subject: await loadSubject(t.sql, t.ids.user[username]),
    address: "127.0.0.1",
  };
}

/** A meeting (buildMeeting) of the first branch (or another organisation, by id) starting `inMin` minutes from now, with its list. */
async function meeting(opts: {
  inMin: number;
  minutes?: number;
  attendees?: string[];
  guests?: string[];
  org?: string;
  title?: string;
  host?: string;
}) {
  const start = new Date(Date.now() + opts.inMin * MIN);
  const end = new Date(start.getTime() + (opts.minutes ?? 90) * MIN);
  const id = await t.meeting({
    org: { id: opts.org ?? t.ids.org[ORGS.B1] },
    title: opts.title ?? "考勤测试会议",
    start,
    minutes: opts.minutes ?? 90,
    host: opts.host ?? null,
    attendees: opts.attendees,
    guests: opts.guests,
  });
  return { id, start, end };
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

async function notificationsOf(username: string, kind: string) {
  return t.sql<{ title: string; link: string | null }[]>`
    select title, link from notifications where user_id = ${t.ids.user[username]} and kind = ${kind} order by id`;
}

async function row(meetingId: string, username: string) {
  const [r] = await t.sql<{ status: string; via: string; correction_reason: string | null }[]>`
    select status, via, correction_reason from attendance where meeting_id = ${meetingId} and user_id = ${t.ids.user[username]}`;
  return r;
}

describe("sign-in with the host's rotating code", () => {
  it("takes the current and the previous window's code, refuses a wrong one, a second sign-in and outside the window", async () => {
    const m = await meeting({ inMin: 5, attendees: [LIU, CHEN, YANG], host: LEADER });
    const sec = await actor(SEC);
    const now = new Date();
    const { code, turnsAt } = await currentCode(t.sql, sec, m.id, now);
    expect(code).toMatch(/^\d{6}$/);
    expect(turnsAt.getTime() - now.getTime()).toBeLessThanOrEqual(CODE_STEP_MS);
    // The host (张伟, not a manager of the branch) may show the code too; a member may not.
    expect((await currentCode(t.sql, await actor(LEADER), m.id, now)).code).toBe(code);
    expect((await refusal(currentCode(t.sql, await actor(LIU), m.id, now))).status).toBe(403);

    expect(await signInWithCode(t.sql, await actor(LIU), m.id, code, now)).toMatchObject({ status: "present" });
    // Read just before it turned: still taken in the next window, not in the one after.
    const next = new Date(turnsAt.getTime() + 1000);
    expect(
      await signInWithCode(t.sql, await actor(CHEN), m.id, ` ${code.slice(0, 3)} ${code.slice(3)} `, next),
    ).toMatchObject({ status: "present" });
    const later = new Date(turnsAt.getTime() + CODE_STEP_MS + 1000);
    const stale = await refusal(signInWithCode(t.sql, await actor(YANG), m.id, code, later));
    expect([stale.status, stale.field]).toEqual([400, "code"]);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const bad = await refusal(signInWithCode(t.sql, await actor(YANG), m.id, wrong, now));
    expect([bad.status, bad.field]).toEqual([400, "code"]);
    expect((await refusal(signInWithCode(t.sql, await actor(YANG), m.id, "12ab", now))).status).toBe(400);

    expect((await refusal(signInWithCode(t.sql, await actor(LIU), m.id, code, now))).status).toBe(409);

    const early = new Date(m.start.getTime() - 31 * MIN);
    const earlyCode = (await currentCode(t.sql, sec, m.id, early)).code;
    expect((await refusal(signInWithCode(t.sql, await actor(YANG), m.id, earlyCode, early))).status).toBe(409);
    const after = new Date(m.end.getTime() + MIN);
    const afterCode = (await currentCode(t.sql, sec, m.id, after)).code;
    expect((await refusal(signInWithCode(t.sql, await actor(YANG), m.id, afterCode, after))).status).toBe(409);

    // 黄磊 sees the meeting (a branch meeting) but is not on its list; 吴刚 is in another branch.
    expect((await refusal(signInWithCode(t.sql, await actor(HUANG), m.id, code, now))).status).toBe(403);
    expect((await refusal(signInWithCode(t.sql, await actor(WU), m.id, code, now))).status).toBe(404);

    const sheet = await attendanceSheet(t.sql, sec.subject, m.id, now);
    expect(sheet.counts).toMatchObject({ expected: 3, present: 2, absent: 0 });
    expect(sheet.rows.find((r) => r.userId === t.ids.user[YANG])?.status).toBe("pending");
  });

  it("counts a sign-in more than ten minutes after the start as 迟到", async () => {
    const m = await meeting({ inMin: 5, attendees: [LIU, CHEN] });
    const sec = await actor(SEC);
    const at10 = new Date(m.start.getTime() + 10 * MIN);
    expect(
      await signInWithCode(t.sql, await actor(LIU), m.id, (await currentCode(t.sql, sec, m.id, at10)).code, at10),
    ).toMatchObject({ status: "present" });
    const at11 = new Date(m.start.getTime() + 11 * MIN);
    expect(
      await signInWithCode(t.sql, await actor(CHEN), m.id, (await currentCode(t.sql, sec, m.id, at11)).code, at11),
    ).toMatchObject({ status: "late" });
    const sheet = await attendanceSheet(t.sql, sec.subject, m.id, at11);
    expect(sheet.counts).toMatchObject({ expected: 2, present: 2, late: 1 });
  });

  it("works over HTTP: the host's page shows the code and its QR, members sign in, refusals are 4xx", async () => {
    const m = await meeting({ inMin: 5, attendees: [LIU, CHEN, HUANG] });
    const path = `/meetings/${m.id}/attendance`;

    const host = await t.http.get(path, SEC);
    expect(host.status).toBe(200);
    const html = await host.text();
    const shown = /data-testid="signin-code"[^>]*>(\d{6})</.exec(html)?.[1];
    expect(shown).toMatch(/^\d{6}$/);
    expect(html).toContain("<svg");
    expect(html).toContain('data-testid="attendance-counts"');
    expect(html).toContain('data-testid="attendance-table"');

    // A member's page has the form, prefilled from a scanned QR code, and never the code itself.
    const member = await (await t.http.get(`${path}?code=${shown}`, LIU)).text();
    expect(member).not.toContain('data-testid="signin-code"');
    expect(member).toMatch(new RegExp(`name="code"[^>]*value="${shown}"|value="${shown}"[^>]*name="code"`));
    // (React writes these attribute names in camel case; HTML does not mind.)
    expect(member).toMatch(/autocomplete="one-time-code"/i);
    expect(member).toMatch(/inputmode="numeric"/i);

    const { code } = await currentCode(t.sql, await actor(SEC), m.id);
    const ok = await t.http.post(path, { intent: "signin", code }, LIU);
    expect(ok.status).toBe(200);
    expect(await row(m.id, LIU)).toMatchObject({ status: "present", via: "code" });

    expect((await t.http.post(path, { intent: "signin", code }, LIU)).status).toBe(409);
    const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, "0");
    expect((await t.http.post(path, { intent: "signin", code: wrong }, CHEN)).status).toBe(400);
    expect((await t.http.post(path, { intent: "signin", code: "abc" }, CHEN)).status).toBe(400);
    // 杨帆 reads the branch's meeting but is not on this one's list.
    expect((await t.http.post(path, { intent: "signin", code }, YANG)).status).toBe(403);
    // Another branch's member: the meeting does not exist for them.
    expect((await t.http.get(path, WU)).status).toBe(404);
    expect((await t.http.post(path, { intent: "signin", code }, WU)).status).toBe(404);
    // Not yet open: a meeting two hours ahead.
    const far = await meeting({ inMin: 120, attendees: [CHEN] });
    const farCode = (await currentCode(t.sql, await actor(SEC), far.id)).code;
    expect(
      (await t.http.post(`/meetings/${far.id}/attendance`, { intent: "signin", code: farCode }, CHEN)).status,
    ).toBe(409);
    // Nor is the code shown before the window opens.
    expect(await (await t.http.get(`/meetings/${far.id}/attendance`, SEC)).text()).not.toContain(
      'data-testid="signin-code"',
    );
    expect((await t.http.get(`/meetings/not-a-uuid/attendance`, SEC)).status).toBe(404);
  });

  it("limits wrong code guesses per person and meeting: after five, even the right code waits (429) and nothing is recorded; others sign in", async () => {
    const m = await meeting({ inMin: 5, attendees: [ZHAO, HUANG, YANG] });
    const path = `/meetings/${m.id}/attendance`;
    const now = new Date();
    const sec = await actor(SEC);
    const valid = new Set([
      (await currentCode(t.sql, sec, m.id, now)).code,
      (await currentCode(t.sql, sec, m.id, new Date(now.getTime() - CODE_STEP_MS))).code,
      (await currentCode(t.sql, sec, m.id, new Date(now.getTime() + CODE_STEP_MS))).code,
    ]);
    const wrongs: string[] = [];
    for (let n = 0; wrongs.length < 5; n++) {
      const guess = String(n * 104_729).padStart(6, "0");
      if (!valid.has(guess)) wrongs.push(guess);
    }
    const zhao = await actor(ZHAO);
    for (const guess of wrongs) {
      const e = await refusal(signInWithCode(t.sql, zhao, m.id, guess, now));
      expect([e.status, e.field]).toEqual([400, "code"]);
    }
    // The sixth try, even with the code on the host's screen, is refused without looking at it.
    const { code } = await currentCode(t.sql, sec, m.id);
    const sixth = await refusal(signInWithCode(t.sql, zhao, m.id, code));
    expect(sixth.status).toBe(429);
    expect(sixth.message).toMatch(/签到码错误次数过多，请 \d+ 秒后再试/);
    const overHttp = await t.http.post(path, { intent: "signin", code }, ZHAO);
    expect(overHttp.status).toBe(429);
    expect(await overHttp.text()).toContain("签到码错误次数过多");
    expect(await row(m.id, ZHAO)).toBeUndefined();

    // Other members of the same meeting are not held up, nor is 赵敏 at another meeting.
    expect((await t.http.post(path, { intent: "signin", code }, HUANG)).status).toBe(200);
    expect(await row(m.id, HUANG)).toMatchObject({ status: "present", via: "code" });
    const other = await meeting({ inMin: 5, attendees: [ZHAO] });
    const otherCode = (await currentCode(t.sql, sec, other.id)).code;
    expect(await signInWithCode(t.sql, zhao, other.id, otherCode)).toMatchObject({ status: "present" });
  });
});

describe("leave", () => {
  it("is asked before the start with a reason, once, and decided by the group leader or the 书记, not by a member", async () => {
    const m = await meeting({ inMin: 2 * 24 * 60, attendees: [LIU, ZHAO, HUANG], guests: [REVIEWER] });
    const sql = t.sql;

    expect((await refusal(requestLeave(sql, await actor(LIU), m.id, " "))).field).toBe("reason");
    const liuLeave = await requestLeave(sql, await actor(LIU), m.id, "出差在外");
    expect((await refusal(requestLeave(sql, await actor(LIU), m.id, "出差在外"))).status).toBe(409);
    const zhaoLeave = await requestLeave(sql, await actor(ZHAO), m.id, "家中有事");
    // A guest (列席) has nothing to ask leave from; someone not on the list neither.
    expect((await refusal(requestLeave(sql, await actor(REVIEWER), m.id, "有事"))).status).toBe(403);
    expect((await refusal(requestLeave(sql, await actor(YANG), m.id, "有事"))).status).toBe(403);
    // After the start it is too late.
    const started = new Date(m.start.getTime() + MIN);
    expect((await refusal(requestLeave(sql, await actor(HUANG), m.id, "临时有事", started))).status).toBe(409);

    // The approvers are told: the branch's managers and the requester's group leader. The 党委
    // above reads the meeting but does not decide its leave (decision 019), so it is not asked.
    for (const u of [SEC, ORG, LEADER])
      expect((await notificationsOf(u, "leave.requested")).map((n) => n.link)).toContain(
        `/meetings/${m.id}/attendance`,
      );
    expect(await notificationsOf(REVIEWER, "leave.requested")).toHaveLength(0);
    expect((await notificationsOf(LEADER, "leave.requested")).filter((n) => n.title.includes("赵敏"))).toHaveLength(0);
    expect(await notificationsOf(HUANG, "leave.requested")).toHaveLength(0);

    // 黄磊, an ordinary member, may not decide; 张伟 leads 刘洋's group, not 赵敏's.
    expect((await refusal(decideLeave(sql, await actor(HUANG), liuLeave, { approve: true, note: "" }))).status).toBe(
      404,
    );
    expect((await refusal(decideLeave(sql, await actor(LEADER), zhaoLeave, { approve: true, note: "" }))).status).toBe(
      404,
    );
    const leaderView = await attendanceView(sql, (await actor(LEADER)).subject, m.id);
    expect(leaderView.decidable.map((l) => l.name)).toEqual(["刘洋"]);
    await decideLeave(sql, await actor(LEADER), liuLeave, { approve: true, note: "" });
    await decideLeave(sql, await actor(SEC), zhaoLeave, { approve: false, note: "会议重要，请调整行程" });
    expect((await refusal(decideLeave(sql, await actor(SEC), zhaoLeave, { approve: true, note: "" }))).status).toBe(
      409,
    );

    const liuTold = await notificationsOf(LIU, "leave.decided");
    expect(liuTold.map((n) => n.title)).toEqual([expect.stringContaining("请假已批准")]);
    expect((await notificationsOf(ZHAO, "leave.decided"))[0].title).toContain("会议重要，请调整行程");

    const sheet = await attendanceSheet(sql, (await actor(SEC)).subject, m.id);
    expect(sheet.rows.find((r) => r.userId === t.ids.user[LIU])?.status).toBe("leave");
    expect(sheet.rows.find((r) => r.userId === t.ids.user[ZHAO])?.status).toBe("pending");
    expect(sheet.counts).toMatchObject({ expected: 3, leave: 1 });
    // 赵敏 sees her refusal with its note, and may ask again.
    const zhaoView = await attendanceView(sql, (await actor(ZHAO)).subject, m.id);
    expect(zhaoView.myLeave).toMatchObject({ status: "declined", note: "会议重要，请调整行程" });
  });

  it("works over HTTP: a member asks, the 书记 sees the request and approves it, the table shows 请假", async () => {
    const m = await meeting({ inMin: 3 * 24 * 60, attendees: [ZHAO, HUANG, LIU] });
    const path = `/meetings/${m.id}/attendance`;
    expect((await t.http.post(path, { intent: "leave", reason: "" }, ZHAO)).status).toBe(400);
    expect((await t.http.post(path, { intent: "leave", reason: "带孩子看病" }, ZHAO)).status).toBe(200);
    expect((await t.http.post(path, { intent: "leave", reason: "带孩子看病" }, ZHAO)).status).toBe(409);
    const [leave] = await t.sql<{ id: string }[]>`
      select id from leave_requests where meeting_id = ${m.id} and user_id = ${t.ids.user[ZHAO]}`;

    const secPage = await (await t.http.get(path, SEC)).text();
    expect(secPage).toContain("带孩子看病");
    expect(secPage).toContain('name="leaveId"');
    // A member's page shows that 赵敏 asked leave but not why.
    const huangPage = await (await t.http.get(path, HUANG)).text();
    expect(huangPage).toContain("赵敏");
    expect(huangPage).not.toContain("带孩子看病");
    expect(huangPage).not.toContain('name="leaveId"');

    expect((await t.http.post(path, { intent: "decide", leaveId: leave.id, approve: "yes" }, HUANG)).status).toBe(404);
    expect(
      (await t.http.post(path, { intent: "decide", leaveId: leave.id, approve: "yes", note: "同意" }, SEC)).status,
    ).toBe(200);
    const after = await (await t.http.get(path, ZHAO)).text();
    expect(after).toContain("请假已批准");
    const sheet = await attendanceSheet(t.sql, (await actor(ZHAO)).subject, m.id);
    expect(sheet.rows.find((r) => r.userId === t.ids.user[ZHAO])?.status).toBe("leave");
  });
});

describe("host corrections", () => {
  it("need a reason and are written to the audit log", async () => {
    const m = await meeting({ inMin: -20, attendees: [LIU, CHEN] });
    const sql = t.sql;
    const sec = await actor(SEC);
    const none = await refusal(
      correctAttendance(sql, sec, m.id, { userId: t.ids.user[LIU], status: "late", reason: " " }),
    );
    expect([none.status, none.field]).toEqual([400, "reason"]);
    expect(
      (
        await refusal(
          correctAttendance(sql, await actor(CHEN), m.id, {
            userId: t.ids.user[LIU],
            status: "absent",
            reason: "测试",
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await refusal(
          correctAttendance(sql, sec, m.id, { userId: t.ids.user[HUANG], status: "present", reason: "现场登记" }),
        )
      ).status,
    ).toBe(400);

    await correctAttendance(sql, sec, m.id, { userId: t.ids.user[LIU], status: "late", reason: "手机没电，现场登记" });
    expect(await row(m.id, LIU)).toMatchObject({
      status: "late",
      via: "host",
      correction_reason: "手机没电，现场登记",
    });
    const [entry] = await sql<{ action: string; actor_id: string; detail: { to: string; reason: string } }[]>`
      select action, actor_id, detail from audit_log where action = 'attendance.correct' and subject_user_id = ${t.ids.user[LIU]}
      order by id desc limit 1`;
    expect(entry).toMatchObject({ actor_id: t.ids.user[SEC], detail: { to: "late", reason: "手机没电，现场登记" } });

    // Over HTTP: no reason is a 400 on that person's form; with one it is saved.
    const path = `/meetings/${m.id}/attendance`;
    expect(
      (await t.http.post(path, { intent: "correct", userId: t.ids.user[CHEN], status: "present", reason: "" }, SEC))
        .status,
    ).toBe(400);
    expect(
      (
        await t.http.post(
          path,
          { intent: "correct", userId: t.ids.user[CHEN], status: "left_early", reason: "家中急事提前离会" },
          SEC,
        )
      ).status,
    ).toBe(200);
    expect(await row(m.id, CHEN)).toMatchObject({ status: "left_early", correction_reason: "家中急事提前离会" });
    expect(
      (await t.http.post(path, { intent: "correct", userId: t.ids.user[CHEN], status: "present", reason: "越权" }, LIU))
        .status,
    ).toBe(403);
  });
});

describe("starting the session", () => {
  it("is the host's or a manager's, from 30 minutes before the start, once; votes wait for it", async () => {
    const sql = t.sql;
    const sec = await actor(SEC);
    const early = await meeting({ inMin: 45, attendees: [LIU, CHEN] });
    expect((await refusal(startSession(sql, sec, early.id))).message).toContain("开始前 30 分钟内");

    const m = await meeting({ inMin: 10, attendees: [SEC, LIU, CHEN], title: "开始会议测试" });
    for (const u of [SEC, LIU, CHEN])
      await sql`insert into attendance (meeting_id, user_id, status, signed_in_at, via)
                values (${m.id}, ${t.ids.user[u]}, 'present', now(), 'code')`;
    const vote = { title: "接收王某为预备党员", matter: "admit_probationary" };
    expect((await refusal(openVote(sql, sec, m.id, vote))).status).toBe(409);
    expect((await refusal(startSession(sql, await actor(LIU), m.id))).status).toBe(403);
    expect((await refusal(startSession(sql, await actor(WU), m.id))).status).toBe(404);

    // Over HTTP, as the host's button posts it: started, said on the page, and only once.
    const res = await t.http.post(`/meetings/${m.id}/attendance`, { intent: "start" }, SEC);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("会议已开始");
    expect(html).toContain("会议进行中");
    const [row] = await sql<{ session_started_at: Date | null }[]>`
      select session_started_at from meetings where id = ${m.id}`;
    expect(row.session_started_at).not.toBeNull();
    expect((await refusal(startSession(sql, sec, m.id))).message).toBe("会议已经开始。");
    // Now a vote may open, and attendance may be closed before the scheduled start.
    expect((await openVote(sql, sec, m.id, vote)).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await closeAttendance(sql, sec, m.id)).toEqual({ makeups: 0 });
    expect((await refusal(startSession(sql, sec, m.id))).message).toContain("已经结束");
  });
});

describe("closing attendance and make-up study", () => {
  it("gives make-up tasks to absent and on-leave attendees only, tells them, and each completes only their own", async () => {
    const sql = t.sql;
    const sec = await actor(SEC);
    const notYet = await meeting({ inMin: 30, attendees: [LIU] });
    expect((await refusal(closeAttendance(sql, sec, notYet.id))).status).toBe(409);

    // Ended half an hour ago: 刘洋 came, 陈静 had leave approved, 黄磊 did not come, 周志强 was a guest who did not come.
    const m = await meeting({ inMin: -120, minutes: 90, attendees: [LIU, CHEN, HUANG], guests: [REVIEWER] });
    await sql`insert into attendance (meeting_id, user_id, status, signed_in_at, via)
      values (${m.id}, ${t.ids.user[LIU]}, 'present', ${m.start}, 'code')`;
    await sql`insert into leave_requests (meeting_id, user_id, reason, status, decided_by, decided_at)
      values (${m.id}, ${t.ids.user[CHEN]}, '出差', 'approved', ${t.ids.user[SEC]}, now())`;
    expect((await refusal(closeAttendance(sql, await actor(HUANG), m.id))).status).toBe(403);

    expect(await closeAttendance(sql, sec, m.id)).toEqual({ makeups: 2 });
    const tasks = await sql<{ user_id: string }[]>`select user_id from makeup_tasks where meeting_id = ${m.id}`;
    expect(tasks.map((t) => t.user_id).sort()).toEqual([t.ids.user[CHEN], t.ids.user[HUANG]].sort());
    for (const u of [CHEN, HUANG]) expect((await notificationsOf(u, "makeup.assigned")).at(-1)?.link).toBe("/makeup");
    expect(await notificationsOf(LIU, "makeup.assigned")).toHaveLength(0);
    expect(await notificationsOf(REVIEWER, "makeup.assigned")).toHaveLength(0);
    // Closing again assigns nothing twice.
    expect(await closeAttendance(sql, sec, m.id)).toEqual({ makeups: 0 });
    const sheet = await attendanceSheet(sql, sec.subject, m.id);
    expect(sheet.counts).toMatchObject({ expected: 3, present: 1, leave: 1, absent: 1, guests: 0 });

    const [chenTask] = await myMakeups(sql, t.ids.user[CHEN]);
    const [huangTask] = await myMakeups(sql, t.ids.user[HUANG]);
    expect(chenTask).toMatchObject({ meetingId: m.id, completedAt: null });
    expect((await refusal(completeMakeup(sql, await actor(HUANG), chenTask.id, ""))).status).toBe(404);
    expect((await refusal(completeMakeup(sql, await actor(HUANG), "not-a-uuid", ""))).status).toBe(404);
    await completeMakeup(sql, await actor(CHEN), chenTask.id, "学习了会议记录和材料");
    expect((await refusal(completeMakeup(sql, await actor(CHEN), chenTask.id, ""))).status).toBe(409);
    expect((await myMakeups(sql, t.ids.user[CHEN]))[0].completedAt).toBeInstanceOf(Date);

    // Over HTTP: the page lists the task, someone else's id is a 404, one's own is done.
    const list = await (await t.http.get("/makeup", HUANG)).text();
    expect(list).toContain("考勤测试会议");
    expect(list).toContain("完成补学");
    expect((await t.http.post("/makeup", { intent: "complete", taskId: chenTask.id, note: "" }, HUANG)).status).toBe(
      404,
    );
    expect(
      (await t.http.post("/makeup", { intent: "complete", taskId: huangTask.id, note: "已补学" }, HUANG)).status,
    ).toBe(200);
    const done = await (await t.http.get("/makeup", HUANG)).text();
    expect(done).toContain("完成补学");
    expect(done).toContain('data-testid="makeup-done"');
    // The host's page shows who has done their make-up study.
    expect(await (await t.http.get(`/meetings/${m.id}/attendance`, SEC)).text()).toContain("已补学");
  });
});

describe("online presence", () => {
  const waitFor = async (check: () => Promise<unknown>) => {
    const deadline = Date.now() + 5000;
    while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };

  it("counts an invitee on the session's live page only once the host has started, and not after the end", async () => {
    const m = await meeting({ inMin: 10, attendees: [CHEN, LIU, YANG], host: SEC });
    const sql = t.sql;
    // 陈静 opens the live page before the start: nothing is recorded yet.
    const early = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(CHEN));
    // The minutes document is not presence.
    const minutes = connectClient(t.url, meetingMinutesDoc(m.id), await t.http.cookie(YANG));
    // 黄磊 may open the page (a branch member) but is not on the list.
    const outsider = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(HUANG));
    const clients = [early, minutes, outsider];
    try {
      await Promise.all(clients.map((c) => c.synced()));
      await new Promise((r) => setTimeout(r, 300));
      expect(await row(m.id, CHEN)).toBeUndefined();

      // The host starts from the session page: whoever is on the live page now counts.
      const res = await fetch(`${t.url}/meetings/${m.id}`, {
        method: "POST",
        headers: {
          cookie: await t.http.cookie(SEC),
          "content-type": "application/x-www-form-urlencoded",
          origin: t.url,
        },
        body: "intent=start",
        redirect: "manual",
      });
      expect(res.status).toBe(200);
      expect(await row(m.id, CHEN)).toMatchObject({ status: "present", via: "online" });
      expect(await row(m.id, YANG)).toBeUndefined();
      expect(await row(m.id, HUANG)).toBeUndefined();

      // Joining after the start counts at once.
      const late = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(LIU));
      clients.push(late);
      await late.synced();
      await waitFor(() => row(m.id, LIU));
      expect(await row(m.id, LIU)).toMatchObject({ status: "present", via: "online" });

      // After the end, attendance is frozen: joining records nothing (the host corrects instead).
      await sql`update meetings set session_ended_at = now() where id = ${m.id}`;
      const after = connectClient(t.url, meetingLiveDoc(m.id), await t.http.cookie(YANG));
      clients.push(after);
      await after.synced();
      await new Promise((r) => setTimeout(r, 300));
      expect(await row(m.id, YANG)).toBeUndefined();
      const sheet = await attendanceSheet(sql, (await actor(LIU)).subject, m.id);
      expect(sheet.rows.find((r) => r.userId === t.ids.user[CHEN])).toMatchObject({ status: "present", via: "online" });
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
