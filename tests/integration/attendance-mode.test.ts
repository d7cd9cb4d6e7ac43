import { describe, expect, it } from "vitest";
import { currentCode } from "../../server/services/session/attendance";
import { meetingLiveDoc } from "../../shared/doc-names";
import { connectClient } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// How a person attended (docs/decisions/028): the room's code is 现场, the session page of a
// meeting with an online link is 线上, a meeting held only in a room never records 线上 and one
// held only online never records 现场. The host corrects a mode with a reason (audited); the
// minutes header, the attendance page and its CSV say 现场 / 线上.

const SEC = DEMO.SEC; // 王建国, 书记, the host
const REC = DEMO.ORG; // 李秀英, 组织委员, 记录人
const LIU = DEMO.LIU; // 刘洋
const CHEN = DEMO.CHEN; // 陈静
const YANG = DEMO.YANG; // 杨帆
const HUANG = DEMO.HUANG; // 黄磊

const t = withDemoServer();

/** A started 支部党员大会 of the first branch held in a room, online, or both. */
async function meeting(form: { location: string | null; onlineUrl: string | null }) {
  return t.meeting({
    org: ORGS.B1,
    title: "参会方式测试",
    inMin: -2,
    minutes: 90,
    location: form.location,
    onlineUrl: form.onlineUrl,
    host: SEC,
    recorder: REC,
    started: new Date(Date.now() - 60_000),
    attendees: [SEC, REC, LIU, CHEN, YANG, HUANG],
  });
}

async function record(meetingId: string, username: string) {
  const [r] = await t.sql<{ status: string; via: string; mode: string | null }[]>`
    select status, via, mode from attendance where meeting_id = ${meetingId} and user_id = ${t.ids.user[username]}`;
  return r;
}

/** Signs `username` in with the code the host shows now, through the attendance page. */
async function signInWithRoomCode(meetingId: string, username: string) {
  const { code } = await currentCode(t.sql, await t.actor(SEC), meetingId);
  return t.http.submit(`/meetings/${meetingId}/attendance`, { intent: "signin", code }, username);
}

