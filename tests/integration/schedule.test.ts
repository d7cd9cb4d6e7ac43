import { beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import type { Actor } from "../../server/services/actor";
import { DomainError } from "../../server/services/errors";
import { createMember } from "../../server/services/people/members";
import { findOrg, type Org } from "../../server/services/people/orgs";
import { defaultInvitees } from "../../server/services/calendar/invitees";
import { addFileMaterial, addFileMaterials } from "../../server/services/calendar/materials";
import { meetingDetail, upcomingForOrg } from "../../server/services/calendar/meeting-detail";
import { cancelMeeting, createMeeting, updateMeeting } from "../../server/services/calendar/schedule";
import { chinaParts } from "../../shared/time";
import { MeetingFormSchema, type MeetingInput } from "../../shared/schemas/meetings";
import { DEMO, withDemoServer } from "../setup/demo";

// Scheduling rules at the service level (real Actors over the seeded demo branch), then the
// pages and the file route over HTTP.

const t = withDemoServer();
let sql: Sql;
const org: Record<string, Org> = {};
const user: Record<string, string> = {}; // display name -> id
const actors: Record<string, Actor> = {};
/** The demo people the tests name, by display name. */
const USERNAME: Record<string, string> = {
  王建国: DEMO.SEC,
  李秀英: DEMO.ORG,
  张伟: DEMO.LEADER,
  刘洋: DEMO.LIU,
  杨帆: DEMO.YANG,
  孙丽: DEMO.SUN,
  吴刚: DEMO.WU,
  周志强: DEMO.REVIEWER,
};

const B1 = "机关第一党支部";
const G1 = "第一党小组";
const G2 = "第二党小组";
const B2 = "机关第二党支部";

beforeAll(async () => {
  sql = t.sql;
  for (const [name, id] of Object.entries(t.ids.org)) org[name] = (await findOrg(sql, id))!;
  for (const [id, name] of Object.entries(t.ids.name)) user[name] = id;
  for (const name of ["王建国", "李秀英", "张伟", "刘洋", "孙丽", "周志强"])
    actors[name] = await t.actor(USERNAME[name], "198.51.100.9");
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

/** A China-time date `days` from now; each test takes its own days so hosts never clash by accident. */
let nextDay = 3;
const day = (days = nextDay++) => chinaParts(new Date(Date.now() + days * 86_400_000)).date;

/** The form's fields as a browser posts them, with overrides. */
const fields = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: "theme_day",
  title: "七月主题党日：重温入党誓词",
  date: day(),
  startTime: "09:00",
  endTime: "10:30",
  location: "三楼党员活动室",
  onlineUrl: "",
  hostId: user["王建国"],
  recorderId: user["李秀英"],
  agenda: "",
  links: "",
  ...over,
});
const input = (over: Record<string, unknown> = {}): MeetingInput => MeetingFormSchema.parse(fields(over));

const names = (ids: { userId: string; role: string }[], role = "attendee") => {
  const byId = Object.fromEntries(Object.entries(user).map(([n, id]) => [id, n]));
  return ids
    .filter((i) => i.role === role)
    .map((i) => byId[i.userId])
    .sort();
};

const count = async (table: "meetings" | "notifications" | "files" | "meeting_materials") =>
  (await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0].n;

const notificationsOf = (meetingId: string, kind: string) =>
  sql<{ user_id: string; title: string; link: string }[]>`
    select user_id, title, link from notifications where link = ${"/meetings/" + meetingId} and kind = ${kind}`;

describe("the meeting form", () => {
  it("reads the date and times in China time", () => {
    const m = MeetingFormSchema.parse(fields({ date: "2026-11-24", startTime: "14:30", endTime: "16:30" }));
    expect(m.startsAt.toISOString()).toBe("2026-11-24T06:30:00.000Z");
    expect(m.endsAt.toISOString()).toBe("2026-11-24T08:30:00.000Z");
    expect(chinaParts(m.startsAt)).toMatchObject({ date: "2026-11-24", time: "14:30" });
  });

  it("refuses an end before the start, on the end time, in Chinese", () => {
    const r = MeetingFormSchema.safeParse(fields({ startTime: "15:00", endTime: "14:00" }));
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([
      expect.objectContaining({ path: ["endTime"], message: "结束时间应晚于开始时间" }),
    ]);
  });

  it("needs a place or an online link, and an online link must be http(s)", () => {
    const none = MeetingFormSchema.safeParse(fields({ location: "", onlineUrl: "" }));
    expect(none.error!.issues[0]).toMatchObject({ path: ["location"], message: "请填写地点或线上会议链接" });
    const bad = MeetingFormSchema.safeParse(fields({ location: "", onlineUrl: "javascript:alert(1)" }));
    expect(bad.error!.issues[0]).toMatchObject({ path: ["onlineUrl"] });
    expect(bad.error!.issues[0].message).toContain("http://");
    expect(
      MeetingFormSchema.parse(fields({ location: "", onlineUrl: "https://meeting.example.cn/j/1" })).location,
    ).toBe(null);
  });

  it("checks the title, agenda and links", () => {
    const issue = (over: Record<string, unknown>) => MeetingFormSchema.safeParse(fields(over)).error!.issues[0];
    expect(issue({ title: "学" })).toMatchObject({ path: ["title"], message: "会议主题至少 2 个字" });
    expect(issue({ title: "学".repeat(81) })).toMatchObject({ path: ["title"], message: "会议主题最长 80 个字" });
    expect(issue({ agenda: Array.from({ length: 21 }, (_, i) => `议题${i}`).join("\n") }).message).toContain(
      "议程最多 20 项",
    );
    expect(issue({ agenda: "开场\n" + "长".repeat(101) }).message).toBe("第 2 项议程超过 100 字，请精简");
    expect(issue({ links: "条例全文 | https://example.cn/a\n学习材料 | ftp://example.cn/b" }).message).toContain(
      "第 2 行的链接无效",
    );
    const ok = MeetingFormSchema.parse(
      fields({ agenda: "  学习条例 \n\n 交流体会", links: "条例全文 ｜ https://example.cn/a\nhttps://example.cn/b" }),
    );
    expect(ok.agenda).toEqual(["学习条例", "交流体会"]);
    expect(ok.links).toEqual([
      { title: "条例全文", url: "https://example.cn/a" },
      { title: "https://example.cn/b", url: "https://example.cn/b" },
    ]);
  });
});

describe("default invitees", () => {
  // Not 冯雪 (入党积极分子), nor 周志强 (党委) or the second branch's people.
  const PARTY_MEMBERS = ["刘洋", "张伟", "李秀英", "杨帆", "王建国", "郑华", "赵敏", "陈静", "黄磊"].sort();

  it("invites every 正式 and 预备党员 of the branch and its groups to a 主题党日, 流动党员 included", async () => {
    const list = await defaultInvitees(sql, org[B1], "theme_day");
    expect(names(list)).toEqual(PARTY_MEMBERS);
    expect(names(list)).toContain("郑华"); // 流动党员
    expect(names(list)).toContain("赵敏"); // 预备党员
    expect(names(list, "guest")).toEqual([]);
    for (const kind of ["general_assembly", "life_meeting", "member_review"] as const)
      expect(names(await defaultInvitees(sql, org[B1], kind))).toEqual(PARTY_MEMBERS);
  });

  it("adds the 入党积极分子 and 发展对象 to a 党课 as 列席", async () => {
    await createMember(sql, actors["王建国"], {
      person: { displayName: "钱发展", category: "candidate", probationStartedOn: null, probationEndsOn: null },
      username: "13900007001",
      orgId: org[G2].id,
      role: "member",
      mobile: false,
    });
    user["钱发展"] = (await sql<{ id: string }[]>`select id from users where username = '13900007001'`)[0].id;
    const list = await defaultInvitees(sql, org[B1], "party_lecture");
    expect(names(list)).toEqual(PARTY_MEMBERS);
    expect(names(list, "guest")).toEqual(["冯雪", "钱发展"].sort());
  });

  it("invites the committee to a 支委会 and the group's 党员 to a 党小组会", async () => {
    expect(names(await defaultInvitees(sql, org[B1], "committee_meeting"))).toEqual(["李秀英", "王建国"].sort());
    // 王建国 takes part in the first group as an ordinary member (双重组织生活); 冯雪 is an activist.
    expect(names(await defaultInvitees(sql, org[G1], "group_meeting"))).toEqual(
      ["刘洋", "张伟", "王建国", "陈静"].sort(),
    );
  });

  it("uses the default list when the form sends none, and the ticked list when it does", async () => {
    const a = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ kind: "party_lecture", title: "党课：党章" }),
    );
    const da = (await meetingDetail(sql, a))!;
    expect(da.counts).toEqual({ attendees: PARTY_MEMBERS.length, guests: 2 });

    const b = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ title: "小范围学习", invitees: [user["刘洋"], user["陈静"]], guests: [user["冯雪"]] }),
    );
    const db = (await meetingDetail(sql, b))!;
    expect(db.invitees.map((i) => [i.displayName, i.role])).toEqual([
      ["陈静", "attendee"],
      ["刘洋", "attendee"],
      ["冯雪", "guest"],
    ]);
  });
});

