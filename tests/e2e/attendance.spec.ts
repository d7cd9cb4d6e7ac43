import type { APIRequestContext } from "@playwright/test";
import { test, expect, confirmDialog, memberPage } from "./fixtures";
import { openPanels, shoot } from "./screens";

// Attendance: leave on a phone, approval on a desktop, the host's rotating code typed on a
// phone and opened from its QR link, a host correction, closing attendance and make-up study.
// No page schedules meetings with invitees yet, so the meetings are made through the e2e
// server's SQL hook (tests/e2e/serve.ts).

const SEC = "13800000001"; // 王建国, 书记
const LIU = "13800000004"; // 刘洋
const CHEN = "13800000005"; // 陈静
const ZHAO = "13800000007"; // 赵敏, 预备党员
const HUANG = "13800000008"; // 黄磊

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

/** A meeting of 机关第一党支部 starting `inMin` minutes from now, with the branch on its list and the 党委's reviewer as guest. */
async function makeMeeting(
  request: APIRequestContext,
  title: string,
  inMin: number,
  minutes = 90,
  opts: { onlineUrl?: string; started?: boolean } = {},
) {
  const start = new Date(Date.now() + inMin * 60_000);
  const end = new Date(start.getTime() + minutes * 60_000);
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, online_url, created_by, host_id,
       session_started_at)
     select o.id, 'general_assembly', $1, $2::timestamptz, $3::timestamptz, '机关办公楼三楼党员活动室', $4,
       (select id from users where username = '13800000001'), (select id from users where username = '13800000001'),
       case when $5 then now() end
     from organizations o where o.name = '机关第一党支部' returning id`,
    [title, start.toISOString(), end.toISOString(), opts.onlineUrl ?? null, opts.started ?? false],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, case when username = '13800000009' then 'guest' else 'attendee' end from users
     where username in ('13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006',
       '13800000007', '13800000008', '13800000012', '13800000009')`,
    [m.id],
  );
  return m.id;
}

