import { chinaDateKey } from "../../shared/time";
import { confirmDialog, expect, memberPage, test } from "./fixtures";
import { shoot } from "./screens";

// The 整改清单 of 机关第一党支部 end to end: the 书记 adds an item for 刘洋, the reminders run
// (the timer is off in the test server: a test hook runs them once), 刘洋 opens the reminder on
// his phone and reports what he did, and the 书记 confirms it (对单销号).

const SEC = "13800000001"; // 王建国 书记
const LIU = "13800000004"; // 刘洋

test("an item is created, reminded, reported with a note and confirmed by the 书记", async ({ browser, request }) => {
  const [{ id: branch }] = (await (
    await request.post("/__e2e/sql", { data: { query: "select id from organizations where name = '机关第一党支部'" } })
  ).json()) as { id: string }[];
  const problem = `会前学习准备不足（e2e ${Date.now() % 100000}）`;

  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/orgs/${branch}`);
  await sec.page.getByRole("link", { name: "整改清单" }).click();
  await expect(sec.page.getByRole("heading", { name: "整改清单", level: 1 })).toBeVisible();
  await sec.page.getByText("新增整改事项").click();
  const form = sec.page.locator("#new form");
  await form.getByLabel("问题").fill(problem);
  await form.getByLabel("整改措施").fill("每次会前一周发学习材料，党小组先学一遍");
  await form.getByLabel("责任人").selectOption({ label: "刘洋" });
  await form.getByLabel("完成时限").fill(chinaDateKey(new Date(Date.now() + 3 * 86_400_000)));
  await form.getByLabel("整改承诺").fill("一个月内落实，接受支部监督");
  // An empty commitment is refused with the rest kept: clear it and submit first.
  await form.getByLabel("整改承诺").fill("");
  await form.getByRole("button", { name: "加入整改清单" }).click();
  await expect(form.getByText("请填写整改承诺")).toBeVisible();
  await expect(form.getByLabel("问题")).toHaveValue(problem);
  await form.getByLabel("整改承诺").fill("一个月内落实，接受支部监督");
  await form.getByRole("button", { name: "加入整改清单" }).click();
  await expect(sec.page.getByText("已加入整改清单")).toBeVisible();
  const card = sec.page.getByTestId("rect-item").filter({ hasText: problem });
  await expect(card).toHaveAttribute("data-status", "open");
  // The 书记 corrects it: an emptied field is refused with the rest kept, then the deadline moves.
  await card.getByText("修改", { exact: true }).click();
  const edit = card.getByTestId("rect-edit");
  await edit.getByLabel("整改措施").fill("");
  await edit.getByLabel("整改承诺").fill("两周内落实，接受支部监督");
  await edit.getByRole("button", { name: "保存修改" }).click();
  await expect(edit.getByText("请填写整改措施")).toBeVisible();
  await expect(edit.getByLabel("整改承诺")).toHaveValue("两周内落实，接受支部监督");
  await shoot(sec.page, "rectification-edit");
  await edit.getByLabel("整改措施").fill("每次会前一周发学习材料，党小组先学一遍，会上抽查");
  await edit.getByLabel("完成时限").fill(chinaDateKey(new Date(Date.now() + 4 * 86_400_000)));
  await edit.getByRole("button", { name: "保存修改" }).click();
  await expect(card.getByText("已保存修改")).toBeVisible();
  await expect(card).toContainText("会上抽查");

  const sent = (await (await request.post("/__e2e/rectification-reminders")).json()) as { due: number };
  expect(sent.due).toBeGreaterThanOrEqual(1);
  // Run again: nothing more.
  expect(await (await request.post("/__e2e/rectification-reminders")).json()).toEqual({ due: 0, overdue: 0 });

  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto("/notifications");
  await liu.page
    .getByText(/整改事项临近时限/)
    .first()
    .click();
  await expect(liu.page).toHaveURL(/\/rectification/);
  const mine = liu.page.getByTestId("rect-item").filter({ hasText: problem });
  await mine.getByLabel("整改完成情况").fill("已建立会前学习材料群，本月两次党小组会先学后议");
  await shoot(liu.page, "rectification-owner");
  await mine.getByRole("button", { name: "报告完成" }).click();
  await expect(liu.page.getByText("已报告整改完成情况")).toBeVisible();
  await expect(mine).toHaveAttribute("data-status", "reported");

  await sec.page.reload();
  await expect(card).toHaveAttribute("data-status", "reported");
  await expect(card.getByTestId("rect-report-note")).toHaveText("已建立会前学习材料群，本月两次党小组会先学后议");
  await shoot(sec.page, "rectification-secretary");
  await card.getByRole("button", { name: "对单销号" }).click();
  await confirmDialog(sec.page, "确认对单销号？", "确认销号");
  await expect(card).toHaveAttribute("data-status", "closed");
  await expect(card.getByText("已销号")).toBeVisible();
  await shoot(sec.page, "rectification-closed");

  expect(liu.problems).toEqual([]);
  expect(sec.problems).toEqual([]);
  await liu.context.close();
  await sec.context.close();
});