describe("scheduling refusals", () => {
  it("refuses a start in the past and adds nothing", async () => {
    const before = await count("meetings");
    const e = await refusal(createMeeting(sql, actors["王建国"], org[B1].id, input({ date: day(-1) })));
    expect(e.status).toBe(400);
    expect(e.field).toBe("date");
    expect(e.message).toBe("不能把会议安排在过去的时间。");
    expect(await count("meetings")).toBe(before);
  });

  it("refuses an end before the start even when the form was skipped", async () => {
    const i = input();
    const e = await refusal(
      createMeeting(sql, actors["王建国"], org[B1].id, { ...i, endsAt: new Date(i.startsAt.getTime() - 60_000) }),
    );
    expect(e).toMatchObject({ status: 400, field: "endTime", message: "结束时间应晚于开始时间" });
  });

  it("refuses an overlapping meeting for the same host, in any organisation, naming it", async () => {
    const date = day();
    await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ date, startTime: "14:00", endTime: "16:00", title: "支部党员大会：审议发展对象" }),
    );
    const before = await count("meetings");
    // The same host in his 党小组, half an hour into the branch meeting.
    const e = await refusal(
      createMeeting(
        sql,
        actors["王建国"],
        org[G1].id,
        input({ kind: "group_meeting", recorderId: "", date, startTime: "15:30", endTime: "17:00", title: "小组学习" }),
      ),
    );
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/^主持人 王建国 在该时段已有会议：“支部党员大会：审议发展对象” \d+月\d+日 14:00–16:00/);
    expect(await count("meetings")).toBe(before);
    // Back to back is fine, and so is another host at the same time.
    await createMeeting(
      sql,
      actors["王建国"],
      org[G1].id,
      input({ kind: "group_meeting", recorderId: "", date, startTime: "16:00", endTime: "17:00" }),
    );
    await createMeeting(
      sql,
      actors["王建国"],
      org[G1].id,
      input({
        kind: "group_meeting",
        recorderId: "",
        date,
        startTime: "15:00",
        endTime: "16:00",
        hostId: user["张伟"],
      }),
    );
  });

  it("lets a cancelled meeting's time be taken again", async () => {
    const date = day();
    const first = await createMeeting(sql, actors["王建国"], org[B1].id, input({ date }));
    await cancelMeeting(sql, actors["王建国"], first, "改期另行通知");
    await createMeeting(sql, actors["王建国"], org[B1].id, input({ date }));
  });

  it("refuses a non-manager (403) and hides another branch (404)", async () => {
    const before = await count("meetings");
    // A 党小组长 convenes their own group's meetings (scheduleAccess), never the branch's.
    const leader = await refusal(createMeeting(sql, actors["张伟"], org[B1].id, input({ hostId: user["张伟"] })));
    expect(leader.status).toBe(403);
    expect((await refusal(createMeeting(sql, actors["刘洋"], org[B1].id, input()))).status).toBe(403);
    const other = await refusal(createMeeting(sql, actors["孙丽"], org[B1].id, input()));
    expect(other.status).toBe(404);
    expect(await count("meetings")).toBe(before);
    await createMeeting(
      sql,
      actors["张伟"],
      org[G1].id,
      input({ kind: "group_meeting", title: "第一党小组学习会：交流学习体会", recorderId: "", hostId: user["张伟"] }),
    );
    // The 党委 reviews a branch's meetings; it does not schedule them (docs/decisions/019).
    const above = await refusal(createMeeting(sql, actors["周志强"], org[B1].id, input({ title: "党委指导支部学习" })));
    expect(above.status).toBe(403);
    expect(await count("meetings")).toBe(before + 1);
  });

  it("refuses a host, a recorder or invitees from outside the organisation, and the wrong kind", async () => {
    expect(
      await refusal(createMeeting(sql, actors["王建国"], org[B1].id, input({ hostId: user["孙丽"] }))),
    ).toMatchObject({
      status: 400,
      field: "hostId",
    });
    expect(
      await refusal(createMeeting(sql, actors["王建国"], org[B1].id, input({ recorderId: user["吴刚"] }))),
    ).toMatchObject({ status: 400, field: "recorderId" });
    expect(
      await refusal(
        createMeeting(sql, actors["王建国"], org[B1].id, input({ invitees: [user["刘洋"], user["吴刚"]] })),
      ),
    ).toMatchObject({ status: 400, field: "invitees" });
    expect(await refusal(createMeeting(sql, actors["王建国"], org[B1].id, input({ invitees: [] })))).toMatchObject({
      status: 400,
      field: "invitees",
    });
    expect(
      await refusal(createMeeting(sql, actors["王建国"], org[B1].id, input({ kind: "group_meeting" }))),
    ).toMatchObject({ status: 400, field: "kind" });
    expect(await refusal(createMeeting(sql, actors["王建国"], org[G1].id, input({ kind: "theme_day" })))).toMatchObject(
      { status: 400, field: "kind" },
    );
  });
});