test("leave on a phone, approval by the 书记, then sign-in with the host's code and a correction", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const id = await makeMeeting(request, "学习贯彻党的二十届四中全会精神专题会", 5);
  const path = `/meetings/${id}/attendance`;

  // 赵敏 asks leave on her phone, before the start.
  const zhao = await memberPage(browser, ZHAO, { phone: true });
  await zhao.page.goto(path);
  await expect(zhao.page.getByRole("heading", { level: 1 })).toHaveText("学习贯彻党的二十届四中全会精神专题会");
  await zhao.page.getByText("无法参加？请假").click();
  await zhao.page.getByRole("button", { name: "提交请假" }).click();
  await expect(zhao.page.locator("#reason-error")).toHaveText("请填写请假原因");
  await zhao.page.getByLabel("请假原因").fill("在市委党校参加培训，无法到场");
  await zhao.page.getByRole("button", { name: "提交请假" }).click();
  await expect(zhao.page.getByText("请假申请已提交")).toBeVisible();
  await expect(zhao.page.locator(".att-me__leave")).toContainText("请假待审批");

  // The 书记, on a desktop: the code, the pending request; approves it.
  const sec = await memberPage(browser, SEC);
  await sec.page.goto("/notifications");
  await sec.page.getByRole("button", { name: /请假申请：赵敏/ }).click();
  await expect(sec.page).toHaveURL(new RegExp(`${path}$`));
  const code = sec.page.getByTestId("signin-code");
  await expect(code).toHaveText(/^\d{6}$/);
  await expect(sec.page.getByText(/\d+ 秒后更换/)).toBeVisible();
  await expect(sec.page.getByRole("img", { name: "签到二维码" }).locator("svg")).toBeVisible();
  const request1 = sec.page.getByTestId("leave-requests").locator("li", { hasText: "赵敏" });
  await expect(request1).toContainText("在市委党校参加培训");
  await request1.getByLabel("对赵敏请假的审批意见").fill("同意，会后请补学");
  await request1.getByRole("button", { name: "批准", exact: true }).click();
  await expect(sec.page.getByText("已批准请假。")).toBeVisible();
  const table = sec.page.getByTestId("attendance-table");
  await expect(table.locator("li", { hasText: "赵敏" })).toContainText("请假");
  await expect(sec.page.getByTestId("attendance-counts").locator('[data-stat="leave"] dd')).toHaveText("1");

  // 赵敏 sees the decision.
  await zhao.page.reload();
  await expect(zhao.page.locator(".att-me__leave")).toContainText("请假已批准");
  await expect(zhao.page.locator(".att-me__leave")).toContainText("同意，会后请补学");
  await shoot(zhao.page, "attendance-leave");

  // 刘洋 types the code shown on the host's screen, on his phone.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto(path);
  await expect(liu.page.getByTestId("signin-code")).toHaveCount(0);
  const codeBox = liu.page.getByRole("textbox", { name: "签到码" });
  await expect(codeBox).toHaveAttribute("inputmode", "numeric");
  await expect(codeBox).toHaveAttribute("autocomplete", "one-time-code");
  await codeBox.fill("000000" === (await code.innerText()) ? "111111" : "000000");
  await liu.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(liu.page.locator("#code-error")).toContainText("签到码不正确");
  await codeBox.fill(await code.innerText());
  await liu.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(liu.page.getByText("签到成功，记为现场出席。")).toBeVisible();
  await expect(liu.page.locator(".att-me__done")).toContainText("签到码");
  await shoot(liu.page, "attendance-member");

  // The host's page refreshes itself: 刘洋 appears as 出席 without a reload.
  await expect(table.locator("li", { hasText: "刘洋" })).toContainText("出席", { timeout: 10_000 });
  await expect(sec.page.getByTestId("attendance-counts").locator('[data-stat="present"] dd')).toHaveText("1");

  // 陈静 scans the QR code: the page opens with the code filled in, ready to confirm.
  const chen = await memberPage(browser, CHEN, { phone: true });
  await chen.page.goto(`${path}?code=${await code.innerText()}`);
  await expect(chen.page.getByRole("textbox", { name: "签到码" })).toHaveValue(/^\d{6}$/);
  await expect(chen.page.getByText("已从二维码读取签到码")).toBeVisible();
  await shoot(chen.page, "attendance-signin");
  await chen.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(chen.page.getByText("签到成功，记为现场出席。")).toBeVisible();

  // The host corrects 黄磊, who signed a paper list at the door: a reason is required.
  const huangRow = table.locator("li", { hasText: "黄磊" });
  await huangRow.getByText("更正", { exact: true }).click();
  await huangRow.getByLabel("更正为").selectOption({ label: "迟到" });
  await huangRow.getByRole("button", { name: "保存更正" }).click();
  await expect(huangRow.locator(".field__error")).toHaveText("请填写更正原因");
  await huangRow.getByLabel("原因（必填）").fill("手机没电，在门口纸质签到");
  await huangRow.getByRole("button", { name: "保存更正" }).click();
  await expect(huangRow).toContainText("主持人更正：手机没电，在门口纸质签到");
  await expect(huangRow.locator(".att-row__status")).toHaveText("迟到");
  await expect(sec.page.getByTestId("attendance-counts").locator('[data-stat="late"] dd')).toHaveText("1");
  await expect(sec.page.getByTestId("attendance-counts").locator('[data-stat="present"] dd')).toHaveText("3");
  await shoot(sec.page, "attendance-host");
  await openPanels(sec.page);
  await shoot(sec.page, "attendance-host-panels");

  for (const p of [zhao, sec, liu, chen]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

test("closing attendance gives 补学 to who was missing; the member completes it on a phone", async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  // Ended half an hour ago: 刘洋 signed in, 赵敏 had leave approved, the others did not come.
  const id = await makeMeeting(request, "主题党日：重温入党誓词", -120, 90);
  await q(
    request,
    `insert into attendance (meeting_id, user_id, status, signed_in_at, via)
     select $1::uuid, id, 'present', now() - interval '2 hours', 'code' from users where username = '13800000004'`,
    [id],
  );
  await q(
    request,
    `insert into leave_requests (meeting_id, user_id, reason, status, decided_at)
     select $1::uuid, id, '外出培训', 'approved', now() from users where username = '13800000007'`,
    [id],
  );

  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${id}/attendance`);
  await expect(sec.page.getByTestId("signin-code")).toHaveCount(0);
  await expect(sec.page.getByTestId("attendance-counts").locator('[data-stat="absent"] dd')).toHaveText("7");
  await sec.page.getByRole("button", { name: "结束考勤并安排补学" }).click();
  await expect(sec.page.getByRole("alertdialog", { name: "结束考勤？" })).toContainText("现有 8 人");
  await confirmDialog(sec.page, "结束考勤？", "结束考勤");
  await expect(sec.page.getByText(/已为 8 位同志安排补学/)).toBeVisible();
  await expect(sec.page.getByRole("heading", { name: "考勤已结束" })).toBeVisible();
  await expect(sec.page.getByTestId("attendance-table").locator("li", { hasText: "刘洋" })).not.toContainText("待补学");
  await expect(sec.page.getByTestId("attendance-table").locator("li", { hasText: "赵敏" })).toContainText("待补学");

  // 黄磊 is told, and the notification brings him to 补学.
  const huang = await memberPage(browser, HUANG, { phone: true });
  await huang.page.goto("/notifications");
  await huang.page.getByRole("button", { name: /补学：.*重温入党誓词/ }).click();
  await expect(huang.page).toHaveURL(/\/makeup$/);
  const task = huang.page.getByTestId("makeup-open").locator("li", { hasText: "重温入党誓词" });
  await expect(task.getByRole("link", { name: "查看会议材料和记录" })).toHaveAttribute("href", `/meetings/${id}`);
  await shoot(huang.page, "makeup");
  await task.getByLabel("学习心得（可选）").fill("重温誓词，对照检查自身不足。");
  await task.getByRole("button", { name: "完成补学" }).click();
  await expect(huang.page.getByText("已记录补学完成。")).toBeVisible();
  const done = huang.page.getByTestId("makeup-done").locator("li", { hasText: "重温入党誓词" });
  await expect(done).toContainText(/于 .+ 完成补学/);
  await shoot(huang.page, "makeup-done");

  await sec.page.reload();
  await expect(sec.page.getByTestId("attendance-table").locator("li", { hasText: "黄磊" })).toContainText("已补学");
  await shoot(sec.page, "attendance-closed");

  for (const p of [sec, huang]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

test("how each person attended: the room's code is 现场, the page of a meeting with a link is 线上, the host corrects", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const id = await makeMeeting(request, "现场和线上同时进行的党员大会", -5, 90, {
    onlineUrl: "https://meeting.example/branch-1",
    started: true,
  });
  const path = `/meetings/${id}/attendance`;
  const sec = await memberPage(browser, SEC);
  await sec.page.goto(path);
  await expect(sec.page.getByTestId("meeting-form")).toHaveText("现场 + 线上");
  const code = sec.page.getByTestId("signin-code");
  await expect(code).toHaveText(/^\d{6}$/);

  // 刘洋 types the code shown in the room: 现场.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto(`${path}?code=${await code.innerText()}`);
  await liu.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(liu.page.getByText("签到成功，记为现场出席。")).toBeVisible();
  await expect(liu.page.locator(".att-me__head")).toContainText("现场");

  // 陈静 opens the session page first: 线上, and the page tells her how to change it from the room.
  const chen = await memberPage(browser, CHEN, { phone: true });
  await chen.page.goto(`/meetings/${id}`);
  await expect(chen.page.getByTestId("presence-mode")).toContainText("你记为线上参会", { timeout: 10_000 });
  await chen.page.getByRole("link", { name: "输入签到码改为现场" }).click();
  await expect(chen.page.locator(".att-me__head")).toContainText("线上");
  await chen.page.getByText("在会场？输入签到码改为现场").click();
  await chen.page.getByRole("textbox", { name: "签到码" }).fill(await code.innerText());
  await chen.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(chen.page.getByText("已改为现场参会。")).toBeVisible();
  await expect(chen.page.locator(".att-me__head")).toContainText("现场");
  await shoot(chen.page, "attendance-mode-member");

  // 杨帆 follows from elsewhere through the page: 线上.
  const yang = await memberPage(browser, "13800000006", { phone: true });
  await yang.page.goto(`/meetings/${id}`);
  const table = sec.page.getByTestId("attendance-table");
  await expect(table.locator("li", { hasText: "杨帆" }).locator(".att-row__status")).toHaveText("出席线上", {
    timeout: 10_000,
  });
  await expect(table.locator("li", { hasText: "刘洋" }).locator(".att-row__status")).toHaveText("出席现场");
  await expect(table.locator("li", { hasText: "陈静" }).locator(".att-row__status")).toHaveText("出席现场");

  // The host records 黄磊, who joined by telephone, as 线上, with a reason.
  const huangRow = table.locator("li", { hasText: "黄磊" });
  await huangRow.getByText("更正", { exact: true }).click();
  await huangRow.getByLabel("更正为").selectOption({ label: "出席" });
  await huangRow.getByLabel("参会方式").selectOption({ label: "线上" });
  await huangRow.getByLabel("原因（必填）").fill("在外地，通过电话接入");
  await huangRow.getByRole("button", { name: "保存更正" }).click();
  await expect(huangRow.locator(".att-row__status")).toHaveText("出席线上");
  await expect(huangRow).toContainText("主持人更正：在外地，通过电话接入");
  const modes = sec.page.getByTestId("attendance-modes");
  await expect(modes.locator('[data-stat="onsite"] dd')).toHaveText("2");
  await expect(modes.locator('[data-stat="online"] dd')).toHaveText("2");
  await expect(sec.page.getByRole("link", { name: "导出考勤表（CSV）" })).toHaveAttribute(
    "href",
    `/meetings/${id}/attendance.csv`,
  );
  await shoot(sec.page, "attendance-mode-host");
  await huangRow.getByText("更正", { exact: true }).click();
  await shoot(sec.page, "attendance-mode-host-correct");

  // The minutes header says it too; the host, on the page, chairs from the room.
  await sec.page.goto(`/meetings/${id}`);
  await expect(sec.page.getByTestId("header-present")).toContainText("5 人，其中现场 3 人、线上 2 人：");
  await expect(sec.page.getByTestId("header-present")).toContainText("黄磊（线上）");
  await sec.page.getByTestId("minutes-header").scrollIntoViewIfNeeded();
  await shoot(sec.page, "attendance-mode-header");

  for (const p of [sec, liu, chen, yang]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});