/** Opens the session page's live channel as `username` and waits until it counted. */
async function openSessionPage(meetingId: string, username: string) {
  const client = connectClient(t.url, meetingLiveDoc(meetingId), await t.http.cookie(username));
  await client.synced();
  const deadline = Date.now() + 5000;
  while (
    !(await t.sql`select 1 from attendance where meeting_id = ${meetingId} and user_id = ${t.ids.user[username]}`)
      .length
  ) {
    if (Date.now() > deadline) throw new Error(`${username} on the page was not recorded`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return client;
}

describe("attendance mode: what each path records", () => {
  it("in a meeting with a room and an online link: the code is 现场, the page is 线上, the code after the page is 现场", async () => {
    const m = await meeting({ location: "党员活动室", onlineUrl: "https://meeting.example/123" });
    expect((await signInWithRoomCode(m, LIU)).status).toBe(200);
    expect(await record(m, LIU)).toMatchObject({ via: "code", mode: "onsite" });

    const chen = await openSessionPage(m, CHEN);
    expect(await record(m, CHEN)).toMatchObject({ status: "present", via: "online", mode: "online" });

    // 杨帆 opened the page first (线上), then typed the room's code: she is in the room.
    const yang = await openSessionPage(m, YANG);
    expect(await record(m, YANG)).toMatchObject({ mode: "online" });
    const again = await signInWithRoomCode(m, YANG);
    expect(again.status).toBe(200);
    expect(again.text).toContain("现场");
    expect(await record(m, YANG)).toMatchObject({ status: "present", via: "code", mode: "onsite" });
    // A second code sign-in is still refused.
    expect((await signInWithRoomCode(m, YANG)).status).toBe(409);
    // The host chairs from the room, where the code is shown: the page records him 现场.
    const host = await openSessionPage(m, SEC);
    expect(await record(m, SEC)).toMatchObject({ via: "online", mode: "onsite" });
    host.destroy();
    chen.destroy();
    yang.destroy();
  });

  it("a meeting held only in a room never records 线上, one held only online never records 现场", async () => {
    const room = await meeting({ location: "党员活动室", onlineUrl: null });
    const page = await openSessionPage(room, CHEN);
    expect(await record(room, CHEN)).toMatchObject({ via: "online", mode: "onsite" });
    page.destroy();
    const toOnline = await t.http.submit(
      `/meetings/${room}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "present",
        mode: "online",
        reason: "在家看直播",
      },
      SEC,
    );
    expect(toOnline.status).toBe(400);
    expect(toOnline.text).toContain("本次会议只在现场举行");
    expect(await record(room, CHEN)).toMatchObject({ mode: "onsite" });

    const online = await meeting({ location: null, onlineUrl: "https://meeting.example/456" });
    expect((await signInWithRoomCode(online, LIU)).status).toBe(200);
    expect(await record(online, LIU)).toMatchObject({ via: "code", mode: "online" });
  });

  it("the host corrects a mode with a reason, audited; 缺席 has no mode", async () => {
    const m = await meeting({ location: "党员活动室", onlineUrl: "https://meeting.example/789" });
    const chen = await openSessionPage(m, CHEN);
    chen.destroy();
    const member = await t.http.submit(
      `/meetings/${m}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "present",
        mode: "onsite",
        reason: "在会场",
      },
      LIU,
    );
    expect(member.status).toBe(403);
    const noReason = await t.http.submit(
      `/meetings/${m}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "present",
        mode: "onsite",
        reason: "",
      },
      SEC,
    );
    expect(noReason.status).toBe(400);
    const bad = await t.http.submit(
      `/meetings/${m}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "present",
        mode: "elsewhere",
        reason: "在会场",
      },
      SEC,
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("请选择参会方式");

    const fixed = await t.http.submit(
      `/meetings/${m}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "present",
        mode: "onsite",
        reason: "人在会场，先打开了会议页面",
      },
      SEC,
    );
    expect(fixed.status).toBe(200);
    expect(fixed.text).toContain("出席（现场）");
    expect(await record(m, CHEN)).toMatchObject({ status: "present", via: "online", mode: "onsite" });
    const [log] = await t.sql<{ detail: { fromMode: string | null; toMode: string | null; reason: string } }[]>`
      select detail from audit_log where action = 'attendance.correct' and subject_user_id = ${t.ids.user[CHEN]}
      order by id desc limit 1`;
    expect(log.detail).toMatchObject({ fromMode: "online", toMode: "onsite", reason: "人在会场，先打开了会议页面" });
    // The branch's audit page says it in words.
    const [org] = await t.sql<{ id: string }[]>`select org_id as id from meetings where id = ${m}`;
    const audit = await t.http.getText(`/orgs/${org.id}/audit`, SEC);
    expect(audit.text).toContain("状态：出席 → 出席；参会方式：线上 → 现场；原因：人在会场，先打开了会议页面");

    await t.http.submit(
      `/meetings/${m}/attendance`,
      {
        intent: "correct",
        userId: t.ids.user[CHEN],
        status: "absent",
        mode: "onsite",
        reason: "并未参会",
      },
      SEC,
    );
    expect(await record(m, CHEN)).toMatchObject({ status: "absent", mode: null });
  });
});

describe("attendance mode: where it is shown", () => {
  it("the minutes header, the attendance page and the CSV count 现场 and 线上", async () => {
    const m = await meeting({ location: "党员活动室", onlineUrl: "https://meeting.example/abc" });
    expect((await signInWithRoomCode(m, LIU)).status).toBe(200);
    expect((await signInWithRoomCode(m, YANG)).status).toBe(200);
    const chen = await openSessionPage(m, CHEN);
    chen.destroy();

    const session = await t.http.getText(`/meetings/${m}`, REC);
    expect(session.status).toBe(200);
    expect(session.text).toContain("<dt>实到</dt><dd>3 人，其中现场 2 人、线上 1 人：");
    expect(session.text).toContain("陈静（线上）");

    const page = await t.http.getText(`/meetings/${m}/attendance`, SEC);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-stat="onsite"[^]*?<dd>2<\/dd>/);
    expect(page.text).toMatch(/data-stat="online"[^]*?<dd>1<\/dd>/);

    const csv = await t.http.getText(`/meetings/${m}/attendance.csv`, SEC);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    const lines = csv.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("姓名,名单,状态,参会方式,签到时间,签到途径,说明");
    expect(lines.find((l) => l.startsWith("刘洋,"))).toMatch(
      /^刘洋,应到,出席,现场,\d{4}-\d{2}-\d{2} \d{2}:\d{2},签到码,/,
    );
    expect(lines.find((l) => l.startsWith("陈静,"))).toMatch(/^陈静,应到,出席,线上,.*,会议页面,/);
    expect(lines.find((l) => l.startsWith("黄磊,"))).toMatch(/^黄磊,应到,未签到,,,,/);
    expect(csv.text).toContain("实到 3 人，其中现场 2 人、线上 1 人");
    // Reasons can be private: only those who run the attendance export it.
    expect((await t.http.getText(`/meetings/${m}/attendance.csv`, HUANG)).status).toBe(403);
  });
});
