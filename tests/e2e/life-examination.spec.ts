import type { APIRequestContext, Page } from "@playwright/test";
import { countWords } from "../../shared/domain/text";
import { test, expect, confirmDialog, memberPage } from "./fixtures";
import { openPanels, shoot } from "./screens";

// 对照检查材料 of a 组织生活会 (decision 034): 刘洋 writes his on a 375 px phone with the problem the
// branch addressed to him beside it, keeps writing while offline, and submits; the 书记 at 1280 px
// returns it with a comment on one passage; 刘洋 sees the note, revises and resubmits; the 书记
// accepts. The meeting is made through the e2e server's SQL hook.

const SEC = "13800000001"; // 王建国, 书记
const LIU = "13800000004"; // 刘洋

const PARAS = [
  "对照党章党规，结合征求到的意见，我认真查摆了自己在窗口服务工作中存在的问题。",
  "一是服务群众耐心不够。去年冬天有位老人办理高龄津贴，连续来了三次材料都不全，我没有一次性讲清楚需要的材料，让老人多跑了路。",
  "二是政策学习不深入。新的社保政策出台后只看了通知，没有研读实施细则，群众来问时常常答不上来。",
];
const OFFLINE = "三是工作作风不够扎实。加班多了就有怨气，有时把情绪带到窗口，说话语气生硬。";
const REVISION = "原因剖析：根本在于宗旨意识淡薄，把群众的事当成了负担，今后每月精读一项政策，建立一次性告知清单。";

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

/** A 组织生活会 of 机关第一党支部 in three days, the branch's first members on its list, one problem addressed to 刘洋. */
async function makeMeeting(request: APIRequestContext, title: string) {
  const start = new Date(Date.now() + 3 * 86_400_000);
  const end = new Date(start.getTime() + 180 * 60_000);
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id)
     select o.id, 'life_meeting', $1, $2::timestamptz, $3::timestamptz, '机关办公楼三楼党员活动室', u.id, u.id
     from organizations o, users u where o.name = '机关第一党支部' and u.username = '13800000001' returning id`,
    [title, start.toISOString(), end.toISOString()],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, 'attendee' from users
     where username in ('13800000001', '13800000002', '13800000003', '13800000004', '13800000005')`,
    [m.id],
  );
  await q(
    request,
    `insert into problem_items (org_id, meeting_id, person_id, text, created_by)
     select o.id, $1::uuid, u.id, '窗口服务中对老年群众耐心不够，一次性告知不到位', s.id
     from organizations o, users u, users s
     where o.name = '机关第一党支部' and u.username = '13800000004' and s.username = '13800000001'`,
    [m.id],
  );
  return m.id;
}

const syncState = (page: Page) => page.locator(".reflection-editor [data-state]");

