import { beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import { createMeetings } from "../../server/services/calendar/bulk-schedule";
import { loadSubject } from "../../server/services/people/subjects";
import { chinaDateKey } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Issue 14 item 13: one default 主持人 and 记录人, from the organisation's roles, whoever schedules;
// only people who have activated their account are offered to chair or record.

let inactiveId: string;

const t = withDemoServer();

beforeAll(async () => {
  // A 正式党员 of the branch added by the secretary who has not set a password yet.
  const [u] = await t.sql<{ id: string }[]>`
    insert into users (username, display_name, category) values ('13800000099', '钱未激活', 'full') returning id`;
  inactiveId = u.id;
  await t.sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${t.ids.org[ORGS.B1]}, 'member')`;
});

/** The options of a <select name=…> and the one selected, from the server-rendered page. */
function select(html: string, name: string): { options: string[]; selected: string | null } {
  const m = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!m) throw new Error(`no select ${name}`);
  const options = [...m[1].matchAll(/<option[^>]*value="([^"]*)"[^>]*>/g)].map((o) => o[1]).filter(Boolean);
  const sel =
    /<option[^>]*value="([^"]*)"[^>]*selected=""/.exec(m[1]) ?? /<option selected=""[^>]*value="([^"]*)"/.exec(m[1]);
  return { options, selected: sel ? sel[1] : null };
}

async function newMeetingPage(who: string, orgName = ORGS.B1): Promise<string> {
  const res = await t.http.get(`/orgs/${t.ids.org[orgName]}/meetings/new`, who);
  expect(res.status).toBe(200);
  return res.text();
}

describe("the new-meeting page proposes one 主持人 and 记录人", () => {
  it("is the same for the 书记 and the 组织委员: the 书记 chairs, the 组织委员 records", async () => {
    for (const who of [DEMO.SEC, DEMO.ORG]) {
      const html = await newMeetingPage(who);
      expect(select(html, "hostId").selected, `host proposed to ${who}`).toBe(t.ids.user[DEMO.SEC]);
      expect(select(html, "recorderId").selected, `recorder proposed to ${who}`).toBe(t.ids.user[DEMO.ORG]);
    }
  });

  it("offers only activated people as 主持人 or 记录人, while they stay on the invitee list", async () => {
    const html = await newMeetingPage(DEMO.ORG);
    expect(select(html, "hostId").options).not.toContain(inactiveId);
    expect(select(html, "recorderId").options).not.toContain(inactiveId);
    expect(select(html, "hostId").options).toContain(t.ids.user[DEMO.LIU]);
    expect(html).toContain(`value="${inactiveId}"`); // the checklist
  });

  it("refuses an unactivated 主持人 posted anyway, with a Chinese message and 400", async () => {
    const day = chinaDateKey(new Date(Date.now() + 20 * 86_400_000));
    const res = await t.http.post(
      `/orgs/${t.ids.org[ORGS.B1]}/meetings/new`,
      {
        intent: "create",
        kind: "theme_day",
        title: "主题党日",
        date: day,
        startTime: "09:00",
        endTime: "10:00",
        location: "活动室",
        onlineUrl: "",
        hostId: inactiveId,
        recorderId: "",
        agenda: "",
        links: "",
      },
      DEMO.SEC,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("主持人还没有激活账号");
  });
});

describe("the annual plan and series take the same default", () => {
  it("falls back to the 副书记 when the 书记 has not activated, on the page and in the plan alike", async () => {
    const [b] = await t.sql<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${t.ids.org[ORGS.COMMITTEE]}, 'branch', '新建党支部')
      returning id`;
    const person = async (username: string, name: string, role: string, activated: boolean) => {
      const [u] = await t.sql<{ id: string }[]>`
        insert into users (username, display_name, password_hash, category)
        values (${username}, ${name}, ${activated ? "x" : null}, 'full') returning id`;
      await t.sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${b.id}, ${role})`;
      return u.id;
    };
    await person("13800000090", "甲书记", "secretary", false);
    const deputy = await person("13800000091", "乙副书记", "deputy_secretary", true);
    const recorder = await person("13800000092", "丙组织委员", "organization_member", true);
    await person("13800000093", "丁党员", "member", true);

    // The 党委's 组织委员 manages the new branch from above, but does not convene it: use the deputy.
    const actor = { userId: deputy, subject: await loadSubject(t.sql, deputy), address: "198.51.100.9" };
    const start = new Date(Date.now() + 30 * 86_400_000);
    const [id] = await t.sql.begin(async (tx) =>
      createMeetings(
        tx as unknown as Sql,
        actor,
        [
          {
            orgId: b.id,
            kind: "committee_meeting",
            title: "支委会",
            startsAt: start,
            endsAt: new Date(start.getTime() + 3_600_000),
            location: "会议室",
            onlineUrl: null,
          },
        ],
        { source: "plan", summary: "新建党支部年度计划" },
      ),
    );
    const [m] = await t.sql<{ host_id: string; recorder_id: string | null }[]>`
      select host_id, recorder_id from meetings where id = ${id}`;
    expect(m).toEqual({ host_id: deputy, recorder_id: recorder });
  });
});
