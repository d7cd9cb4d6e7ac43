import { beforeAll, describe, expect, it } from "vitest";
import { proposePlan } from "../../server/services/calendar/annual-plan";
import { complianceReport } from "../../server/services/oversight/compliance";
import { saveOrgSettings } from "../../server/services/people/org-settings";
import { findOrg, type Org } from "../../server/services/people/orgs";
import { defaultInvitees } from "../../server/services/calendar/invitees";
import { kindsFor } from "../../server/services/calendar/schedule-checks";
import { loadSubject } from "../../server/services/people/subjects";
import { chinaDateKey, chinaTime } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Issue 14 item 12: a 党委 is not a branch. It holds its own meetings (党委会, 理论学习中心组学习,
// its 书记's 党课 to the branches; a 党员代表大会 once turned on), invites its own committee, is
// judged on its own obligations and speaks of itself; its overview shows its leaders' 双重组织生活.

let committee: Org;
let secretaryId: string;

const text = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");

const t = withDemoServer();

beforeAll(async () => {
  committee = (await findOrg(t.sql, t.ids.org[ORGS.COMMITTEE]))!;
  // A 党委书记 who also takes part in 第一党小组 as an ordinary member (双重组织生活).
  const [u] = await t.sql<{ id: string }[]>`
    insert into users (username, display_name, password_hash, category)
    values ('13800000088', '高书记', 'x', 'full') returning id`;
  secretaryId = u.id;
  await t.sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${committee.id}, 'secretary')`;
  await t.sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${t.ids.org[ORGS.G1]}, 'member')`;
});

describe("a 党委's own meetings", () => {
  it("offers its own kinds, not a branch's; the 党员代表大会 only once turned on", async () => {
    expect(await kindsFor(t.sql, committee)).toEqual([
      "party_committee",
      "central_study",
      "party_lecture",
      "leadership_life_meeting",
    ]);
    const page = await text(await t.http.get(`/orgs/${committee.id}/meetings/new`, DEMO.REVIEWER));
    expect(page).toContain("党委会");
    expect(page).toContain("理论学习中心组学习");
    expect(page).not.toContain("支部党员大会");
    expect(page).not.toContain(">支委会<");

    const actor = {
      userId: t.ids.user[DEMO.REVIEWER],
      subject: await loadSubject(t.sql, t.ids.user[DEMO.REVIEWER]),
      address: "198.51.100.9",
    };
    await saveOrgSettings(t.sql, actor, committee.id, { kinds: { party_congress: { enabled: true } } });
    expect(await kindsFor(t.sql, committee)).toContain("party_congress");
    await saveOrgSettings(t.sql, actor, committee.id, {});
    expect(await kindsFor(t.sql, committee)).not.toContain("party_congress");
  });

  it("refuses a branch's kind at 党委 level with a Chinese message", async () => {
    const day = chinaDateKey(new Date(Date.now() + 25 * 86_400_000));
    const res = await t.http.post(
      `/orgs/${committee.id}/meetings/new`,
      {
        intent: "create",
        kind: "general_assembly",
        title: "党员大会",
        date: day,
        startTime: "09:00",
        endTime: "10:00",
        location: "会议室",
        onlineUrl: "",
        hostId: secretaryId,
        recorderId: "",
        agenda: "",
        links: "",
      },
      DEMO.REVIEWER,
    );
    expect(res.status).toBe(400);
    expect(await text(res)).toContain("支部党员大会不是党委召开的会议");
  });

  it("invites its own committee to a 党委会, and every branch to its 书记's 党课; the 党委书记 chairs", async () => {
    const committeeList = (await defaultInvitees(t.sql, committee, "party_committee")).map((i) => i.userId).sort();
    expect(committeeList).toEqual([t.ids.user[DEMO.REVIEWER], secretaryId].sort());
    const lecture = await defaultInvitees(t.sql, committee, "party_lecture");
    const attendees = lecture.filter((i) => i.role === "attendee").map((i) => i.userId);
    expect(attendees).toContain(t.ids.user[DEMO.LIU]); // 机关第一党支部
    expect(attendees).toContain(t.ids.user[DEMO.WU]); // 机关第二党支部
    const page = await text(await t.http.get(`/orgs/${committee.id}/meetings/new?kind=party_lecture`, DEMO.REVIEWER));
    expect(page).toMatch(new RegExp(`<option[^>]*value="${secretaryId}"[^>]*selected=""`));
  });

  it("plans its own year: 党委会 monthly, 中心组学习 every two months, one 党课, one 民主生活会", async () => {
    const year = 2030;
    const plan = await proposePlan(t.sql, committee, year, chinaTime(2029, 12, 1));
    const count = (k: string) => plan.rows.filter((r) => r.kind === k).length;
    expect(count("party_committee")).toBe(12);
    expect(count("central_study")).toBe(6);
    expect(count("party_lecture")).toBe(1);
    expect(count("leadership_life_meeting")).toBe(1);
    expect(
      plan.rows.every((r) =>
        ["party_committee", "central_study", "party_lecture", "leadership_life_meeting"].includes(r.kind),
      ),
    ).toBe(true);
  });
});

describe("its compliance speaks of itself", () => {
  it("counts its own obligations, not its branches' meetings", async () => {
    await t.sql`update organizations set tracking_started_on = '2026-01-01' where id = ${committee.id}`;
    const now = chinaTime(2026, 12, 7, 10);
    const report = await complianceReport(t.sql, (await findOrg(t.sql, committee.id))!, now);
    expect(report.year.kinds.map((k) => k.kind)).toEqual([
      "party_committee",
      "central_study",
      "party_lecture",
      "leadership_life_meeting",
    ]);
    const page = await text(await t.http.get(`/orgs/${committee.id}/compliance`, DEMO.REVIEWER));
    expect(page).toContain("按本党委的规定");
    expect(page).not.toContain("本支部");
    expect(page).toContain("党委会");
    expect(page).not.toContain("主题党日");
  });
});

describe("the overview shows the leaders' 双重组织生活", () => {
  it("lists each 党委 member with where they take part and their attendance", async () => {
    const m = await t.meeting({
      org: ORGS.G1,
      kind: "group_meeting",
      inMin: -300,
      minutes: 60,
      ended: true,
      host: DEMO.LEADER,
    });
    await t.sql`insert into meeting_invitees (meeting_id, user_id, role) values (${m}, ${secretaryId}, 'attendee')`;
    await t.sql`insert into attendance (meeting_id, user_id, status, via) values (${m}, ${secretaryId}, 'present', 'code')`;
    const page = await text(await t.http.get(`/orgs/${committee.id}/overview`, DEMO.REVIEWER));
    expect(page).toContain("班子成员双重组织生活");
    expect(page).toMatch(/高书记[\s\S]*?参加：第一党小组 · 本年度出席 1 \/ 1 次/);
    expect(page).toMatch(/周志强[\s\S]*?尚未编入党支部或党小组/);
  });
});
