import type { APIRequestContext, Locator } from "@playwright/test";
import { test, expect, confirmDialog, guardConsole, memberPage, signInThroughForm } from "./fixtures";
import { shoot } from "./screens";
import { CHINA_TIME_ZONE } from "../../shared/time";

// The live study session with three people in three browsers: the host (王建国, 书记, desktop),
// the 记录人 (李秀英, 组织委员, desktop) and a member on a phone (陈静). The host starts the
// session (everyone on the page counts as present, 现场: the meeting is held in a room), moves through the agenda (everyone follows),
// the 记录人 writes the minutes with a speaker chip, a vote runs with its quorum shown and its
// result lands in the minutes, and the host ends the session; the header the system fills
// shows the right 应到/实到/缺席 throughout. The demo meeting is moved to start in a few minutes
// through the e2e server's SQL hook (tests/e2e/serve.ts).

const SEC = "13800000001"; // 王建国, 书记, the host
const RECORDER = "13800000002"; // 李秀英, 组织委员, the 记录人
const CHEN = "13800000005"; // 陈静, a member of 第一党小组

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

test("host, 记录人 and a member on a phone hold a session live", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const [m] = await q<{ id: string }>(
    request,
    `update meetings set starts_at = now() + interval '5 minutes', ends_at = now() + interval '125 minutes'
     where title like '集中学习%' returning id`,
  );
  const path = `/meetings/${m.id}`;

  const host = await memberPage(browser, SEC);
  const rec = await memberPage(browser, RECORDER);
  const chen = await memberPage(browser, CHEN, { phone: true });
  for (const p of [host, rec, chen]) await p.page.goto(path);

  // Everyone sees who is here, from the live channel.
  for (const p of [host, rec, chen]) await expect(p.page.getByTestId("presence-count")).toHaveText("3 人");
  await expect(chen.page.getByTestId("presence")).toContainText("李秀英");
  // Before the start nobody counts as present.
  await expect(rec.page.getByTestId("header-present")).toHaveText(/^实到0 人：无$/);
  const expected = Number(
    /应到\s*(\d+) 人/.exec((await rec.page.getByTestId("header-expected").textContent()) ?? "")?.[1],
  );
  expect(expected).toBeGreaterThan(3);
  // A member has no host controls and reads the minutes only.
  await expect(chen.page.getByTestId("start-session")).toHaveCount(0);
  await expect(chen.page.getByText("只读", { exact: true })).toBeVisible();

  // The host starts: the three on the page count as present, on every page, without reloading.
  await host.page.getByTestId("start-session").click();
  await expect(host.page.getByTestId("session-phase")).toHaveText("进行中");
  await expect(chen.page.getByTestId("session-phase")).toHaveText("进行中");
  // The demo meeting is held in a room only: being on its page is 现场 (decision 028).
  await expect(rec.page.getByTestId("header-present")).toHaveText(/^实到3 人，其中现场 3 人、线上 0 人：/);
  for (const name of ["王建国", "李秀英", "陈静"])
    await expect(rec.page.getByTestId("header-present")).toContainText(name);

  // The host moves to the first agenda item, then the second: the phone follows.
  await host.page.getByTestId("agenda-next").click();
  const current = chen.page.locator('[data-testid="agenda"] [aria-current="step"]');
  await expect(current).toContainText("学习《条例》第二章");
  await host.page.getByTestId("agenda-next").click();
  await expect(current).toContainText("交流学习体会");

  // The 记录人 writes under the outline the minutes started with, marking the speaker.
  const recEditor = rec.page.getByTestId("minutes-editor");
  await expect(rec.page.getByText("已同步")).toBeVisible();
  await expect(recEditor).toContainText("二、交流学习体会");
  await recEditor.getByText("发言要点").nth(1).click();
  await rec.page.keyboard.press("End");
  await rec.page.keyboard.press("Enter");
  await rec.page.getByRole("button", { name: "发言人" }).click();
  await rec.page.getByRole("listbox", { name: "选择发言人" }).getByRole("option", { name: /^陈静/ }).click();
  await rec.page.keyboard.type("支部工作条例让我明确了党小组的职责");
  // The host and the member see it live, with the speaker chip.
  const chenEditor = chen.page.getByTestId("minutes-editor");
  await expect(chenEditor).toContainText("陈静：支部工作条例让我明确了党小组的职责");
  await expect(chenEditor.locator(".speaker")).toHaveText("陈静");
  await expect(host.page.getByTestId("minutes-editor")).toContainText("明确了党小组的职责");

  // Votes: three present is no quorum, and the page says so with the figures.
  const quorum = host.page.getByTestId("votes-quorum");
  await expect(quorum).toContainText("未超过半数");
  // The others sign in in the room (recorded as the code sign-in does), all but two.
  const absentees = await q<{ name: string }>(
    request,
    `with listed as (
       select i.user_id, u.display_name from meeting_invitees i join users u on u.id = i.user_id
       where i.meeting_id = $1 and i.role = 'attendee' and u.username not in ($2, $3, $4)
       order by u.username)
     , came as (
       insert into attendance (meeting_id, user_id, status, signed_in_at, via)
       select $1, user_id, 'present', now(), 'code' from listed offset 2 returning user_id)
     select display_name as name from listed where user_id not in (select user_id from came)`,
    [m.id, SEC, RECORDER, CHEN],
  );
  expect(absentees).toHaveLength(2);
  // Any change of the session reloads the pages: the host goes on to the third item.
  await host.page.getByTestId("agenda-next").click();
  await expect(current).toContainText("通报下季度工作安排");
  await expect(quorum).toContainText("超过半数，可以表决");

  await host.page.getByLabel("表决类别").selectOption({ label: "表彰" });
  await host.page.getByRole("textbox", { name: /^表决事项/ }).fill("表彰刘洋同志为优秀共产党员");
  // The item under discussion is chosen for the vote already.
  await expect(host.page.getByLabel("所属议程（可选）")).toHaveValue(/.+/);
  await host.page.getByRole("button", { name: "发起表决" }).click();
  await expect(host.page.getByText("已发起表决")).toBeVisible();
  const chenVote = chen.page.getByTestId("vote-open");
  await expect(chenVote).toBeVisible({ timeout: 10_000 });
  await chenVote.getByRole("button", { name: "赞成" }).click();
  await expect(chen.page.getByTestId("vote-done")).toBeVisible();
  await rec.page.getByTestId("vote-open").getByRole("button", { name: "赞成" }).click();
  await host.page.getByTestId("vote-open").getByRole("button", { name: "赞成" }).click();
  await expect(host.page.getByTestId("vote-progress")).toContainText("已投票 3 人", { timeout: 10_000 });
  await host.page.getByTestId("vote-open").getByRole("button", { name: "结束表决" }).click();
  await confirmDialog(host.page, "结束表决？", "结束表决");
  // Three in favour of `expected` voting members is not more than half of those who should attend.
  await expect(host.page.getByTestId("vote-closed")).toContainText("未通过");
  // The result is in the minutes, under 会议决议, on every page.
  await expect(chenEditor).toContainText("表彰刘洋同志为优秀共产党员");
  await expect(chenEditor).toContainText("未通过");

  // 陈静 writes her 心得体会 from the session page on her phone, partly offline, and submits it.
  await chen.page.getByTestId("session-reflections").getByRole("link", { name: "写心得体会" }).click();
  await chen.page.waitForURL(/\/reflection$/);
  const sync = chen.page.locator(".reflection-editor [data-state]");
  await expect(sync).toHaveText("已同步");
  await chen.page.getByTestId("reflection-editor").click();
  await chen.page.keyboard.insertText(
    "学习《条例》第二章后，我对党小组在支部中的位置有了新的认识：党小组是党员日常教育管理的基本单元，组织生活要落在小组里。",
  );
  await chen.context.setOffline(true);
  await expect(sync).toHaveText("已保存到本机");
  await chen.page.keyboard.press("Enter");
  await chen.page.keyboard.insertText("下一步我要在小组里带头按时交纳党费，认真准备每一次学习交流。");
  await expect(sync).toHaveText("离线编辑中，联网后自动同步");
  await chen.context.setOffline(false);
  await expect(sync).toHaveText("已同步", { timeout: 15_000 });
  await chen.page.getByRole("button", { name: "提交心得体会" }).click();
  await confirmDialog(chen.page, "提交心得体会？", "提交");
  await expect(chen.page.getByTestId("reflection-text")).toContainText("带头按时交纳党费");
  // The host's session page counts it, live.
  await expect(host.page.getByTestId("reflections-figures")).toContainText("已提交 1/");
  await chen.page.goto(path);

  await shoot(host.page, "session-host");
  await shoot(chen.page, "session-phone");

  // The host ends the session: attendance is frozen, the header names the absent with reasons.
  await host.page.getByTestId("end-session").click();
  await confirmDialog(host.page, "结束会议？", "结束会议");
  await expect(chen.page.getByTestId("session-phase")).toHaveText("已结束");
  const present = expected - 2;
  await expect(rec.page.getByTestId("header-present")).toHaveText(new RegExp(`^实到${present} 人，其中`));
  const absent = rec.page.getByTestId("header-absent");
  await expect(absent).toHaveText(/^缺席2 人：/);
  for (const a of absentees) await expect(absent).toContainText(`${a.name}（未请假）`);
  await expect(rec.page.getByTestId("header-expected")).toContainText(`应到${expected} 人`);

  // After a reload everything is still there, once.
  await rec.page.reload();
  await expect(rec.page.getByText("已同步")).toBeVisible();
  const text = await rec.page.getByTestId("minutes-editor").innerText();
  expect(text.match(/支部工作条例让我明确了党小组的职责/g)).toHaveLength(1);
  expect(text.match(/表彰刘洋同志为优秀共产党员/g)).toHaveLength(1);

  for (const p of [host, rec, chen]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

// ---------------------------------------------------------------------------------------------
// The first hour of a new user: the picker, presence, an ended session, confirmations, 投屏.
// Each test makes its own meeting through the SQL hook, so they run alone and in any order.
// ---------------------------------------------------------------------------------------------

const BRANCH_PEOPLE = [SEC, RECORDER, "13800000003", "13800000004", CHEN, "13800000006", "13800000007", "13800000008"];
const AGENDA = ["学习党章第三章", "交流学习体会", "通报下季度工作安排"];

/**
 * A 支部党员大会 of 机关第一党支部 starting in five minutes: 王建国 hosts, 李秀英 records, the
 * branch's eight members are 应到 (seven with a vote), three agenda items. `started`: the host
 * has started it.
 */
async function branchMeeting(request: APIRequestContext, title: string, opts: { started?: boolean } = {}) {
  const [m] = await q<{ id: string }>(
    request,
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id,
       session_started_at)
     select o.id, 'general_assembly', $1, now() + interval '5 minutes', now() + interval '125 minutes',
       '机关办公楼三楼党员活动室', s.id, s.id, r.id, case when $2::boolean then now() end
     from organizations o, users s, users r
     where o.name = '机关第一党支部' and s.username = $3 and r.username = $4 returning id`,
    [title, Boolean(opts.started), SEC, RECORDER],
  );
  await q(
    request,
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, 'attendee' from users where username = any($2::text[])`,
    [m.id, BRANCH_PEOPLE],
  );
  await q(
    request,
    `insert into meeting_agenda_items (meeting_id, position, title)
     select $1::uuid, p - 1, t from unnest($2::text[]) with ordinality as a(t, p)`,
    [m.id, AGENDA],
  );
  return m.id;
}

async function signedIn(request: APIRequestContext, meetingId: string, usernames: string[]) {
  await q(
    request,
    `insert into attendance (meeting_id, user_id, status, signed_in_at, via)
     select $1::uuid, id, 'present', now(), 'code' from users where username = any($2::text[])`,
    [meetingId, usernames],
  );
}

/** Whether the element is really there to be seen and tapped: its centre is on screen and on top. */
function onTop(locator: Locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (r.width === 0 || x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  });
}

