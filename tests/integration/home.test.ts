import { expect, it } from "vitest";
import { DEMO, MIN, ORGS, withDemoServer } from "../setup/demo";

// Home shows what needs the person now (leave to approve, 心得体会 to review, a meeting to close,
// their own 心得体会 and 补学) and the next few meetings, not every meeting of the year.

const { SEC, LIU, CHEN, HUANG } = DEMO;
const t = withDemoServer();

const visible = async (who: string) =>
  (await (await t.http.get("/", who)).text()).replace(/<script[\s\S]*?<\/script>/g, "");

it("lists the secretary's to-dos and only the next five meetings", async () => {
  const sql = t.sql;
  // A year's plan: 30 meetings ahead.
  for (let i = 1; i <= 30; i++)
    await t.meeting({
      org: ORGS.B1,
      title: `计划中的学习 ${i}`,
      inMin: i * 7 * 24 * 60,
      attendees: [SEC, LIU],
    });
  const soon = await t.meeting({
    org: ORGS.B1,
    title: "请假的那次会",
    inMin: 2 * 24 * 60,
    attendees: [SEC, LIU],
  });
  await sql`insert into leave_requests (meeting_id, user_id, reason) values (${soon}, ${t.ids.user[LIU]}, '出差')`;
  const held = await t.meeting({
    org: ORGS.B1,
    title: "已开过的学习",
    inMin: -180,
    minutes: 60,
    attendees: [SEC, LIU, CHEN, HUANG],
    started: true,
  });
  await sql`insert into reflections (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
            values (${held}, ${t.ids.user[LIU]}, 'submitted', '体会', 2, now())`;
  await sql`insert into makeup_tasks (meeting_id, user_id) values (${held}, ${t.ids.user[HUANG]})`;
  const html = await visible(SEC);
  expect(html).toContain("审批刘洋的请假");
  expect(html).toContain("审阅 1 篇心得体会");
  expect(html).toContain("结束考勤并安排补学");
  expect((html.match(/计划中的学习/g) ?? []).length).toBeLessThanOrEqual(5);
  expect(html).toContain("在日历中查看全部安排");
  // The member's own: a 心得体会 to write (陈静), 补学 (黄磊); nothing of the secretary's.
  const chen = await visible(CHEN);
  expect(chen).toContain("撰写心得体会");
  expect(chen).not.toContain("审批");
  expect(await visible(HUANG)).toContain("补学");
  void MIN;
});
