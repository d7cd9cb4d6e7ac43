import { expect, it } from "vitest";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Why someone was absent, late or corrected can be private (illness, family): on the attendance
// page the reasons of leave and of corrections alike are shown to those who run the session and to
// the person concerned; other members see the status only (docs/decisions/019).

const { SEC, LIU, CHEN, HUANG } = DEMO;
const t = withDemoServer();

it("shows correction and leave reasons only to the session's runners and the person concerned", async () => {
  const sql = t.sql;
  const m = await t.meeting({
    org: ORGS.B1,
    inMin: -30,
    host: SEC,
    attendees: [SEC, LIU, CHEN, HUANG],
    started: true,
  });
  const http = t.http;
  const fix = { intent: "correct", userId: t.ids.user[CHEN], status: "left_early", reason: "身体不适提前离开" };
  expect((await http.post(`/meetings/${m}/attendance`, fix, SEC)).status).toBe(200);
  await sql`insert into leave_requests (meeting_id, user_id, reason, status, decided_by, decided_at)
            values (${m}, ${t.ids.user[HUANG]}, '母亲住院陪护', 'approved', ${t.ids.user[SEC]}, now())`;
  const page = async (who: string) =>
    (await (await http.get(`/meetings/${m}/attendance`, who)).text()).replace(/<script[\s\S]*?<\/script>/g, "");
  const member = await page(LIU);
  expect(member).not.toContain("身体不适提前离开");
  expect(member).not.toContain("母亲住院陪护");
  expect(member).toContain("早退");
  const chen = await page(CHEN);
  expect(chen).toContain("身体不适提前离开");
  expect(chen).not.toContain("母亲住院陪护");
  const host = await page(SEC);
  expect(host).toContain("身体不适提前离开");
  expect(host).toContain("母亲住院陪护");
});
