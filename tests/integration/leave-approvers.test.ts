import { describe, expect, it } from "vitest";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Who is told of a leave request: exactly those who may decide it (shared/permissions'
// leaveDecisionAccess), never a reviewer above who may only read the meeting.

const t = withDemoServer();

async function toldOfLeave(meetingId: string): Promise<string[]> {
  const rows = await t.sql<{ username: string }[]>`
    select u.username from notifications n join users u on u.id = n.user_id
    where n.kind = 'leave.requested' and n.link = ${`/meetings/${meetingId}/attendance`}
    order by u.username`;
  return rows.map((r) => r.username);
}

describe("a leave request", () => {
  it("at a branch meeting reaches the branch's managers, the host and the requester's 党小组长, not the 党委 reviewer", async () => {
    const meetingId = await t.meeting({
      org: ORGS.B1,
      inMin: 24 * 60,
      host: DEMO.SEC,
      attendees: [DEMO.SEC, DEMO.LIU, DEMO.CHEN, DEMO.YANG],
    });
    const res = await t.http.post(
      `/meetings/${meetingId}/attendance`,
      { intent: "leave", reason: "出差在外" },
      DEMO.LIU,
    );
    expect(res.status).toBeLessThan(400);
    const told = await toldOfLeave(meetingId);
    expect(told).toContain(DEMO.SEC); // 书记, the host
    expect(told).toContain(DEMO.ORG); // 组织委员
    expect(told).toContain(DEMO.LEADER); // 第一党小组长, 刘洋's group
    expect(told).not.toContain(DEMO.REVIEWER); // 党委组织委员: reads, does not decide
    expect(told).not.toContain(DEMO.LIU);
    // Each one told may indeed decide it.
    const [leave] = await t.sql<{ id: string }[]>`
      select id from leave_requests where meeting_id = ${meetingId}`;
    const refused = await t.http.post(
      `/meetings/${meetingId}/attendance`,
      { intent: "decide", leaveId: leave.id, approve: "yes", note: "" },
      DEMO.REVIEWER,
    );
    expect(refused.status).toBe(404);
  });
});