test("发言人: the list opens over the page, for a pointer, a finger and the keyboard", async ({ browser, request }) => {
  test.setTimeout(90_000);
  for (const phone of [false, true]) {
    const id = await branchMeeting(request, `发言人选择（${phone ? "手机" : "电脑"}）`, { started: true });
    await signedIn(request, id, [SEC, RECORDER, CHEN]);
    const rec = await memberPage(browser, RECORDER, { phone });
    const { page } = rec;
    await page.goto(`/meetings/${id}`);
    await expect(page.getByText("已同步")).toBeVisible();
    const editor = page.getByTestId("minutes-editor");
    await editor.getByText("发言要点").first().click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");

    const trigger = page.getByRole("button", { name: "发言人" });
    const list = page.getByRole("listbox", { name: "选择发言人" });
    if (phone) await trigger.tap();
    else await trigger.click();
    await expect(list).toBeVisible();
    // Present first; every choice can be seen and hit where it is, without scrolling anything.
    const options = list.getByRole("option");
    for (const i of [0, 1, 2]) await expect(options.nth(i)).not.toContainText("未到");
    await expect(options.nth(3)).toContainText("未到");
    const n = await options.count();
    expect(n).toBe(BRANCH_PEOPLE.length);
    for (let i = 0; i < Math.min(n, 4); i++) expect(await onTop(options.nth(i)), `option ${i} on top`).toBe(true);
    await shoot(page, `speaker-picker-${phone ? "phone" : "desktop"}`);
    // The captures resize the window and scroll to the top; bring the toolbar back into view.
    await trigger.scrollIntoViewIfNeeded();
    const chen = list.getByRole("option", { name: /^陈静/ });
    if (phone) await chen.tap();
    else await chen.click();
    await expect(list).toBeHidden();
    await expect(editor.locator(".speaker").last()).toHaveText("陈静");
    await page.keyboard.type("按时参加组织生活");
    await expect(editor).toContainText("陈静：按时参加组织生活");

    // A tap outside closes it, and so does Escape (back to the button).
    await trigger.click();
    await expect(list).toBeVisible();
    await page.getByRole("heading", { level: 1 }).click();
    await expect(list).toBeHidden();
    await trigger.focus();
    await page.keyboard.press("Enter");
    await expect(list).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await expect(trigger).toBeFocused();

    // The keyboard alone: open, go down one, pick; the chip lands where the caret was.
    await editor.getByText("按时参加组织生活").click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await trigger.focus();
    await page.keyboard.press("ArrowDown");
    await expect(list).toBeVisible();
    const second = (await options.nth(1).innerText()).split(/\s/)[0];
    await page.keyboard.press("ArrowDown");
    await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Enter");
    await expect(list).toBeHidden();
    await page.keyboard.type("表示赞同");
    await expect(editor).toContainText(`${second}：表示赞同`);

    expect(rec.problems).toEqual([]);
    await rec.context.close();
  }
});

