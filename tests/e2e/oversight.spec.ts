import type { APIRequestContext, Browser } from "@playwright/test";
import { chinaParts, chinaTime } from "../../shared/time";
import { test, expect, memberPage, signInThroughForm } from "./fixtures";
import { shoot } from "./screens";

// The 党委's organisation member reads the overview of the branches below: both demo branches,
// the two charts (ECharts, drawn as SVG in the browser), the 「只看有欠缺的支部」 filter (a plain
// link, so it works without JavaScript too) and the drill-down to a branch's compliance page.

const REVIEWER = "13800000009"; // 周志强, 党委组织委员

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

/**
 * 机关第二党支部 keeps everything due: a 支委会, 主题党日, 支部党员大会 and 党课 in every month of
 * this year before this one (and of the last eleven months), with minutes and both members signed
 * in. So it never has anything lacking, whatever today's date. Removed again at the end
 * (removeHistory), so the specs after this one see the demo data as seeded.
 */
async function seedHistory(request: APIRequestContext) {
  const now = chinaParts(new Date());
  const [{ id: branch2 }] = await q<{ id: string }>(
    request,
    `select id from organizations where name = '机关第二党支部'`,
  );
  const people = await q<{ id: string }>(
    request,
    `select m.user_id as id from memberships m where m.org_id = $1 and m.ended_at is null`,
    [branch2],
  );
  const kinds = ["committee_meeting", "theme_day", "general_assembly", "party_lecture"];
  for (let back = 11; back >= 1; back--) {
    const month = now.month - back;
    for (const [i, kind] of kinds.entries()) {
      const start = chinaTime(now.year, month, 3 + i * 4, 14, 30);
      const [m] = await q<{ id: string }>(
        request,
        `insert into meetings (org_id, kind, title, starts_at, ends_at)
         values ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '2 hours') returning id`,
        [branch2, kind, `历史会议 ${kind}`, start.toISOString()],
      );
      await q(
        request,
        `insert into doc_snapshots (doc_name, state, last_update_id, person_edited) values ($1, '\\x0000', 0, true)`,
        [`meeting.${m.id}.minutes`],
      );
      for (const [j, p] of people.entries()) {
        await q(request, `insert into meeting_invitees (meeting_id, user_id) values ($1, $2)`, [m.id, p.id]);
        // everyone comes, except the second member now and then
        if (j === 0 || (back + i) % 3 !== 0)
          await q(
            request,
            `insert into attendance (meeting_id, user_id, status, via) values ($1, $2, 'present', 'code')`,
            [m.id, p.id],
          );
      }
    }
  }
}

async function removeHistory(request: APIRequestContext) {
  await q(
    request,
    `delete from doc_snapshots where doc_name in (select 'meeting.' || id || '.minutes' from meetings where title like '历史会议%')`,
  );
  await q(request, `delete from meetings where title like '历史会议%'`);
}

test("the 党委 reviews its branches: figures, charts, the filter and the drill-down", async ({ browser, request }) => {
  test.setTimeout(120_000);
  await seedHistory(request);
  try {
    await reviewBranches(browser);
  } finally {
    await removeHistory(request);
  }
});