describe("creating, rescheduling and cancelling", () => {
  it("stores the meeting with agenda, links, invitees and history, and invites everyone but the convenor", async () => {
    const before = await count("notifications");
    const id = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({
        date: "2099-11-24",
        startTime: "14:30",
        endTime: "16:30",
        agenda: "重温入党誓词\n学习党章第一章",
        links: "党章全文 | https://www.12371.cn/special/dangzhang/",
      }),
    );
    const d = (await meetingDetail(sql, id))!;
    expect(d).toMatchObject({
      status: "scheduled",
      hostName: "王建国",
      recorderName: "李秀英",
      location: "三楼党员活动室",
    });
    expect(d.agenda.map((a) => [a.position, a.title])).toEqual([
      [1, "重温入党誓词"],
      [2, "学习党章第一章"],
    ]);
    expect(d.materials).toEqual([
      expect.objectContaining({ title: "党章全文", url: "https://www.12371.cn/special/dangzhang/", fileId: null }),
    ]);
    expect(d.history.map((h) => h.change)).toEqual(["created"]);
    const [{ secret }] = await sql<{ secret: string }[]>`select signin_secret as secret from meetings where id = ${id}`;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const invited = await notificationsOf(id, "meeting.invited");
    expect(invited.length).toBe(d.invitees.length - 1);
    expect(invited.map((n) => n.user_id)).not.toContain(user["王建国"]);
    expect(invited[0].title).toBe("邀请：主题党日 七月主题党日：重温入党誓词 11月24日 14:30");
    expect(await count("notifications")).toBe(before + invited.length);
    expect((await upcomingForOrg(sql, org[B1].id, 50)).map((m) => m.id)).toContain(id);
  });

  it("reschedules: history keeps from and to, and each invitee is told", async () => {
    const id = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ date: "2099-03-02", startTime: "09:00", endTime: "10:00" }),
    );
    const r = await updateMeeting(
      sql,
      actors["李秀英"],
      id,
      input({ date: "2099-03-04", startTime: "15:00", endTime: "16:30" }),
    );
    expect(r.rescheduled).toBe(true);
    const d = (await meetingDetail(sql, id))!;
    expect(chinaParts(d.startsAt)).toMatchObject({ date: "2099-03-04", time: "15:00" });
    const moved = d.history.find((h) => h.change === "rescheduled")!;
    expect(moved.actorName).toBe("李秀英");
    expect(moved.detail).toEqual({
      from: { startsAt: "2099-03-02T01:00:00.000Z", endsAt: "2099-03-02T02:00:00.000Z" },
      to: { startsAt: "2099-03-04T07:00:00.000Z", endsAt: "2099-03-04T08:30:00.000Z" },
    });
    const told = await notificationsOf(id, "meeting.rescheduled");
    const expected = d.invitees.map((i) => i.userId).filter((u) => u !== user["李秀英"]);
    expect(told.map((n) => n.user_id).sort()).toEqual(expected.sort());
    expect(told[0].title).toBe("改期：主题党日 七月主题党日：重温入党誓词 改至 3月4日 15:00（原定 3月2日 09:00）");

    // A change of title only is an edit, not a reschedule, and tells nobody.
    const again = await updateMeeting(
      sql,
      actors["李秀英"],
      id,
      input({ date: "2099-03-04", startTime: "15:00", endTime: "16:30", title: "主题党日：重温誓词" }),
    );
    expect(again).toEqual({ rescheduled: false, changed: ["title"] });
    expect((await notificationsOf(id, "meeting.rescheduled")).length).toBe(told.length);
    expect((await meetingDetail(sql, id))!.history.map((h) => h.change)).toEqual(["updated", "rescheduled", "created"]);
  });

  it("tells people added to or taken off the list", async () => {
    const id = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ invitees: [user["刘洋"], user["陈静"]], date: "2099-05-06" }),
    );
    await updateMeeting(
      sql,
      actors["王建国"],
      id,
      input({ invitees: [user["刘洋"], user["杨帆"]], date: "2099-05-06" }),
    );
    expect((await notificationsOf(id, "meeting.invited")).map((n) => n.user_id)).toContain(user["杨帆"]);
    expect((await notificationsOf(id, "meeting.uninvited")).map((n) => n.user_id)).toEqual([user["陈静"]]);
  });

  it("refuses the same rules on an edit, and hides or refuses others", async () => {
    const id = await createMeeting(sql, actors["王建国"], org[B1].id, input({ date: "2099-06-01" }));
    const i = input({ date: "2099-06-01" });
    const backwards = await refusal(
      updateMeeting(sql, actors["王建国"], id, { ...i, endsAt: new Date(i.startsAt.getTime() - 3_600_000) }),
    );
    expect(backwards).toMatchObject({ status: 400, message: "结束时间应晚于开始时间" });
    const past = await refusal(updateMeeting(sql, actors["王建国"], id, input({ date: day(-2) })));
    expect(past.message).toBe("不能把会议安排在过去的时间。");
    expect((await refusal(updateMeeting(sql, actors["刘洋"], id, input({ date: "2099-06-01" })))).status).toBe(403);
    expect((await refusal(updateMeeting(sql, actors["孙丽"], id, input({ date: "2099-06-01" })))).status).toBe(404);
    expect((await refusal(cancelMeeting(sql, actors["孙丽"], id, "不应成功"))).status).toBe(404);
    expect((await refusal(cancelMeeting(sql, actors["刘洋"], id, "不应成功"))).status).toBe(403);
  });

  it("refuses to edit or cancel a meeting that has ended", async () => {
    const id = await t.meeting({
      org: B1,
      kind: "theme_day",
      title: "上月主题党日",
      inMin: -3 * 24 * 60,
      location: "活动室",
      createdBy: null,
      host: DEMO.SEC,
    });
    const e = await refusal(updateMeeting(sql, actors["王建国"], id, input({ date: day() })));
    expect(e).toMatchObject({ status: 409, message: "会议已经结束，不能再修改。" });
    expect((await refusal(cancelMeeting(sql, actors["王建国"], id, "补录"))).status).toBe(409);
  });

  it("cancels with a reason, keeps the row and everything on it, and tells the invitees", async () => {
    const id = await createMeeting(
      sql,
      actors["王建国"],
      org[B1].id,
      input({ date: "2099-07-01", agenda: "学习\n讨论" }),
    );
    const e = await refusal(cancelMeeting(sql, actors["王建国"], id, "   "));
    expect(e).toMatchObject({ status: 400, field: "reason" });

    await cancelMeeting(sql, actors["王建国"], id, "与上级党委集中学习冲突");
    const d = (await meetingDetail(sql, id))!;
    expect(d.status).toBe("cancelled");
    expect(d.cancelledReason).toBe("与上级党委集中学习冲突");
    expect(d.agenda.length).toBe(2);
    expect(d.invitees.length).toBeGreaterThan(0);
    expect(d.history[0]).toMatchObject({
      change: "cancelled",
      detail: expect.objectContaining({ reason: "与上级党委集中学习冲突" }),
    });
    const told = await notificationsOf(id, "meeting.cancelled");
    expect(told.length).toBe(d.invitees.length - 1);
    expect(told[0].title).toBe(
      "取消：主题党日 七月主题党日：重温入党誓词（原定 7月1日 09:00）：与上级党委集中学习冲突",
    );

    expect((await refusal(cancelMeeting(sql, actors["王建国"], id, "再取消一次"))).status).toBe(409);
    const edit = await refusal(updateMeeting(sql, actors["王建国"], id, input({ date: "2099-07-02" })));
    expect(edit.status).toBe(409);
    expect(edit.message).toContain("会议已取消");
    // Still listed, marked, for those who look at the branch.
    expect((await upcomingForOrg(sql, org[B1].id, 50)).find((m) => m.id === id)?.status).toBe("cancelled");
  });
});