test("alone on the session page I am counted at once, and the count never shows 0", async ({ browser, request }) => {
  const id = await branchMeeting(request, "在线人数");
  const host = await memberPage(browser, SEC);
  const { page } = host;
  // Every text the count shows, from the first byte of the page on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { presenceSeen: string[] }).presenceSeen = seen;
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="presence-count"]')?.textContent;
      if (t != null && seen[seen.length - 1] !== t) seen.push(t);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const seen = () => page.evaluate(() => (window as unknown as { presenceSeen: string[] }).presenceSeen);
  await page.goto(`/meetings/${id}`);
  await expect(page.getByTestId("presence-count")).toHaveText("1 人");
  await expect(page.getByTestId("presence")).toContainText("王建国");
  await page.getByTestId("start-session").click();
  await expect(page.getByTestId("session-phase")).toHaveText("进行中");
  // The page reloads its data after the start: watch through that.
  await page.waitForTimeout(3000);
  await expect(page.getByTestId("presence-count")).toHaveText("1 人");
  expect(await seen()).toEqual(["1 人"]);
  expect(host.problems).toEqual([]);
  await host.context.close();
});

test("an ended session reads as ended everywhere on the page", async ({ browser, request }) => {
  test.setTimeout(60_000);
  const id = await branchMeeting(request, "已结束的支部党员大会", { started: true });
  // Six came (five of seven voters), a vote passed, the host was on the second item; then ended.
  const came = [SEC, RECORDER, "13800000003", "13800000004", CHEN, "13800000007"];
  await signedIn(request, id, came);
  await q(
    request,
    `insert into votes (meeting_id, matter, title, secret, status, opened_by, expected, present_at_open,
       for_count, closed_by, closed_at, present_at_close, passed)
     select $1::uuid, 'commendation', '表彰刘洋同志为优秀共产党员', false, 'closed', u.id, 7, 5, 5, u.id, now(), 5, true
     from users u where u.username = $2`,
    [id, SEC],
  );
  await q(
    request,
    `update meetings set session_ended_at = now(),
       current_agenda_item_id = (select id from meeting_agenda_items where meeting_id = $1::uuid and position = 1)
     where id = $1::uuid`,
    [id],
  );
  const host = await memberPage(browser, SEC);
  const chen = await memberPage(browser, CHEN, { phone: true });
  for (const p of [host, chen]) {
    const { page } = p;
    await page.goto(`/meetings/${id}`);
    await expect(page.getByTestId("session-phase")).toHaveText("已结束");
    // The agenda: no item under way, the agenda itself marked as done.
    await expect(page.getByTestId("agenda").locator('[aria-current="step"]')).toHaveCount(0);
    await expect(page.getByText("正在进行")).toHaveCount(0);
    await expect(page.getByTestId("agenda-status")).toHaveText("已结束");
    // Votes: the result only; no quorum, no form to open one.
    await expect(page.getByTestId("vote-closed")).toContainText("表彰刘洋同志为优秀共产党员");
    await expect(page.getByTestId("votes-quorum")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "发起表决" })).toHaveCount(0);
    await expect(page.getByText("会议已经结束，不能再表决")).toHaveCount(0);
    // Who attended, not who is online now.
    const attended = page.getByTestId("attended");
    await expect(attended).toContainText("实到 6 / 应到 8 人");
    for (const name of ["王建国", "陈静", "赵敏"]) await expect(attended).toContainText(name);
    await expect(page.getByTestId("presence-count")).toHaveCount(0);
    await expect(page.getByText(/在线\s*0\s*人/)).toHaveCount(0);
  }
  // The host: nothing to run any more, only what still makes sense after the end.
  let { page } = host;
  await expect(page.getByTestId("end-session")).toHaveCount(0);
  await expect(page.getByTestId("start-session")).toHaveCount(0);
  await expect(page.getByTestId("agenda-next")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "更正" })).toBeVisible();
  await expect(page.getByRole("link", { name: "编辑/改期/取消" })).toHaveCount(0);
  const bar = page.getByRole("region", { name: "主持人操作" });
  await expect(bar).toContainText("会议已结束");
  await expect(bar.getByRole("button")).toHaveCount(0);
  await expect(bar.getByRole("link", { name: /考勤/ })).toHaveAttribute("href", `/meetings/${id}/attendance`);
  await shoot(page, "session-ended-host");
  await shoot(chen.page, "session-ended-member");
  // The record (decision 038): the 记录人 has signed already; the host's click seals it.
  await expect(bar).toContainText("直至主持人和记录人签字封存");
  await q(
    request,
    `insert into meeting_signoffs (meeting_id, role, holder_id, signed_by, signed_by_name)
     select $1::uuid, 'recorder', id, id, display_name from users where username = $2`,
    [id, RECORDER],
  );
  // The host's meeting page stays open with the minutes writable; sealing (in another tab) turns it read-only.
  await expect(page.getByText("已同步")).toBeVisible();
  const meetingPage = page;
  page = await host.context.newPage();
  const tabProblems = guardConsole(page);
  await page.goto(`/meetings/${id}`);
  await page.getByRole("region", { name: "主持人操作" }).getByRole("link", { name: "签字封存" }).click();
  await expect(page.getByTestId("record-state")).toHaveText("待签字封存");
  await expect(page.getByTestId("record-open")).toContainText("以下部分未填写：一、学习党章第三章 · 发言要点");
  await page.getByTestId("record-sign").click();
  await confirmDialog(page, "签字确认会议记录？", "签字");
  await expect(page.locator(".alert--ok")).toContainText("会议记录已封存");
  await expect(page.getByTestId("record-state")).toHaveText("已封存");
  await expect(page.getByTestId("signoff-recorder")).toContainText("李秀英已签字");
  await shoot(page, "record-sealed");
  await expect(meetingPage.getByTestId("write-lost")).toBeVisible();
  await expect(meetingPage.getByTestId("host-bar-record")).toContainText("签字封存，只读");
  expect(tabProblems).toEqual([]);
  for (const p of [host, chen]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

test("结束会议 asks first, in the page's own dialog", async ({ browser, request }) => {
  const id = await branchMeeting(request, "结束前确认", { started: true });
  const host = await memberPage(browser, SEC, { phone: true });
  const { page } = host;
  await page.goto(`/meetings/${id}`);
  const end = page.getByTestId("end-session");
  await end.click();
  const dialog = page.getByRole("alertdialog", { name: "结束会议？" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("考勤将冻结");
  await shoot(page, "confirm-end-session");
  // Focus stays in the dialog, whichever way one tabs.
  for (const key of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus after ${key}`).toBe(true);
  }
  // Escape: nothing happens, focus back on the button.
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(end).toBeFocused();
  await expect(page.getByTestId("session-phase")).toHaveText("进行中");
  // 返回 does nothing either; then the real thing.
  await end.click();
  await dialog.getByRole("button", { name: "返回" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("session-phase")).toHaveText("进行中");
  await end.click();
  await dialog.getByRole("button", { name: "结束会议" }).click();
  await expect(page.getByTestId("session-phase")).toHaveText("已结束");
  await expect(page.getByText("会议已结束，考勤已冻结")).toBeVisible();
  expect(host.problems).toEqual([]);
  await host.context.close();
});

test("without JavaScript, 结束会议 still ends the meeting", async ({ browser, request }) => {
  const id = await branchMeeting(request, "无脚本结束会议", { started: true });
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN", timezoneId: CHINA_TIME_ZONE });
  const page = await context.newPage();
  await signInThroughForm(page, SEC);
  await page.goto(`/meetings/${id}`);
  await page.getByTestId("end-session").click();
  await expect(page.getByTestId("session-phase")).toHaveText("已结束");
  await context.close();
});

test("投屏 is a view for the room: the item, the sign-in code and its QR, a vote's result, nothing personal", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const id = await branchMeeting(request, "投屏的支部党员大会", { started: true });
  await signedIn(request, id, [SEC, RECORDER, "13800000003", "13800000004"]);
  const host = await memberPage(browser, SEC);
  await host.page.goto(`/meetings/${id}`);
  const [screen] = await Promise.all([
    host.context.waitForEvent("page"),
    host.page.getByRole("link", { name: "投屏" }).click(),
  ]);
  const problems = guardConsole(screen);
  await expect(screen).toHaveURL(new RegExp(`/meetings/${id}/screen$`));
  await expect(screen.getByRole("heading", { level: 1 })).toHaveText("投屏的支部党员大会");

  // The host moves on: the room follows.
  await expect(screen.getByTestId("screen-current")).toContainText("尚未开始议程");
  await host.page.getByTestId("agenda-next").click();
  await expect(screen.getByTestId("screen-current")).toContainText(AGENDA[0]);
  await expect(screen.getByTestId("screen-current")).toContainText("第 1 项 / 共 3 项");

  // The sign-in code and its QR while sign-in is open; a member signs in with it.
  const code = screen.getByTestId("screen-code");
  await expect(code).toHaveText(/^\d{6}$/);
  await expect(screen.getByTestId("screen-qr").locator("svg")).toBeVisible();
  await expect(screen.getByTestId("screen-turnout")).toContainText("实到 4 / 应到 8 人");
  const chen = await memberPage(browser, CHEN, { phone: true });
  await chen.page.goto(`/meetings/${id}/attendance?code=${await code.innerText()}`);
  await chen.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(chen.page.getByText("签到成功")).toBeVisible();
  await expect(screen.getByTestId("screen-turnout")).toContainText("实到 5 / 应到 8 人");

  // Nothing personal and nothing to press but 全屏: no names, no cards of one's own, no controls.
  const text = await screen.locator("body").innerText();
  for (const word of ["王建国", "陈静", "黄磊", "杨帆", "心得体会", "在线", "结束会议", "下一项"])
    expect(text, word).not.toContain(word);
  expect(await screen.getByRole("button").allInnerTexts()).toEqual(["全屏"]);
  await shoot(screen, "screen-signin");

  // A vote closes: its result is on the screen.
  const votes = `/meetings/${id}/votes`;
  const opened = await host.page.request.post(votes, {
    form: { intent: "open", matter: "commendation", title: "表彰刘洋同志为优秀共产党员", secret: "0" },
  });
  expect(opened.ok()).toBe(true);
  await expect(screen.getByTestId("screen-vote")).toContainText("表决进行中");
  const [vote] = await q<{ id: string }>(request, `select id from votes where meeting_id = $1::uuid`, [id]);
  await host.page.request.post(votes, { form: { intent: "cast", voteId: vote.id, choice: "for" } });
  await expect(screen.getByTestId("screen-vote")).toContainText("已投票 1");
  await host.page.request.post(votes, { form: { intent: "close", voteId: vote.id } });
  await expect(screen.getByTestId("screen-vote")).toContainText("未通过");
  await expect(screen.getByTestId("screen-vote")).toContainText(/赞成\s*1/);
  await shoot(screen, "screen-vote");

  // The code turns every 30 seconds, and the screen with it.
  const first = await code.innerText();
  await expect(code).not.toHaveText(first, { timeout: 35_000 });

  // A member's screen has no code: only those who run the attendance show it.
  await chen.page.goto(`/meetings/${id}/screen`);
  await expect(chen.page.getByTestId("screen-current")).toContainText(AGENDA[0]);
  await expect(chen.page.getByTestId("screen-code")).toHaveCount(0);

  expect(problems).toEqual([]);
  for (const p of [host, chen]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});
