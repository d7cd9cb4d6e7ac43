import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notify, unreadCount } from "../../server/services/notifications";
import { signIn, startTestServer, type TestServer } from "../setup/server";

let s: TestServer;
let liu: string; // 刘洋
let huang: string; // 黄磊
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await startTestServer();
  for (const u of await s.app.db.sql<{ id: string; username: string }[]>`select id, username from users`)
    ids[u.username] = u.id;
  liu = await signIn(s.url, "13800000004");
  huang = await signIn(s.url, "13800000008");
});
afterAll(async () => {
  await s?.stop();
});

const page = (path: string, cookie: string) => fetch(`${s.url}${path}`, { headers: { cookie } });
const post = (path: string, body: Record<string, string>, cookie: string) =>
  fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { cookie, origin: s.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
    redirect: "manual",
  });

describe("notifications", () => {
  it("shows the unread count on the bell, lists only one's own, and opening one marks it read", async () => {
    const sql = s.app.db.sql;
    await notify(sql, [ids["13800000004"]], { kind: "meeting.invited", title: "邀请：主题党日 测试通知", link: "/" });
    await notify(sql, [ids["13800000004"], ids["13800000008"]], { kind: "meeting.cancelled", title: "取消：党课" });

    const home = await (await page("/", liu)).text();
    expect(home).toContain("通知，2 条未读");
    const list = await (await page("/notifications", liu)).text();
    expect(list).toContain("邀请：主题党日 测试通知");

    // 黄磊 cannot mark 刘洋's notification read: the id is looked up among his own only.
    const [mine] = await sql<{ id: string }[]>`
      select id::text from notifications where user_id = ${ids["13800000004"]} order by id limit 1`;
    await post("/notifications", { id: mine.id, link: "/" }, huang);
    expect(await unreadCount(sql, ids["13800000004"])).toBe(2);

    const open = await post("/notifications", { id: mine.id, link: "/" }, liu);
    expect(open.status).toBe(302);
    expect(open.headers.get("location")).toBe("/");
    expect(await unreadCount(sql, ids["13800000004"])).toBe(1);

    // A link elsewhere is not followed off-site.
    const off = await post("/notifications", { id: mine.id, link: "https://example.com/" }, liu);
    expect(off.headers.get("location")).toBe("/notifications");

    await post("/notifications", { intent: "all" }, liu);
    expect(await unreadCount(sql, ids["13800000004"])).toBe(0);
    expect(await unreadCount(sql, ids["13800000008"])).toBe(1);
    expect(await (await page("/", liu)).text()).not.toContain("条未读");
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const res = await fetch(`${s.url}/notifications`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/login");
  });
});
