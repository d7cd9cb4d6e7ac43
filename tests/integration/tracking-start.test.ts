import { describe, expect, it } from "vitest";
import { complianceReport } from "../../server/services/oversight/compliance";
import { DomainError } from "../../server/services/errors";
import { saveOrgSettings } from "../../server/services/people/org-settings";
import { findOrg } from "../../server/services/people/orgs";
import { oversight } from "../../server/services/oversight/oversight";
import { loadSubject } from "../../server/services/people/subjects";
import { chinaDateKey, chinaTime } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Issue 14 item 11: an organisation is judged from when it (or its tracking in the system) started.
// The demo, created today, owes nothing for the months before it existed.

const t = withDemoServer();

const overdue = (kinds: { overdue: number }[]) => kinds.reduce((n, k) => n + k.overdue, 0);

describe("a fresh demo", () => {
  it("shows nothing 逾期 on any organisation's compliance, nor on the 党委 overview", async () => {
    for (const name of Object.values(ORGS)) {
      const org = (await findOrg(t.sql, t.ids.org[name]))!;
      const report = await complianceReport(t.sql, org);
      expect(overdue(report.year.kinds), `${name} this year`).toBe(0);
      expect(overdue(report.quarter.kinds), `${name} this quarter`).toBe(0);
    }
    const view = await oversight(t.sql, { id: t.ids.org[ORGS.COMMITTEE] });
    expect(view.totals.branchesOverdue).toBe(0);
    expect(view.branches.every((b) => !b.lacking)).toBe(true);
  });

  it("says on the pages from when it counts", async () => {
    const org = (await findOrg(t.sql, t.ids.org[ORGS.B1]))!;
    const [y, m, d] = org.trackingStartedOn.split("-").map(Number);
    const words = `自 ${y}年${m}月${d}日 起统计`;
    const compliance = await (await t.http.get(`/orgs/${org.id}/compliance`, DEMO.SEC)).text();
    expect(compliance.replace(/<!-- -->/g, "")).toContain(words);
    const overview = await t.http.get(`/orgs/${t.ids.org[ORGS.COMMITTEE]}/overview`, DEMO.REVIEWER);
    const html = (await overview.text()).replace(/<!-- -->/g, "");
    expect(html).not.toContain("逾期未开：");
  });
});

describe("the tracking start, set by the branch's managers", () => {
  it("counts the periods that begin on or after it, and refuses a date after today", async () => {
    const [b] = await t.sql<{ id: string }[]>`
      insert into organizations (parent_id, kind, name) values (${t.ids.org[ORGS.COMMITTEE]}, 'branch', '新建第三党支部')
      returning id`;
    const now = chinaTime(2026, 12, 7, 10);
    // Created (and tracked) from 2026-12-07: nothing of the year before is owed.
    await t.sql`update organizations set tracking_started_on = '2026-12-07' where id = ${b.id}`;
    const org = (await findOrg(t.sql, b.id))!;
    const fresh = await complianceReport(t.sql, org, now);
    expect(overdue(fresh.year.kinds)).toBe(0);
    expect(fresh.year.kinds.find((k) => k.kind === "committee_meeting")!.required).toBe(0);

    // The 党委's 组织委员 manages the branch from above: moves the start back to 1 January.
    const actor = {
      userId: t.ids.user[DEMO.REVIEWER],
      subject: await loadSubject(t.sql, t.ids.user[DEMO.REVIEWER]),
      address: "198.51.100.9",
    };
    await saveOrgSettings(t.sql, actor, b.id, { trackingStartedOn: "2026-01-01" }, now);
    const whole = await complianceReport(t.sql, (await findOrg(t.sql, b.id))!, now);
    expect(whole.trackingStartedOn).toBe("2026-01-01");
    // January to November have passed without a 支委会: eleven overdue.
    expect(whole.year.kinds.find((k) => k.kind === "committee_meeting")!.overdue).toBe(11);

    const tomorrow = chinaDateKey(new Date(now.getTime() + 86_400_000));
    await expect(saveOrgSettings(t.sql, actor, b.id, { trackingStartedOn: tomorrow }, now)).rejects.toThrow(
      DomainError,
    );
    await expect(saveOrgSettings(t.sql, actor, b.id, { trackingStartedOn: "2026-02-30" }, now)).rejects.toThrow(
      "开始统计日期格式不正确",
    );
  });

  it("is a field of the settings page: a bad date answers 400 in Chinese", async () => {
    const res = await t.http.post(
      `/orgs/${t.ids.org[ORGS.B2]}/settings`,
      { trackingStartedOn: "2999-01-01" },
      DEMO.SUN,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("开始统计日期不能晚于今天");
    const page = await (await t.http.get(`/orgs/${t.ids.org[ORGS.B2]}/settings`, DEMO.SUN)).text();
    expect(page).toContain('name="trackingStartedOn"');
  });
});
