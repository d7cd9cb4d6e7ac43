import type { APIRequestContext, Page } from "@playwright/test";
import * as Y from "yjs";
import { countWords } from "../../shared/domain/text";
import { appendParagraph } from "../setup/yclient";
import { test, expect, confirmDialog, memberPage } from "./fixtures";
import { openPanels, shoot } from "./screens";

// 心得体会 on a phone: 刘洋 writes during the session, loses the network and keeps writing (the
// editor keeps it in IndexedDB), comes back online and the text reaches the server; he submits.
// The 书记 sees it in the overview with its 字数, returns it with a comment; 刘洋 revises and
// resubmits; the 书记 accepts. 陈静 hands in a light-edit copy, and the 书记 sees the passages
// highlighted side by side. The meeting is made through the e2e server's SQL hook.

const SEC = "13800000001"; // 王建国, 书记
const LIU = "13800000004"; // 刘洋
const CHEN = "13800000005"; // 陈静

const PART1 = [
  "这次支部组织集中学习党的二十届四中全会精神，我结合自己在社区服务中心窗口的工作，谈几点体会。",
  "第一，要把群众的小事当成自己的大事。上个月有位独居老人来办理高龄津贴，材料缺了一份户籍证明，我主动联系派出所调取了电子证明，当天就帮他办完了。",
];
const PART2 =
  "第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成了一张告知单，一次办成的比例从六成提高到了九成。";
const REVISION = "整改措施：每周整理一次群众反映的难点，报支部研究。";

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

/** A 党课 of 机关第一党支部 that started 20 minutes ago, the branch on its list, a deadline tomorrow. */
async function makeMeeting(request: APIRequestContext, title: string) {
  const start = new Date(Date.now() - 20 * 60_000);
  const end = new Date(start.getTime() + 120 * 60_000);
  const deadline = new Date(Date.now() + 26 * 3_600_000);
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, session_started_at,
       reflection_deadline)
     select o.id, 'party_lecture', $1, $2::timestamptz, $3::timestamptz, '机关办公楼三楼党员活动室', u.id, u.id,
       $2::timestamptz, $4::timestamptz
     from organizations o, users u where o.name = '机关第一党支部' and u.username = '13800000001' returning id`,
    [title, start.toISOString(), end.toISOString(), deadline.toISOString()],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, case when username = '13800000009' then 'guest' else 'attendee' end from users
     where username in ('13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006',
       '13800000007', '13800000008', '13800000009')`,
    [m.id],
  );
  return m.id;
}

const syncState = (page: Page) => page.locator(".reflection-editor [data-state]");

async function typeParagraph(page: Page, text: string) {
  await page.keyboard.press("End");
  await page.keyboard.insertText(text);
}

