import type { APIRequestContext } from "@playwright/test";
import { test, expect, confirmDialog, memberPage } from "./fixtures";
import { openPanels, shoot } from "./screens";
import { CHINA_TIME_ZONE } from "../../shared/time";

// Votes on the votes page of a 支部党员大会 (the live session page embeds the same panel): the
// quorum refusal with its figures, the host opens a secret ballot on a phone, members vote with
// the large buttons, a 预备党员 is told why not, the host records an absent member's written
// opinion and closes the vote, the result shows and lands in the minutes; then a ballot from a
// phone without JavaScript. The meeting, its start and the sign-ins are made through the e2e
// server's SQL hook (tests/e2e/serve.ts).

const SEC = "13800000001"; // 王建国, 书记
const LEADER = "13800000003"; // 张伟, the host here
const LIU = "13800000004"; // 刘洋
const CHEN = "13800000005"; // 陈静
const ZHAO = "13800000007"; // 赵敏, 预备党员

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

/** A 支部党员大会 of 机关第一党支部, started, hosted by 张伟: seven voting members, 赵敏 and 郑华 without a vote. */
async function startedMeeting(request: APIRequestContext, title: string) {
  const start = new Date(Date.now() + 5 * 60_000);
  const end = new Date(start.getTime() + 120 * 60_000);
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, session_started_at)
     select o.id, 'general_assembly', $1, $2::timestamptz, $3::timestamptz, '机关办公楼三楼党员活动室',
       (select id from users where username = '13800000001'), (select id from users where username = '13800000003'),
       now()
     from organizations o where o.name = '机关第一党支部' returning id`,
    [title, start.toISOString(), end.toISOString()],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, case when username = '13800000009' then 'guest' else 'attendee' end from users
     where username in ('13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006',
       '13800000007', '13800000008', '13800000012', '13800000009')`,
    [m.id],
  );
  await q(
    request,
    `insert into meeting_agenda_items (meeting_id, position, title) values ($1::uuid, 1, '讨论接收预备党员')`,
    [m.id],
  );
  return m.id;
}

async function present(request: APIRequestContext, meetingId: string, ...usernames: string[]) {
  await q(
    request,
    `insert into attendance (meeting_id, user_id, status, signed_in_at, via)
     select $1::uuid, id, 'present', now(), 'code' from users where username = any($2::text[])`,
    [meetingId, usernames],
  );
}