const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

describe("file materials", () => {
  let meetingId: string;
  beforeAll(async () => {
    meetingId = await createMeeting(sql, actors["王建国"], org[B1].id, input({ date: "2099-08-01" }));
  });

  it("stores a PDF with the type we serve it as", async () => {
    const id = await addFileMaterial(sql, actors["王建国"], meetingId, {
      name: "C:\\资料\\党章学习.pdf",
      mime: "",
      bytes: PDF,
    });
    const [m] = await sql<{ title: string; mime: string; size: number }[]>`
      select mm.title, f.mime, f.size from meeting_materials mm join files f on f.id = mm.file_id where mm.id = ${id}`;
    expect(m).toEqual({ title: "党章学习.pdf", mime: "application/pdf", size: PDF.byteLength });
  });

  it("refuses a file over 20 MB and stores nothing", async () => {
    const before = [await count("files"), await count("meeting_materials")];
    const big = new Uint8Array(20 * 1024 * 1024 + 1);
    big.set(PDF);
    const e = await refusal(
      addFileMaterial(sql, actors["王建国"], meetingId, { name: "大文件.pdf", mime: "application/pdf", bytes: big }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toContain("文件太大：单个资料不能超过 20 MB");
    expect([await count("files"), await count("meeting_materials")]).toEqual(before);
  });

  it.each([
    ["setup.exe", "application/octet-stream"],
    ["page.html", "text/html"],
    ["logo.svg", "image/svg+xml"],
    ["无扩展名", ""],
  ])("refuses %s as an unsupported type", async (name, mime) => {
    const e = await refusal(addFileMaterial(sql, actors["王建国"], meetingId, { name, mime, bytes: PDF }));
    expect(e.status).toBe(400);
    expect(e.message).toContain("不支持的文件类型：仅支持 PDF、Word、PowerPoint、图片和文本文件");
  });

  it("refuses a page renamed to .pdf, and an upload with one bad file stores none of it", async () => {
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const renamed = await refusal(
      addFileMaterial(sql, actors["王建国"], meetingId, { name: "通知.pdf", mime: "application/pdf", bytes: html }),
    );
    expect(renamed.message).toContain("文件内容与扩展名不符");
    const before = await count("files");
    await refusal(
      addFileMaterials(sql, actors["王建国"], meetingId, [
        { name: "合影.png", mime: "image/png", bytes: PNG },
        { name: "脚本.js", mime: "text/javascript", bytes: html },
      ]),
    );
    expect(await count("files")).toBe(before);
  });

  it("accepts Word, PowerPoint, images and text, converting GB18030 text to UTF-8", async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]);
    const jpg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0]);
    const webp = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ");
    const gbk = new Uint8Array([0xd1, 0xa7, 0xcf, 0xb0, 0xb5, 0xb3, 0xd5, 0xc2]); // "学习党章" in GB18030
    const ids = await addFileMaterials(sql, actors["李秀英"], meetingId, [
      { name: "发言稿.docx", mime: "", bytes: zip },
      { name: "旧版.doc", mime: "", bytes: ole },
      { name: "课件.pptx", mime: "", bytes: zip },
      { name: "旧课件.PPT", mime: "", bytes: ole },
      { name: "现场.JPG", mime: "", bytes: jpg },
      { name: "海报.webp", mime: "", bytes: webp },
      { name: "提纲.txt", mime: "", bytes: gbk },
    ]);
    expect(ids.length).toBe(7);
    const [text] = await sql<{ data: Uint8Array; mime: string }[]>`
      select f.data, f.mime from files f join meeting_materials mm on mm.file_id = f.id where mm.id = ${ids[6]}`;
    expect(new TextDecoder().decode(text.data)).toBe("学习党章");
    expect(text.mime).toBe("text/plain; charset=utf-8");
  });

  it("lets only the organisation's managers upload", async () => {
    const e = await refusal(addFileMaterial(sql, actors["刘洋"], meetingId, { name: "a.pdf", mime: "", bytes: PDF }));
    expect(e.status).toBe(403);
    expect(
      (await refusal(addFileMaterial(sql, actors["孙丽"], meetingId, { name: "a.pdf", mime: "", bytes: PDF }))).status,
    ).toBe(404);
  });
});

