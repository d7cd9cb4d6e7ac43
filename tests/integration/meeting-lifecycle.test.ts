import { describe, expect, it } from "vitest";
import { chinaParts } from "../../shared/time";
import { DEMO, ORGS, withDemoServer, type MeetingSpec } from "../setup/demo";

// A meeting that has started belongs to the record: it can no longer be rescheduled or cancelled
// (the minutes, the calendar and the notices would disagree); its place and the wording of its
// agenda may still be corrected, with a reason kept in its history.

const { SEC, ORG, LIU, CHEN } = DEMO;

const t = withDemoServer();

const tomorrow = () => chinaParts(new Date(Date.now() + 86_400_000)).date;

/** The edit form as the browser posts it. */
const form = (over: Record<string, string> = {}) => ({
  intent: "save",
  kind: "general_assembly",
  title: "测试会议",
  date: tomorrow(),
  startTime: "09:00",
  endTime: "10:30",
  location: "党员活动室",
  onlineUrl: "",
  hostId: t.ids.user[SEC],
  recorderId: t.ids.user[ORG],
  agenda: "学习\n讨论",
  links: "",
  ...over,
});

const meeting = (over: Partial<MeetingSpec> = {}) =>
  t.meeting({
    org: ORGS.B1,
    inMin: -30,
    host: SEC,
    recorder: ORG,
    attendees: [SEC, ORG, LIU, CHEN],
    agenda: ["学习", "讨论"],
    ...over,
  });

const row = async (id: string) =>
  (
    await t.sql<{ starts_at: Date; status: string; location: string }[]>`
    select starts_at, status, location from meetings where id = ${id}`
  )[0];
const notices = async (id: string) =>
  (
    await t.sql`select 1 from notifications where link = ${`/meetings/${id}`} and kind in ('meeting.rescheduled', 'meeting.cancelled')`
  ).length;

describe("a meeting that has started", () => {
  it("cannot be moved to another day once started and ended early", async () => {
    const m = await meeting({ started: true, ended: true });
    const before = await row(m);
    const res = await t.http.post(`/meetings/${m}/edit`, form(), SEC);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("会议已经开始");
    expect((await row(m)).starts_at).toEqual(before.starts_at);
    expect(await notices(m)).toBe(0);
  });

  it("cannot be moved while it is under way", async () => {
    const m = await meeting({ started: true });
    const res = await t.http.post(`/meetings/${m}/edit`, form({ startTime: "15:00", endTime: "16:00" }), SEC);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("会议已经开始");
    expect(await notices(m)).toBe(0);
  });

  it("cannot be cancelled", async () => {
    const m = await meeting({ started: true, ended: true });
    const res = await t.http.post(`/meetings/${m}/edit`, { intent: "cancel", reason: "改期" }, SEC);
    expect(res.status).toBe(409);
    expect((await row(m)).status).toBe("scheduled");
    expect(await notices(m)).toBe(0);
  });

  it("has its place and agenda wording corrected, with the reason in its history", async () => {
    const m = await meeting({ started: true, ended: true });
    const res = await t.http.post(
      `/meetings/${m}/edit`,
      { intent: "correct", location: "二楼会议室", onlineUrl: "", agenda: "学习党章\n讨论", reason: "地点写错了" },
      SEC,
    );
    expect(res.status).toBe(200);
    expect((await row(m)).location).toBe("二楼会议室");
    const agenda = await t.sql<{ title: string }[]>`
      select title from meeting_agenda_items where meeting_id = ${m} order by position`;
    expect(agenda.map((a) => a.title)).toEqual(["学习党章", "讨论"]);
    const [h] = await t.sql<{ change: string; detail: { reason: string; fields: string[] } }[]>`
      select change, detail from meeting_history where meeting_id = ${m}`;
    expect(h.change).toBe("corrected");
    expect(h.detail.reason).toBe("地点写错了");
    expect(h.detail.fields.sort()).toEqual(["agenda", "location"]);
    // The agenda keeps its items (votes and the minutes refer to them): no adding or removing.
    const more = await t.http.post(
      `/meetings/${m}/edit`,
      { intent: "correct", location: "二楼会议室", onlineUrl: "", agenda: "学习党章\n讨论\n新增", reason: "补一项" },
      SEC,
    );
    expect(more.status).toBe(400);
    // A correction needs a reason.
    const bare = await t.http.post(
      `/meetings/${m}/edit`,
      { intent: "correct", location: "三楼", onlineUrl: "", agenda: "学习党章\n讨论", reason: "" },
      SEC,
    );
    expect(bare.status).toBe(400);
    expect((await row(m)).location).toBe("二楼会议室");
  });

  it("is offered no 改期 or 取消 on its edit page, but the correction", async () => {
    const m = await meeting({ started: true });
    const html = await (await t.http.get(`/meetings/${m}/edit`, SEC)).text();
    expect(html).not.toContain('value="cancel"');
    expect(html).not.toContain('value="save"');
    expect(html).toContain('value="correct"');
  });
});

describe("a meeting that has not started", () => {
  it("is still rescheduled as before", async () => {
    const m = await meeting({ inMin: 24 * 60 });
    const res = await t.http.post(
      `/meetings/${m}/edit`,
      form({ date: chinaParts(new Date(Date.now() + 3 * 86_400_000)).date }),
      SEC,
    );
    expect(res.status).toBe(302);
    expect(await notices(m)).toBeGreaterThan(0);
  });
});