test("the host opens a secret ballot, members vote on phones, the result goes into the minutes", async ({
  browser,
  request,
}) => {
  // Six browsers at once (the host and five phones): with the other shards beside it on two cores
  // it has run past two minutes.
  test.setTimeout(240_000);
  const id = await startedMeeting(request, "2026年第四季度支部党员大会");
  const path = `/meetings/${id}/votes`;
  // 王建国, 李秀英, 张伟 and 赵敏 are here: three of seven voting members.
  await present(request, id, SEC, "13800000002", LEADER, ZHAO);

  const host = await memberPage(browser, LEADER, { phone: true });
  await host.page.goto(path);
  await expect(host.page.getByTestId("votes-quorum")).toHaveText(
    "应到有表决权党员 7 人，实到 3 人，未超过半数（至少需 4 人），暂不能表决。",
  );
  await expect(host.page.getByTestId("votes-open-refusal")).toHaveText(
    "未达到法定人数：应到有表决权党员 7 人，实到 3 人，需超过半数（至少 4 人）。",
  );
  await shoot(host.page, "votes-no-quorum");

  // 刘洋 arrives: the host's page updates by itself.
  await present(request, id, LIU);
  await expect(host.page.getByTestId("votes-quorum")).toHaveText(
    "应到有表决权党员 7 人，实到 4 人，超过半数，可以表决。",
    { timeout: 10_000 },
  );
  await host.page.getByRole("button", { name: "发起表决" }).click();
  await expect(host.page.locator("#vote-matter-error")).toHaveText("请选择表决事项的类别");
  await host.page.getByLabel("表决类别").selectOption({ label: "接收预备党员" });
  await host.page.getByRole("textbox", { name: /^表决事项/ }).fill("关于接收冯雪同志为中共预备党员");
  await host.page.getByText("无记名投票", { exact: true }).click();
  await host.page.getByLabel("所属议程（可选）").selectOption({ label: "讨论接收预备党员" });
  await shoot(host.page, "votes-open-form");
  await host.page.getByRole("button", { name: "发起表决" }).click();
  await expect(host.page.getByText("已发起表决")).toBeVisible();
  const hostVote = host.page.getByTestId("vote-open");
  await expect(hostVote).toContainText("关于接收冯雪同志为中共预备党员");
  await expect(hostVote).toContainText("议程：讨论接收预备党员");

  // 刘洋 votes on his phone.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto(path);
  const liuVote = liu.page.getByTestId("vote-open");
  await expect(liuVote).toContainText("无记名投票：结束前只显示投票人数");
  await shoot(liu.page, "votes-ballot");
  const forButton = liuVote.getByRole("button", { name: "赞成" });
  const box = await forButton.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(64);
  await forButton.click();
  await expect(liu.page.getByTestId("vote-done")).toHaveText(/你已投票（无记名，只计票数）/);
  await expect(liuVote.getByRole("button", { name: "赞成" })).toHaveCount(0);
  await shoot(liu.page, "votes-voted");

  // 赵敏, a 预备党员, is told why she cannot vote.
  const zhao = await memberPage(browser, ZHAO, { phone: true });
  await zhao.page.goto(path);
  await expect(zhao.page.getByTestId("vote-reason")).toHaveText("预备党员没有表决权。");
  await expect(zhao.page.getByRole("button", { name: "赞成" })).toHaveCount(0);

  // The 书记 votes on a desktop; the host sees the count (not the split) move.
  const sec = await memberPage(browser, SEC);
  await sec.page.goto(path);
  await sec.page.getByTestId("vote-open").getByRole("button", { name: "赞成" }).click();
  await expect(sec.page.getByTestId("vote-done")).toBeVisible();
  await expect(host.page.getByTestId("vote-progress")).toContainText("已投票 2 人", { timeout: 10_000 });
  await expect(host.page.getByTestId("vote-live-tally")).toHaveCount(0);

  // 杨帆 could not come and handed in a written opinion; the host records it.
  await hostVote.locator("summary", { hasText: "登记书面意见" }).click();
  const written = host.page.getByTestId("vote-written");
  await written.getByLabel("未到会的同志").selectOption({ label: "杨帆" });
  await written.getByText("赞成", { exact: true }).click();
  await written.getByRole("button", { name: "登记书面意见" }).click();
  await expect(written.getByText("已登记杨帆的书面意见，计入票数。")).toBeVisible();
  await expect(host.page.getByTestId("vote-progress")).toContainText("书面意见 1 份");

  // The host votes, then closes while 李秀英 has not voted: asked once more.
  await hostVote.getByRole("button", { name: "赞成" }).click();
  await expect(host.page.getByTestId("vote-done")).toBeVisible();
  await openPanels(host.page);
  await shoot(host.page, "votes-host-open");
  await hostVote.getByRole("button", { name: "结束表决" }).click();
  await expect(host.page.getByRole("alertdialog", { name: "结束表决？" })).toContainText(
    "还有 1 位到会的有表决权党员未投票",
  );
  await confirmDialog(host.page, "结束表决？", "结束表决");
  await expect(host.page.getByText("表决已结束：通过。结果已写入会议记录的“会议决议”。")).toBeVisible();
  const closed = host.page.getByTestId("vote-closed");
  await expect(closed).toContainText("通过");
  await expect(closed.getByTestId("vote-rule")).toHaveText("赞成票超过应到有表决权党员半数（至少 4 票），通过。");
  await expect(closed).toContainText("含书面意见 1 份（赞成 1、反对 0、弃权 0）");
  await expect(closed).toContainText("结果已写入会议记录");
  await expect(closed.getByTestId("vote-tally").locator('[data-choice="for"] dd')).toHaveText("4");
  await shoot(host.page, "votes-closed");

  // 刘洋's page shows the result without a reload.
  await expect(liu.page.getByTestId("vote-closed")).toContainText("通过", { timeout: 10_000 });

  // The minutes carry the result under 会议决议.
  await sec.page.goto(`/meetings/${id}`);
  await expect(sec.page.locator(".editor__content, .ProseMirror").first()).toContainText(
    "表决事项：接收预备党员，关于接收冯雪同志为中共预备党员（无记名投票）。",
    { timeout: 15_000 },
  );

  for (const p of [host, liu, zhao, sec]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

test("a ballot from a phone without JavaScript comes back to the page", async ({ browser, request }) => {
  test.setTimeout(60_000);
  const id = await startedMeeting(request, "支部党员大会（无脚本）");
  await present(request, id, SEC, "13800000002", LEADER, LIU, CHEN);
  const path = `/meetings/${id}/votes`;
  const host = await memberPage(browser, LEADER, { phone: true });
  await host.page.goto(path);
  await host.page.getByLabel("表决类别").selectOption({ label: "表彰" });
  await host.page.getByRole("textbox", { name: /^表决事项/ }).fill("表彰刘洋同志为优秀共产党员");
  await host.page.getByRole("button", { name: "发起表决" }).click();
  await expect(host.page.getByTestId("vote-open")).toBeVisible();

  const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN", timezoneId: CHINA_TIME_ZONE });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("登录名").fill(CHEN);
  await page.getByLabel("密码").fill("tongxin2026");
  await page.getByRole("button", { name: "登录" }).click();
  await page.goto(path);
  await page.getByTestId("vote-open").getByRole("button", { name: "反对" }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.getByTestId("vote-done")).toHaveText(/你已投票：反对/);
  await context.close();
  await host.context.close();
});
