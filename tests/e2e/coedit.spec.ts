import { test, expect, memberPage } from "./fixtures";

test("the 记录人 and a co-editor write the minutes live; after a reload the text is there exactly once", async ({
  browser,
}) => {
  const liu = await memberPage(browser, "13800000004"); // 刘洋, co-editor the host allowed, desktop
  const huang = await memberPage(browser, "13800000002", { phone: true }); // 李秀英, 记录人, phone

  await liu.page.getByRole("link", { name: /集中学习/ }).click();
  await liu.page.waitForURL(/\/meetings\//);
  const meetingUrl = liu.page.url();
  await huang.page.goto(meetingUrl);

  const liuEditor = liu.page.getByTestId("minutes-editor");
  const huangEditor = huang.page.getByTestId("minutes-editor");
  await expect(liu.page.getByText("已同步")).toBeVisible();
  await expect(huang.page.getByText("已同步")).toBeVisible();

  await liuEditor.click();
  await liu.page.keyboard.type("一、集中学习条例第二章");
  await huangEditor.click();
  await huang.page.keyboard.press("End");
  await huang.page.keyboard.press("Enter");
  await huang.page.keyboard.type("二、李秀英发言：对照检查");

  // Each sees the other's text.
  await expect(huangEditor).toContainText("一、集中学习条例第二章");
  await expect(liuEditor).toContainText("二、李秀英发言：对照检查");
  // And the other's caret, labelled with the real name.
  await expect(liu.page.locator(".collaboration-carets__label", { hasText: "李秀英" })).toBeVisible();
  await expect(huang.page.locator(".collaboration-carets__label", { hasText: "刘洋" })).toBeVisible();
  // Focus scrolled the pages; a full-page capture of a scrolled page misplaces the sticky bar.
  for (const p of [liu.page, huang.page]) await p.evaluate(() => window.scrollTo(0, 0));
  await liu.page.screenshot({ path: "test-results/screens/coedit-desktop.png", fullPage: true });
  await huang.page.screenshot({ path: "test-results/screens/coedit-phone.png", fullPage: true });

  await liu.page.reload();
  await expect(liu.page.getByText("已同步")).toBeVisible();
  const text = await liu.page.getByTestId("minutes-editor").innerText();
  expect(text.match(/一、集中学习条例第二章/g)).toHaveLength(1);
  expect(text.match(/二、李秀英发言：对照检查/g)).toHaveLength(1);

  expect(liu.problems).toEqual([]);
  expect(huang.problems).toEqual([]);
  await liu.context.close();
  await huang.context.close();
});

test("a meeting that does not exist answers 404 in Chinese", async ({ browser }) => {
  const m = await memberPage(browser, "13800000005");
  const res = await m.page.goto("/meetings/00000000-0000-0000-0000-000000000000");
  expect(res?.status()).toBe(404);
  await expect(m.page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  await m.context.close();
});

test("a 党委 reviewer finds the branch's meetings and reads the minutes without editing", async ({ browser }) => {
  const writer = await memberPage(browser, "13800000002"); // 李秀英, the 记录人
  await writer.page.getByRole("link", { name: /集中学习/ }).click();
  await writer.page.waitForURL(/\/meetings\//);
  await expect(writer.page.getByText("已同步")).toBeVisible();
  await writer.page.getByTestId("minutes-editor").click();
  await writer.page.keyboard.type("李秀英补充：按时缴纳党费");

  const reviewer = await memberPage(browser, "13800000009", { phone: true }); // 周志强, 党委组织委员
  // He attends neither meeting, so his own home page does not list them; he reviews the branch
  // from its page, where the branch's meetings are.
  await expect(reviewer.page.getByRole("link", { name: /集中学习/ })).toHaveCount(0);
  await reviewer.page.goto("/orgs");
  await reviewer.page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await reviewer.page.getByRole("link", { name: /集中学习/ }).click();
  await reviewer.page.waitForURL(/\/meetings\//);
  const editor = reviewer.page.getByTestId("minutes-editor");
  await expect(reviewer.page.getByText("只读", { exact: true })).toBeVisible();
  await expect(editor).toHaveAttribute("contenteditable", "false");
  await expect(editor).toContainText("李秀英补充：按时缴纳党费");
  // Live: what the writer adds now reaches the reader.
  await writer.page.keyboard.type("，并按规定交纳");
  await expect(editor).toContainText("并按规定交纳");
  await reviewer.page.screenshot({ path: "test-results/screens/readonly-phone.png", fullPage: true });
  expect(writer.problems).toEqual([]);
  expect(reviewer.problems).toEqual([]);
  await writer.context.close();
  await reviewer.context.close();
});