async function reviewBranches(browser: Browser) {
  const reviewer = await memberPage(browser, REVIEWER);
  const { page } = reviewer;
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /同心示范单位党委/ })
    .first()
    .click();
  await page.getByRole("link", { name: "下级支部概览" }).click();
  await expect(page).toHaveURL(/\/orgs\/[0-9a-f-]{36}\/overview$/);
  await expect(page.getByRole("heading", { level: 1, name: "同心示范单位党委" })).toBeVisible();
  await expect(page.locator(".ov-periods")).toContainText(/本季度\s*\d{4}年第[一二三四]季度/);
  await expect(page.locator(".ov-periods")).toContainText(/本年度\s*\d{4}年度/);
  await expect(page.getByTestId("overview-totals")).toContainText("支部数");

  // The demo branches (other specs may have added organisations to the same tree).
  const rows = page.getByTestId("branch-row");
  const first = rows.filter({ hasText: "机关第一党支部" });
  const second = rows.filter({ hasText: "机关第二党支部" });
  await expect(first).toHaveCount(1);
  await expect(second).toHaveCount(1);
  await expect(second).not.toHaveAttribute("data-lacking");

  // Both charts drawn by ECharts as SVG, with bars and a line.
  await expect(page.locator('[data-testid="chart-meetings"] svg')).toBeVisible();
  await expect(page.locator('[data-testid="chart-attendance"] svg')).toBeVisible();
  await expect(page.locator('[data-testid="chart-meetings"] svg path').first()).toBeAttached();
  await expect(page.getByRole("table", { name: "每月召开的会议（次）" })).toBeAttached();
  await shoot(page, "overview");

  // The filter: only branches with something lacking; the one keeping everything due is gone.
  await page.getByRole("link", { name: /只看有欠缺的支部/ }).click();
  await expect(page).toHaveURL(/\?filter=lacking$/);
  await expect(page.getByRole("link", { name: /只看有欠缺的支部/ })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText("机关第二党支部")).toHaveCount(0);
  const lacking = await rows.count();
  for (let i = 0; i < lacking; i++) await expect(rows.nth(i)).toHaveAttribute("data-lacking", "");
  if (lacking === 0) await expect(page.getByTestId("nothing-lacking")).toBeVisible();
  await shoot(page, "overview-lacking");

  // Back to all, then down to the first branch's compliance page.
  await page.getByRole("link", { name: /全部支部/ }).click();
  await expect(second).toHaveCount(1);
  await first.getByRole("link", { name: "机关第一党支部" }).click();
  await expect(page).toHaveURL(/\/orgs\/[0-9a-f-]{36}\/compliance$/);
  await expect(page.getByRole("heading", { level: 1, name: "组织生活提醒" })).toBeVisible();
  await page.goBack();
  await second.getByRole("link", { name: "支部首页" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "机关第二党支部" })).toBeVisible();

  expect(reviewer.problems).toEqual([]);
  await reviewer.context.close();
}

test("one month of figures is drawn as a mark one can see, without hovering", async ({ browser, request }) => {
  // 机关第二党支部 held one 主题党日 last week, its two members present: one month of attendance.
  const [{ id: branch2 }] = await q<{ id: string }>(
    request,
    `select id from organizations where name = '机关第二党支部'`,
  );
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at)
     values ($1, 'theme_day', '历史会议 一个月', now() - interval '7 days', now() - interval '7 days' + interval '2 hours')
     returning id`,
    [branch2],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id) select $1::uuid, user_id from memberships
     where org_id = $2 and ended_at is null`,
    [m.id, branch2],
  );
  await q(
    request,
    `insert into attendance (meeting_id, user_id, status, via) select meeting_id, user_id, 'present', 'code'
     from meeting_invitees where meeting_id = $1::uuid`,
    [m.id],
  );
  try {
    const reviewer = await memberPage(browser, REVIEWER);
    const { page } = reviewer;
    const [{ id: committee }] = await q<{ id: string }>(
      request,
      `select id from organizations where name = '同心示范单位党委'`,
    );
    await page.goto(`/orgs/${committee}/overview`);
    const chart = page.getByTestId("chart-attendance");
    await expect(chart).toHaveAttribute("data-state", "ready");
    // A filled mark in the line's colour, at least 6 px across, drawn before any pointer comes near.
    const marks = await chart.locator("svg path").evaluateAll(
      (paths) =>
        paths.filter((p) => {
          const fill = (p.getAttribute("fill") ?? "").replace(/\s/g, "").toLowerCase();
          const box = (p as SVGGraphicsElement).getBBox();
          const shown = getComputedStyle(p).opacity !== "0" && p.getAttribute("fill-opacity") !== "0";
          return (fill === "#b91c1c" || fill === "rgb(185,28,28)") && box.width >= 6 && box.height >= 6 && shown;
        }).length,
    );
    expect(marks).toBeGreaterThan(0);
    await shoot(page, "overview-one-month");
    expect(reviewer.problems).toEqual([]);
    await reviewer.context.close();
  } finally {
    await removeHistory(request);
  }
});

test("the filter works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInThroughForm(page, REVIEWER);
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /同心示范单位党委/ })
    .first()
    .click();
  await page.getByRole("link", { name: "下级支部概览" }).click();
  await expect(page.getByTestId("branch-row").filter({ hasText: "机关第二党支部" })).toHaveCount(1);
  await page.getByRole("link", { name: /只看有欠缺的支部/ }).click();
  await expect(page).toHaveURL(/\?filter=lacking$/);
  await expect(page.getByRole("link", { name: /只看有欠缺的支部/ })).toHaveAttribute("aria-current", "page");
  const rows = page.getByTestId("branch-row");
  for (let i = 0; i < (await rows.count()); i++) await expect(rows.nth(i)).toHaveAttribute("data-lacking", "");
  // no script: the charts stay as their placeholder, the figures are in the tables
  await expect(page.locator('[data-testid="chart-meetings"] svg')).toHaveCount(0);
  await context.close();
});