test("对照检查材料: written on a phone (partly offline), returned with a note on a passage, revised, accepted", async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  const id = await makeMeeting(request, "2026年度机关第一党支部组织生活会");

  // 刘洋 on his phone: his problem is shown, the editor syncs, he writes.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto(`/meetings/${id}/examination`);
  await expect(liu.page.getByRole("heading", { level: 1 })).toHaveText("2026年度机关第一党支部组织生活会");
  await expect(liu.page.getByTestId("my-problems")).toContainText("一次性告知不到位");
  await expect(syncState(liu.page)).toHaveText("已同步");
  await liu.page.getByTestId("reflection-editor").click();
  for (const [i, p] of PARAS.entries()) {
    if (i > 0) await liu.page.keyboard.press("Enter");
    await liu.page.keyboard.insertText(p);
  }
  await expect(syncState(liu.page)).toHaveText("已同步");

  // Offline: still writing, kept on the phone; submitting waits for the network.
  await liu.context.setOffline(true);
  await expect(syncState(liu.page)).toHaveText("已保存到本机");
  await liu.page.keyboard.press("Enter");
  await liu.page.keyboard.insertText(OFFLINE);
  await expect(syncState(liu.page)).toHaveText("离线编辑中，联网后自动同步");
  await expect(liu.page.getByRole("button", { name: "提交对照检查材料" })).toBeDisabled();
  await liu.context.setOffline(false);
  await expect(syncState(liu.page)).toHaveText("已同步", { timeout: 15_000 });
  const words = countWords([...PARAS, OFFLINE].join("\n"));
  await expect(liu.page.getByTestId("live-word-count")).toHaveText(`${words} 字`);
  await shoot(liu.page, "examination-write");

  await liu.page.getByRole("button", { name: "提交对照检查材料" }).click();
  await confirmDialog(liu.page, "提交对照检查材料？", "提交");
  await expect(liu.page.getByText(`已提交，共 ${words} 字`)).toBeVisible();
  await expect(liu.page.getByTestId("reflection-text")).toContainText("语气生硬");

  // The 书记 at 1280 px: the overview, then 刘洋's material; a note on the 高龄津贴 passage.
  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${id}/examinations`);
  const row = sec.page.getByTestId("examination-list").locator('li[data-user="刘洋"]');
  await expect(row).toContainText("待我审阅");
  await expect(sec.page.getByTestId("examination-list").locator('li[data-user="陈静"]')).toContainText("尚未提交");
  await shoot(sec.page, "examination-overview");
  await row.getByRole("link").click();
  await expect(sec.page.getByRole("heading", { level: 1 })).toHaveText("刘洋的对照检查材料");
  await expect(sec.page.getByTestId("similarity")).toBeVisible();
  // Returned with nothing said: refused, in Chinese.
  await sec.page.getByRole("button", { name: "退回修改" }).click();
  await expect(sec.page.locator("#comment-error")).toContainText("请填写退回意见");
  await sec.page.locator("details.exam-para__note > summary").nth(1).click();
  await sec.page.getByLabel("对第 2 段的意见").fill("请剖析这件事背后的思想根源，不要只摆现象。");
  await sec.page.getByLabel("总体意见").fill("问题查摆具体，原因剖析还不够深入。");
  await openPanels(sec.page);
  await shoot(sec.page, "examination-review");
  await sec.page.getByRole("button", { name: "退回修改" }).click();
  await expect(sec.page.getByText("已退回，并把意见通知本人")).toBeVisible();

  // 刘洋 sees the note on his passage, revises and resubmits.
  await liu.page.reload();
  const returned = liu.page.getByTestId("return-comment");
  await expect(returned).toContainText("原因剖析还不够深入");
  await expect(returned).toContainText("第 2 段");
  await expect(returned).toContainText("思想根源");
  await expect(syncState(liu.page)).toHaveText("已同步");
  await liu.page.getByTestId("reflection-editor").click();
  await liu.page.keyboard.press("Control+End");
  await liu.page.keyboard.press("Enter");
  await liu.page.keyboard.insertText(REVISION);
  await expect(syncState(liu.page)).toHaveText("已同步");
  await shoot(liu.page, "examination-returned");
  await liu.page.getByRole("button", { name: "重新提交" }).click();
  await confirmDialog(liu.page, "重新提交对照检查材料？", "重新提交");
  await expect(liu.page.getByText("已重新提交")).toBeVisible();

  // The 书记 accepts.
  await sec.page.reload();
  await expect(sec.page.getByTestId("examination-text")).toContainText("宗旨意识淡薄");
  await sec.page.getByRole("button", { name: "审阅通过" }).click();
  await expect(sec.page.getByText("已审阅通过，并通知本人。")).toBeVisible();
  await liu.page.reload();
  await expect(liu.page.getByText(/已由王建国于 .* 审阅通过/)).toBeVisible();
  await shoot(liu.page, "examination-accepted");
  expect(liu.problems).toEqual([]);
  expect(sec.problems).toEqual([]);
});
