import type { APIRequestContext } from "@playwright/test";
import { test, expect, memberPage } from "./fixtures";
import { shoot } from "./screens";

// 谈心谈话 before a 组织生活会: the 组织委员 李秀英 records her talk with the 书记 on a phone
// (a summary too long first: refused in words, nothing lost), then the 书记 opens the page on a
// desktop and sees that pair done in the matrix, and the record.

const SEC = "13800000001"; // 王建国, 书记
const ORG = "13800000002"; // 李秀英, 组织委员

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

test("a 委员 records a talk on a phone; the 书记 sees the pair done", async ({ browser, request }) => {
  const start = new Date(Date.now() + 10 * 86_400_000);
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id)
     select o.id, 'life_meeting', '2026年度组织生活会（谈心谈话）', $1::timestamptz, $1::timestamptz + interval '3 hours',
       '机关办公楼三楼党员活动室', (select id from users where username = '13800000001'),
       (select id from users where username = '13800000001')
     from organizations o where o.name = '机关第一党支部' returning id`,
    [start.toISOString()],
  );

  const org = await memberPage(browser, ORG, { phone: true });
  await org.page.goto(`/meetings/${m.id}`);
  await org.page.getByTestId("talks-link").click();
  await expect(org.page.getByRole("heading", { name: "记录一次谈话" })).toBeVisible();
  await expect(org.page.getByTestId("my-partners")).toContainText("王建国");
  const form = org.page.locator("#record form");
  await form.getByLabel("谈话对象").selectOption({ label: "王建国" });
  await form.getByLabel("谈话地点").fill("书记办公室");
  await form.getByLabel("谈话摘要").fill("谈".repeat(501));
  await form.getByRole("button", { name: "保存谈话记录" }).click();
  await expect(org.page.getByText("谈话摘要最长 500 个字（现在 501 个字）")).toBeVisible();
  await expect(form.getByLabel("谈话地点")).toHaveValue("书记办公室");
  const summary = "交流了支委会分工和组织生活会的准备，互相指出了会前学习抓得不紧的问题。";
  await form.getByLabel("谈话摘要").fill(summary);
  await form.getByRole("button", { name: "保存谈话记录" }).click();
  await expect(org.page.getByText("谈话记录已保存")).toBeVisible();
  await expect(org.page.getByTestId("talk-records")).toContainText(summary);
  await expect(org.page.getByTestId("my-partners").locator("[data-done=true]")).toContainText("王建国");
  await shoot(org.page, "talks-member-phone");

  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${m.id}/talks`);
  const matrix = sec.page.getByTestId("talk-matrix");
  await expect(matrix.locator('td[data-pair="王建国-李秀英"]')).toHaveAttribute("data-state", "done");
  await expect(matrix.locator('td[data-pair="王建国-刘洋"]')).toHaveAttribute("data-state", "missing");
  await expect(sec.page.getByTestId("missing-people")).toContainText("刘洋");
  await expect(sec.page.getByTestId("talk-records")).toContainText(summary);
  await shoot(sec.page, "talks-secretary");

  expect(org.problems).toEqual([]);
  expect(sec.problems).toEqual([]);
  await org.context.close();
  await sec.context.close();
});