test("a reflection written on a phone, partly offline, reaches the server; returned, revised, accepted", async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  const id = await makeMeeting(request, "学习贯彻党的二十届四中全会精神专题党课");

  // 刘洋 on his phone: the editor syncs, he writes, the count follows.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto(`/meetings/${id}/reflection`);
  await expect(liu.page.getByRole("heading", { level: 1 })).toHaveText("学习贯彻党的二十届四中全会精神专题党课");
  await expect(liu.page.getByTestId("reflection-deadline")).toContainText("前提交");
  await expect(syncState(liu.page)).toHaveText("已同步");
  const editor = liu.page.getByTestId("reflection-editor");
  await editor.click();
  await typeParagraph(liu.page, PART1[0]);
  await liu.page.keyboard.press("Enter");
  await typeParagraph(liu.page, PART1[1]);
  const count1 = countWords(PART1.join("\n"));
  await expect(liu.page.getByTestId("live-word-count")).toHaveText(`${count1} 字`);
  await expect(syncState(liu.page)).toHaveText("已同步");

  // The network goes: the editor says so and keeps working; submitting waits for the network.
  await liu.context.setOffline(true);
  await expect(syncState(liu.page)).toHaveText("已保存到本机");
  await liu.page.keyboard.press("Enter");
  await typeParagraph(liu.page, PART2);
  await expect(syncState(liu.page)).toHaveText("离线编辑中，联网后自动同步");
  const count2 = countWords([...PART1, PART2].join("\n"));
  await expect(liu.page.getByTestId("live-word-count")).toHaveText(`${count2} 字`);
  await expect(liu.page.getByRole("button", { name: "提交心得体会" })).toBeDisabled();
  await expect(liu.page.getByText("当前处于离线状态")).toBeVisible();
  await shoot(liu.page, "reflection-offline");

  // Back online: what was typed offline goes to the server on its own.
  await liu.context.setOffline(false);
  await expect(syncState(liu.page)).toHaveText("已同步", { timeout: 15_000 });
  // A fresh browser (no IndexedDB of its own) gets it from the server.
  const other = await memberPage(browser, LIU);
  await other.page.goto(`/meetings/${id}/reflection`);
  await expect(other.page.getByTestId("reflection-editor")).toContainText("十二项常办事项");
  await expect(other.page.getByTestId("live-word-count")).toHaveText(`${count2} 字`);
  expect(other.problems).toEqual([]);
  await other.context.close();
  await shoot(liu.page, "reflection-write");

  await liu.page.getByRole("button", { name: "提交心得体会" }).click();
  await expect(liu.page.getByRole("alertdialog", { name: "提交心得体会？" })).toContainText(`共 ${count2} 字`);
  await confirmDialog(liu.page, "提交心得体会？", "提交");
  await expect(liu.page.getByText(`已提交，共 ${count2} 字`)).toBeVisible();
  await expect(liu.page.getByTestId("reflection-text")).toContainText("十二项常办事项");
  await expect(liu.page.getByRole("button", { name: "提交心得体会" })).toHaveCount(0);

  // 陈静 hands in a light-edit copy of it (posted the way her editor would).
  const copy = [
    "这回支部组织集中学习了党的二十届四中全会精神，我联系自己在社区服务中心窗口的工作，谈几点认识。",
    "第二，要在流程上想办法减少群众跑腿。我们窗口今年把十二项常办事项做成一张告知单，一次办成的比例从六成提高到九成。",
    "第一，要把群众的小事看成自己的大事。上个月有位独居老人来办高龄津贴，材料缺了一份户籍证明，我主动联系派出所调取了电子证明，当天就帮他办完了。",
  ];
  const chen = await memberPage(browser, CHEN);
  const doc = new Y.Doc();
  for (const line of copy) appendParagraph(doc, line);
  const res = await chen.page.request.post(`/meetings/${id}/reflection`, {
    form: { intent: "submit", update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString("base64") },
  });
  expect(res.status()).toBe(200);
  await chen.context.close();

  // The 书记: the overview with 字数 and the similarity figure.
  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${id}/reflections`);
  const counts = sec.page.getByTestId("reflection-counts");
  await expect(counts).toContainText("已提交2/8");
  await expect(counts).toContainText("疑似雷同1");
  const liuRow = sec.page.getByTestId("reflection-list").locator('li[data-user="刘洋"]');
  await expect(liuRow).toContainText("已提交");
  await expect(liuRow).toContainText(`${count2} 字`);
  const chenRow = sec.page.getByTestId("reflection-list").locator('li[data-user="陈静"]');
  await expect(chenRow).toContainText("疑似雷同");
  await expect(sec.page.getByTestId("reflection-list").locator('li[data-user="杨帆"]')).toContainText("尚未动笔");
  await shoot(sec.page, "reflection-overview");

  // 陈静's copy, side by side with 刘洋's, overlapping passages marked.
  await chenRow.getByRole("link").click();
  await expect(sec.page.getByRole("heading", { level: 1 })).toHaveText("陈静的心得体会");
  await expect(sec.page.getByTestId("similarity")).toContainText("与刘洋的心得体会（本次）");
  await expect(sec.page.locator(".refl-compare .refl-mark").first()).toBeVisible();
  await shoot(sec.page, "reflection-similarity");

  // 刘洋's: returned without a comment is refused, then with one.
  await sec.page.goto(`/meetings/${id}/reflections`);
  await liuRow.getByRole("link").click();
  await expect(sec.page.getByRole("heading", { level: 1 })).toHaveText("刘洋的心得体会");
  await expect(sec.page.getByTestId("reflection-text")).toContainText("十二项常办事项");
  await sec.page.locator("details.panel > summary", { hasText: "退回修改" }).click();
  const returnButton = sec.page.locator('form button[type="submit"]', { hasText: "退回修改" });
  await returnButton.click();
  await expect(sec.page.locator("#comment-error")).toHaveText("请填写退回意见，说明需要修改的地方");
  await sec.page.getByLabel("退回意见（必填）").fill("体会写得实在，请再补充一条整改措施。");
  await returnButton.click();
  await expect(sec.page.getByText("已退回，并把意见通知本人")).toBeVisible();
  await openPanels(sec.page);
  await shoot(sec.page, "reflection-review");

  // 刘洋 revises and resubmits (after the return the editor is his again).
  await liu.page.reload();
  await expect(liu.page.getByTestId("return-comment")).toContainText("请再补充一条整改措施");
  await expect(syncState(liu.page)).toHaveText("已同步");
  await liu.page.getByTestId("reflection-editor").click();
  await liu.page.keyboard.press("Control+End");
  await liu.page.keyboard.press("Enter");
  await liu.page.keyboard.insertText(REVISION);
  await expect(liu.page.getByTestId("live-word-count")).toHaveText(`${count2 + countWords(REVISION)} 字`);
  await shoot(liu.page, "reflection-returned");
  await liu.page.getByRole("button", { name: "重新提交" }).click();
  await confirmDialog(liu.page, "重新提交心得体会？", "重新提交");
  await expect(liu.page.getByText("已重新提交")).toBeVisible();
  await expect(liu.page.getByTestId("reflection-text")).toContainText("整改措施");

  // The 书记 accepts.
  await sec.page.reload();
  await expect(sec.page.getByTestId("reflection-text")).toContainText("整改措施");
  await sec.page.getByRole("button", { name: "审阅通过" }).click();
  await expect(sec.page.getByText("已审阅通过，并通知本人。")).toBeVisible();
  await sec.page.goto(`/meetings/${id}/reflections`);
  await expect(sec.page.getByTestId("reflection-counts")).toContainText("已通过1");

  await liu.page.reload();
  await expect(liu.page.getByText(/已由王建国于 .* 审阅通过/)).toBeVisible();
  await shoot(liu.page, "reflection-accepted");

  // The branch setting: who reads submitted reflections.
  const [branch] = await q<{ id: string }>(request, `select id from organizations where name = '机关第一党支部'`);
  await sec.page.goto(`/orgs/${branch.id}/settings`);
  const visibility = sec.page.getByTestId("reflection-visibility");
  await expect(visibility.getByRole("radio", { name: /仅本人和支委/ })).toBeChecked();
  await visibility.getByRole("radio", { name: /提交后全支部可见/ }).check();
  await sec.page.getByRole("button", { name: "保存规则" }).click();
  await expect(sec.page.getByText("已保存。")).toBeVisible();
  await sec.page.reload();
  await expect(visibility.getByRole("radio", { name: /提交后全支部可见/ })).toBeChecked();
  await visibility.scrollIntoViewIfNeeded();
  await shoot(sec.page, "reflection-settings");
  await visibility.getByRole("radio", { name: /仅本人和支委/ }).check();
  await sec.page.getByRole("button", { name: "保存规则" }).click();
  await expect(sec.page.getByText("已保存。")).toBeVisible();

  for (const p of [liu, sec]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});
