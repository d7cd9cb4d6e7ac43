import { test, expect, memberPage } from "./fixtures";

test("two members co-edit the minutes live; after a reload the text is there exactly once", async ({ browser }) => {
  const liu = await memberPage(browser, "13800000004"); // 刘洋, desktop
  const huang = await memberPage(browser, "13800000008", { phone: true }); // 黄磊, phone

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
  await huang.page.keyboard.type("二、黄磊发言：对照检查");

  // Each sees the other's text.
  await expect(huangEditor).toContainText("一、集中学习条例第二章");
  await expect(liuEditor).toContainText("二、黄磊发言：对照检查");
  // And the other's caret, labelled with the real name.
  await expect(liu.page.locator(".collaboration-carets__label", { hasText: "黄磊" })).toBeVisible();
  await expect(huang.page.locator(".collaboration-carets__label", { hasText: "刘洋" })).toBeVisible();
  await liu.page.screenshot({ path: "test-results/screens/coedit-desktop.png", fullPage: true });
  await huang.page.screenshot({ path: "test-results/screens/coedit-phone.png", fullPage: true });

  await liu.page.reload();
  await expect(liu.page.getByText("已同步")).toBeVisible();
  const text = await liu.page.getByTestId("minutes-editor").innerText();
  expect(text.match(/一、集中学习条例第二章/g)).toHaveLength(1);
  expect(text.match(/二、黄磊发言：对照检查/g)).toHaveLength(1);

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
