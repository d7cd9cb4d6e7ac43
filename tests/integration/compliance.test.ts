import { describe, expect, it } from "vitest";
import { complianceReport } from "../../server/services/oversight/compliance";
import { findOrg } from "../../server/services/people/orgs";
import { appendParagraph, connectClient } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

const t = withDemoServer();
const branchId = () => t.ids.org[ORGS.B1];

const DAY = 86_400_000;

describe("the secretary's compliance report", () => {
  it("counts held meetings, lists minutes due and repeated unexcused absences, and is for managers only", async () => {
    const sql = t.sql;
    const now = new Date();
    // Three past branch meetings this year: 杨帆 missed all three, 黄磊 two and had leave for one,
    // 刘洋 came. Minutes were written for the first only.
    const ids: string[] = [];
    for (const daysAgo of [3, 2, 1]) {
      const start = new Date(now.getTime() - daysAgo * DAY);
      const m = await t.meeting({
        org: ORGS.B1,
        kind: "theme_day",
        title: `主题党日 ${daysAgo} 天前`,
        start,
        minutes: 120,
        location: null,
        createdBy: null,
        host: null,
        attendees: [DEMO.LIU, DEMO.YANG, DEMO.HUANG],
      });
      ids.push(m);
      await sql`insert into attendance (meeting_id, user_id, status, via) values (${m}, ${t.ids.user[DEMO.LIU]}, 'present', 'code')`;
    }
    await sql`insert into leave_requests (meeting_id, user_id, reason, status)
              values (${ids[0]}, ${t.ids.user[DEMO.HUANG]}, '出差', 'approved')`;
    // Minutes: the secretary writes in the first meeting's; the second's page is only opened, which
    // stores the outline the system seeds. Only the first has minutes.
    const secretaryCookie = await t.http.cookie(DEMO.SEC);
    const writer = connectClient(t.url, `meeting.${ids[0]}.minutes`, secretaryCookie);
    const opener = connectClient(t.url, `meeting.${ids[1]}.minutes`, secretaryCookie);
    await Promise.all([writer.synced(), opener.synced()]);
    expect(opener.text()).toContain("会议决议"); // the seeded outline
    appendParagraph(writer.doc, "会议学习了党章第一章，大家结合工作谈了体会。");
    const org = (await findOrg(sql, branchId()))!;
    const withoutMinutes = async () =>
      (await complianceReport(sql, org, now)).withoutMinutes
        .map((m) => m.id)
        .filter((id) => ids.includes(id))
        .sort();
    // Once the written paragraph is stored, only the opened-but-empty minutes are missing.
    await expect.poll(withoutMinutes, { timeout: 10_000 }).toEqual([ids[1], ids[2]].sort());
    writer.destroy();
    opener.destroy();
    await t.app.collab.store.flush();
    expect(await withoutMinutes()).toEqual([ids[1], ids[2]].sort());

    const report = await complianceReport(sql, org, now);
    const held = report.year.kinds.find((k) => k.kind === "theme_day")!;
    expect(held.held).toBeGreaterThanOrEqual(3);
    expect(report.withoutMinutes.map((m) => m.id).sort()).toEqual([ids[1], ids[2]].sort());
    expect(report.absences.map((a) => a.name)).toEqual(["杨帆"]);
    expect(report.absences[0].count).toBe(3);

    const page = await t.http.get(`/orgs/${branchId()}/compliance`, DEMO.SEC);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("多次缺席，需谈心谈话");
    expect(html).toContain("杨帆");
    expect((await t.http.get(`/orgs/${branchId()}/compliance`, DEMO.LIU)).status).toBe(403);
    expect((await t.http.get(`/orgs/${branchId()}/compliance`, DEMO.WU)).status).toBe(404);
  });
});

describe("local rules", () => {
  const settings = () => `/orgs/${branchId()}/settings`;

  it("lets the secretary change the branch's rules, refuses a cadence below the 条例 and non-managers", async () => {
    const page = await t.http.get(`/orgs/${branchId()}/settings`, DEMO.SEC);
    expect(page.status).toBe(200);

    const ok = await t.http.post(
      settings(),
      {
        absenceAlertCount: "2",
        lapseWarningDays: "90",
        minutesDueDays: "5",
        "theme_day.weekday": "3",
        "theme_day.nth": "-1",
      },
      DEMO.SEC,
    );
    expect(ok.status).toBe(200);
    const org = (await findOrg(t.sql, branchId()))!;
    const report = await complianceReport(t.sql, org);
    expect(report.settings.absenceAlertCount).toBe(2);
    expect(report.settings.lapseWarningDays).toBe(90);
    expect(report.settings.kinds.theme_day.fixedDay).toEqual({ weekday: 3, nth: -1 });

    // 支部党员大会 must be held at least quarterly: a yearly setting is refused, nothing changes.
    const bad = await t.http.post(
      settings(),
      { "general_assembly.cadence": "yearly", absenceAlertCount: "5" },
      DEMO.SEC,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("支部党员大会至少应每季度召开一次");
    expect((await complianceReport(t.sql, org)).settings.absenceAlertCount).toBe(2);

    expect((await t.http.post(settings(), { absenceAlertCount: "9" }, DEMO.LIU)).status).toBe(403);
    expect((await t.http.post(settings(), { absenceAlertCount: "9" }, DEMO.WU)).status).toBe(404);
  });
});
