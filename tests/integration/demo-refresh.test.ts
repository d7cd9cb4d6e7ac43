import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startEntry } from "../setup/entry";
import { signIn } from "../setup/server";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { DEMO } from "../setup/demo";

// The demo as a newcomer meets it, on any day: `npm start` (server/main.ts) on a fresh database,
// then started again days later with its clock shifted (tests/setup/shifted-clock.ts). While nobody
// has changed the demo, each start lays its meetings out again so the 书记 can start the meeting
// at once, a member signs in with the code and both write the minutes; once someone has, it stays.

const DAY = 86_400_000;
const TITLE = "集中学习《中国共产党支部工作条例（试行）》";
const SEC = DEMO.SEC; // 王建国 书记
const LIU = DEMO.LIU; // 刘洋, helps with the minutes

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await db?.drop();
});

const page = async (url: string, cookie: string) => (await fetch(url, { headers: { cookie } })).text();
const post = async (url: string, cookie: string, body: Record<string, string>) =>
  (
    await fetch(url, {
      method: "POST",
      headers: { cookie, origin: new URL(url).origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body),
    })
  ).text();
/** The 开始会议 button as the page renders it, or null. */
const startButton = (html: string) => /<button[^>]*data-testid="start-session"[^>]*>/.exec(html)?.[0] ?? null;
const canStart = (html: string) => {
  const b = startButton(html);
  return b !== null && !/disabled/.test(b);
};

describe("the demo, tried on the first day or any later day", () => {
  it("offers a meeting to start now while untouched, and leaves it alone once someone used it", async () => {
    // Day 0, a fresh database: seeded, and the meeting can be started at once.
    const first = await startEntry(db);
    expect(first.output()).toContain("已创建演示支部");
    const sec0 = await signIn(first.url, SEC);
    const ids = [...(await page(`${first.url}/`, sec0)).matchAll(/\/meetings\/([0-9a-f-]{36})/g)].map((m) => m[1]);
    let id = "";
    for (const x of new Set(ids)) if ((await page(`${first.url}/meetings/${x}`, sec0)).includes(TITLE)) id = x;
    expect(id).not.toBe("");
    expect(canStart(await page(`${first.url}/meetings/${id}`, sec0))).toBe(true);
    expect(first.output()).toMatch(
      /演示会议「集中学习《中国共产党支部工作条例（试行）》」\d\d:\d\d 开始，现在就能开会/,
    );
    // Looking is not changing: a member opens the minutes (the server stores their outline).
    const look = connectClient(first.url, meetingMinutesDoc(id), await signIn(first.url, LIU));
    await look.synced();
    await until(() => look.text().includes("交流学习体会"), 3000, "the outline");
    look.destroy();
    expect(await first.stop()).toBe(0);

    // Nine days later, untouched: laid out again for that day, same meeting, startable now.
    const later = await startEntry(db, { clockShiftMs: 9 * DAY });
    expect(later.output()).not.toContain("已创建演示支部");
    expect(later.output()).toContain(`演示会议「${TITLE}」`);
    const sec = await signIn(later.url, SEC);
    const liu = await signIn(later.url, LIU);
    const html = await page(`${later.url}/meetings/${id}`, sec);
    expect(startButton(html)).not.toBeNull();
    expect(html).not.toContain("会议开始前 30 分钟内才能开始会议");
    expect(canStart(html)).toBe(true);

    // The newcomer's five minutes: the 书记 starts it, the member signs in with the code, both write.
    expect(await post(`${later.url}/meetings/${id}`, sec, { intent: "start" })).toContain("会议已开始");
    const board = await page(`${later.url}/meetings/${id}/attendance`, sec);
    const code = /data-testid="signin-code"[^>]*>(\d{6})</.exec(board)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(await post(`${later.url}/meetings/${id}/attendance`, liu, { intent: "signin", code: code! })).toContain(
      "签到成功",
    );
    const a = connectClient(later.url, meetingMinutesDoc(id), sec);
    const b = connectClient(later.url, meetingMinutesDoc(id), liu);
    await Promise.all([a.synced(), b.synced()]);
    appendParagraph(a.doc, "王建国：请大家结合工作谈体会");
    appendParagraph(b.doc, "刘洋：支部工作条例让我明确了党小组的职责");
    await until(() => a.text().includes("明确了党小组的职责"), 3000, "the member's line at the host");
    await until(() => b.text().includes("请大家结合工作谈体会"), 3000, "the host's line at the member");
    a.destroy();
    b.destroy();
    expect(await later.stop()).toBe(0);

    // Twenty days after the start, the demo has been used: nothing is laid out again.
    const used = await startEntry(db, { clockShiftMs: 20 * DAY });
    expect(used.output()).not.toContain("演示会议「");
    const sec2 = await signIn(used.url, SEC);
    const after = await page(`${used.url}/meetings/${id}`, sec2);
    expect(after).toContain("会议进行中");
    expect(startButton(after)).toBeNull();
    const reader = connectClient(used.url, meetingMinutesDoc(id), sec2);
    await reader.synced();
    await until(() => reader.text().includes("明确了党小组的职责"), 3000, "the minutes kept");
    reader.destroy();
    expect(await used.stop()).toBe(0);
  }, 240_000);
});