describe("over HTTP", () => {
  let branchMeeting: string;
  let groupMeeting: string;
  beforeAll(async () => {
    branchMeeting = await createMeeting(sql, actors["王建国"], org[B1].id, input({ date: "2099-09-01" }));
    groupMeeting = await createMeeting(
      sql,
      actors["王建国"],
      org[G1].id,
      input({ date: "2099-09-02", kind: "group_meeting", recorderId: "", hostId: user["张伟"] }),
    );
  });

  /** The answer and its bytes (files are binary). */
  const fetchBytes = async (path: string, who?: string) => {
    const res = await t.http.get(path, who ? USERNAME[who] : null);
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };
  const upload = async (meetingId: string, name: string, bytes: Uint8Array, type: string) => {
    const form = new FormData();
    form.set("intent", "upload");
    form.append("files", new File([new Uint8Array(bytes)], name, { type }));
    const res = await t.http.post(`/meetings/${meetingId}/edit`, form, DEMO.SEC);
    return { res, text: await res.text() };
  };
  const fileIdOf = async (meetingId: string, title: string) =>
    (
      await sql<{ id: string }[]>`
        select file_id as id from meeting_materials where meeting_id = ${meetingId} and title = ${title}`
    )[0].id;

  it("serves a material only to those who may read its meeting, inline, with its type and nosniff", async () => {
    const up = await upload(branchMeeting, "学习 材料.pdf", PDF, "application/pdf");
    expect(up.res.status).toBe(200);
    expect(up.text).toContain("已上传 1 份资料");
    const fileId = await fileIdOf(branchMeeting, "学习 材料.pdf");

    for (const who of ["王建国", "刘洋", "周志强"]) {
      const { res, body } = await fetchBytes(`/files/${fileId}`, who);
      expect(res.status, who).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-disposition")).toBe(
        `inline; filename="__ __.pdf"; filename*=UTF-8''${encodeURIComponent("学习 材料.pdf")}`,
      );
      expect(new Uint8Array(body)).toEqual(PDF);
    }
    expect((await fetchBytes(`/files/${fileId}`, "吴刚")).res.status).toBe(404);
    expect((await fetchBytes(`/files/${crypto.randomUUID()}`, "刘洋")).res.status).toBe(404);
    expect((await fetchBytes(`/files/not-a-uuid`, "刘洋")).res.status).toBe(404);
    const out = await fetchBytes(`/files/${fileId}`);
    expect(out.res.status).toBe(302);
    expect(out.res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/files/${fileId}`)}`);
  });

  it("keeps a group meeting's material within the group (and the reviewers above)", async () => {
    await upload(groupMeeting, "小组资料.png", PNG, "image/png");
    const fileId = await fileIdOf(groupMeeting, "小组资料.png");
    expect((await fetchBytes(`/files/${fileId}`, "刘洋")).res.status).toBe(200);
    expect((await fetchBytes(`/files/${fileId}`, "刘洋")).res.headers.get("content-type")).toBe("image/png");
    expect((await fetchBytes(`/files/${fileId}`, "杨帆")).res.status).toBe(404); // second group
    expect((await fetchBytes(`/files/${fileId}`, "吴刚")).res.status).toBe(404);
  });

  it("answers an oversized or unsupported upload in Chinese on the page", async () => {
    const bad = await upload(branchMeeting, "病毒.exe", PDF, "application/octet-stream");
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain("不支持的文件类型");
  });

  it("opens the scheduling pages to managers only: 403 for a member, 404 for another branch", async () => {
    expect((await fetchBytes(`/orgs/${org[B1].id}/meetings/new`, "王建国")).res.status).toBe(200);
    expect((await fetchBytes(`/orgs/${org[B1].id}/meetings/new`, "刘洋")).res.status).toBe(403);
    expect((await fetchBytes(`/orgs/${org[B1].id}/meetings/new`, "吴刚")).res.status).toBe(404);
    expect((await fetchBytes(`/orgs/${org[B2].id}/meetings/new`, "王建国")).res.status).toBe(404);
    const edit = await fetchBytes(`/meetings/${branchMeeting}/edit`, "王建国");
    expect(edit.res.status).toBe(200);
    // Its own page, not the meeting page it sits under.
    expect(edit.body.toString()).toContain("编辑会议");
    expect((await fetchBytes(`/meetings/${branchMeeting}`, "王建国")).body.toString()).toContain("编辑/改期/取消");
    expect((await fetchBytes(`/meetings/${branchMeeting}`, "刘洋")).body.toString()).not.toContain("编辑/改期/取消");
    expect((await fetchBytes(`/meetings/${branchMeeting}/edit`, "刘洋")).res.status).toBe(403);
    expect((await fetchBytes(`/meetings/${branchMeeting}/edit`, "吴刚")).res.status).toBe(404);
  });

  it("posts the form without JavaScript: a bad time keeps what was typed; a good one goes to the meeting", async () => {
    const path = `/orgs/${org[B1].id}/meetings/new`;
    const body = new URLSearchParams({
      ...(fields({ title: "没有脚本也能安排", date: "2099-10-10", startTime: "16:00", endTime: "15:00" }) as Record<
        string,
        string
      >),
      inviteesShown: "1",
      intent: "create",
    });
    body.append("invitees", user["刘洋"]);
    body.append("guests", user["冯雪"]);
    const post = () => t.http.post(path, body, DEMO.SEC);
    const before = await count("meetings");
    const res = await post();
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("结束时间应晚于开始时间");
    expect(html).toContain('value="没有脚本也能安排"');
    expect(await count("meetings")).toBe(before);

    body.set("endTime", "17:00");
    const ok = await post();
    expect(ok.status).toBe(302);
    const id = ok.headers.get("location")!.replace("/meetings/", "");
    const d = (await meetingDetail(sql, id))!;
    expect(d.invitees.map((i) => [i.displayName, i.role])).toEqual([
      ["刘洋", "attendee"],
      ["冯雪", "guest"],
    ]);
    // 「按会议类型重新生成名单」 without JavaScript: the 党课 list, with everything typed kept.
    const again = new URLSearchParams(body);
    again.set("kind", "party_lecture");
    again.set("intent", "defaults");
    again.append("intent", "create");
    const regenerated = await t.http.post(path, again, DEMO.SEC);
    expect(regenerated.status).toBe(200);
    const page = await regenerated.text();
    expect(page).toContain("已按会议类型重新生成参会名单");
    expect(page).toContain('value="没有脚本也能安排"');
    const ticked = (name: string, id: string) =>
      new RegExp(`<input type="checkbox" name="${name}"[^>]* checked=""[^>]* value="${id}"`).test(page);
    expect(ticked("invitees", user["郑华"])).toBe(true);
    expect(ticked("guests", user["冯雪"])).toBe(true);
    expect(ticked("guests", user["刘洋"])).toBe(false);

    // A member may not post it.
    const member = await t.http.post(path, body, DEMO.LIU);
    expect(member.status).toBe(403);
  });
});
