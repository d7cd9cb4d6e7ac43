import { chinaParts } from "../../shared/time";
import { test, expect, memberPage } from "./fixtures";
import { shoot } from "./screens";

// A member's calendar: everything they should attend across their organisations, as an agenda
// grouped by day and as a month grid; a member of another branch does not see the meeting.

const TITLE = "集中学习《中国共产党支部工作条例（试行）》";
const pad2 = (n: number) => String(n).padStart(2, "0");

test("a member finds the 支部党员大会 in the agenda and the month grid; another branch does not", async ({
  browser,
  request,
}) => {
  // Two views captured at two widths, and two people: more than the default 30 s.
  test.setTimeout(90_000);
  // The demo lays the meeting out to start within minutes (decision 026): today, or tomorrow just
  // before midnight, so possibly next month.
  const now = chinaParts(new Date());
  const res = await request.post("/__e2e/sql", {
    data: { query: "select starts_at from meetings where title = $1", params: [TITLE] },
  });
  const [{ starts_at }] = (await res.json()) as { starts_at: string }[];
  const when = chinaParts(new Date(starts_at));
  const monthKey = `${when.year}-${pad2(when.month)}`;
  const dayKey = `${monthKey}-${pad2(when.day)}`;

  const member = await memberPage(browser, "13800000004", { phone: true }); // 刘洋, 第一党小组
  const { page } = member;
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "日历" }).click();
  await expect(page).toHaveURL(/\/calendar$/);
  await expect(page.getByRole("heading", { level: 1, name: `${now.year}年${now.month}月` })).toBeVisible();
  await expect(page.getByRole("link", { name: "日程" })).toHaveAttribute("aria-current", "page");
  if (when.month !== now.month) {
    await page.getByRole("link", { name: "下个月" }).click();
    await expect(page.getByRole("heading", { level: 1, name: `${when.year}年${when.month}月` })).toBeVisible();
  }

  // Agenda: the day's leaf and the card, with kind, time, place and branch.
  const day = page.locator(`#d-${dayKey}`);
  const card = day.getByRole("link", { name: new RegExp(TITLE.replace(/[（）《》]/g, ".")) });
  await expect(card).toBeVisible();
  await expect(card).toContainText("支部党员大会");
  await expect(card).toContainText("机关办公楼三楼党员活动室");
  // Other specs may have put meetings on the same day (the demo's is today): a dot per meeting.
  const sameDay = await day.getByRole("link").count();
  await shoot(page, "calendar-agenda");

  // Month grid: a dot on the day on the phone, the list of the month below it.
  await page.getByRole("link", { name: "月历" }).click();
  await expect(page).toHaveURL(/view=month/);
  const cell = page.locator(`[data-day="${dayKey}"]`);
  await expect(cell.locator(".month-grid__dot")).toHaveCount(Math.min(sameDay, 3)); // at most three dots
  await expect(page.locator(".month-grid__cell--today")).toHaveCount(when.month === now.month ? 1 : 0);
  await expect(page.locator(`#d-${dayKey}`).getByText(TITLE)).toBeVisible();
  await shoot(page, "calendar-month");

  // On a wide screen the day holds a chip instead, linking to the meeting.
  await page.setViewportSize({ width: 1280, height: 900 });
  const chip = cell.locator(".cal-chip", { hasText: TITLE.slice(0, 4) }).first();
  await expect(chip).toBeVisible();
  await expect(chip).toContainText(TITLE.slice(0, 4));
  await expect(page.locator(".cal-under")).toBeHidden();
  await chip.click();
  await expect(page).toHaveURL(/\/meetings\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();

  // A month that is not a month falls back to this one, never an error page.
  for (const bad of ["2026-13", "abc", "0000-01", "2026-1-1"]) {
    const res = await page.goto(`/calendar?view=month&month=${bad}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: `${now.year}年${now.month}月` })).toBeVisible();
  }
  expect(member.problems).toEqual([]);
  await member.context.close();

  // 13800000011 belongs to another branch: the month has no such meeting for them.
  const other = await memberPage(browser, "13800000011", { phone: true });
  for (const view of ["agenda", "month"]) {
    await other.page.goto(`/calendar?view=${view}&month=${monthKey}`);
    await expect(other.page.getByRole("heading", { level: 1, name: `${when.year}年${when.month}月` })).toBeVisible();
    await expect(other.page.getByText(TITLE)).toHaveCount(0);
  }
  expect(other.problems).toEqual([]);
  await other.context.close();
});
