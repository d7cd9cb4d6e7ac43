import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { complianceReport } from "../../server/services/oversight/compliance";
import { findOrg } from "../../server/services/people/orgs";
import { signIn, startTestServer, type TestServer } from "../setup/server";
import { appendParagraph, connectClient } from "../setup/yclient";

let s: TestServer;
const user: Record<string, string> = {};
let branchId: string;

beforeAll(async () => {
  s = await startTestServer();
  const sql = s.app.db.sql;
  for (const u of await sql<{ id: string; username: string }[]>`select id, username from users`)
    user[u.username] = u.id;
  [{ id: branchId }] = await sql<{ id: string }[]>`select id from organizations where name = '机关第一党支部'`;
});
afterAll(async () => {
  await s?.stop();
});

const DAY = 86_400_000;

describe("the secretary's compliance report", () => {
  it("counts held meetings, lists minutes due and repeated unexcused absences, and is for managers only", async () => {
    const sql = s.app.db.sql;
    const now = new Date();
    // Three past branch meetings this year: 杨帆 missed all three, 黄磊 two and had leave for one,
    // 刘洋 came. Minutes were written for the first only.
    const ids: string[] = [];
    for (const daysAgo of [3, 2, 1]) {
      const start = new Date(now.getTime() - daysAgo * DAY);
      const [m] = await sql<{ id: string }[]>`
        insert into meetings (org_id, kind, title, starts_at, ends_at)
        values (${branchId}, 'theme_day', ${`主题党日 ${daysAgo} 天前`}, ${start}, ${new Date(start.getTime() + 2 * 3600_000)})
        returning id`;
      ids.push(m.id);
      for (const u of ["13800000004", "13800000006", "13800000008"])
        await sql`insert into meeting_invitees (meeting_id, user_id) values (${m.id}, ${user[u]})`;
      await sql`insert into attendance (meeting_id, user_id, status, via) values (${m.id}, ${user["13800000004"]}, 'present', 'code')`;
    }
    await sql`insert into leave_requests (meeting_id, user_id, reason, status)
              values (${ids[0]}, ${user["13800000008"]}, '出差', 'approved')`;
    // Minutes: the secretary writes in the first meeting's; the second's page is only opened, which
    // stores the outline the system seeds. Only the first has minutes.
    const secretaryCookie = await signIn(s.url, "13800000001");
    const writer = connectClient(s.url, `meeting.${ids[0]}.minutes`, secretaryCookie);
    const opener = connectClient(s.url, `meeting.${ids[1]}.minutes`, secretaryCookie);
    await Promise.all([writer.synced(), opener.synced()]);
    expect(opener.text()).toContain("会议决议"); // the seeded outline
    appendParagraph(writer.doc, "会议学习了党章第一章，大家结合工作谈了体会。");
    const org = (await findOrg(sql, branchId))!;
    const withoutMinutes = async () =>
      (await complianceReport(sql, org, now)).withoutMinutes
        .map((m) => m.id)
        .filter((id) => ids.includes(id))
        .sort();
    // Once the written paragraph is stored, only the opened-but-empty minutes are missing.
    await expect.poll(withoutMinutes, { timeout: 10_000 }).toEqual([ids[1], ids[2]].sort());
    writer.destroy();
    opener.destroy();
    await s.app.collab.store.flush();
    expect(await withoutMinutes()).toEqual([ids[1], ids[2]].sort());

    const report = await complianceReport(sql, org, now);
    const held = report.year.kinds.find((k) => k.kind === "theme_day")!;
    expect(held.held).toBeGreaterThanOrEqual(3);
    expect(report.withoutMinutes.map((m) => m.id).sort()).toEqual([ids[1], ids[2]].sort());
    expect(report.absences.map((a) => a.name)).toEqual(["杨帆"]);
    expect(report.absences[0].count).toBe(3);

    const secretary = await signIn(s.url, "13800000001");
    const page = await fetch(`${s.url}/orgs/${branchId}/compliance`, { headers: { cookie: secretary } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("多次缺席，需谈心谈话");
    expect(html).toContain("杨帆");
    const member = await signIn(s.url, "13800000004");
    expect((await fetch(`${s.url}/orgs/${branchId}/compliance`, { headers: { cookie: member } })).status).toBe(403);
    const other = await signIn(s.url, "13800000011");
    expect((await fetch(`${s.url}/orgs/${branchId}/compliance`, { headers: { cookie: other } })).status).toBe(404);
  });
});

describe("local rules", () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const post = (cookie: string, body: URLSearchParams) =>
    fetch(`${s.url}/orgs/${branchId}/settings`, {
      method: "POST",
      headers: { cookie, origin: s.url, "content-type": "application/x-www-form-urlencoded" },
      body,
    });

  it("lets the secretary change the branch's rules, refuses a cadence below the 条例 and non-managers", async () => {
    const secretary = await signIn(s.url, "13800000001");
    const page = await fetch(`${s.url}/orgs/${branchId}/settings`, { headers: { cookie: secretary } });
    expect(page.status).toBe(200);

    const ok = await post(
      secretary,
      form({
        absenceAlertCount: "2",
        lapseWarningDays: "90",
        minutesDueDays: "5",
        "theme_day.weekday": "3",
        "theme_day.nth": "-1",
      }),
    );
    expect(ok.status).toBe(200);
    const org = (await findOrg(s.app.db.sql, branchId))!;
    const report = await complianceReport(s.app.db.sql, org);
    expect(report.settings.absenceAlertCount).toBe(2);
    expect(report.settings.lapseWarningDays).toBe(90);
    expect(report.settings.kinds.theme_day.fixedDay).toEqual({ weekday: 3, nth: -1 });

    // 支部党员大会 must be held at least quarterly: a yearly setting is refused, nothing changes.
    const bad = await post(secretary, form({ "general_assembly.cadence": "yearly", absenceAlertCount: "5" }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("支部党员大会至少应每季度召开一次");
    expect((await complianceReport(s.app.db.sql, org)).settings.absenceAlertCount).toBe(2);

    const member = await signIn(s.url, "13800000004");
    expect((await post(member, form({ absenceAlertCount: "9" }))).status).toBe(403);
    const other = await signIn(s.url, "13800000011");
    expect((await post(other, form({ absenceAlertCount: "9" }))).status).toBe(404);
  });
});
