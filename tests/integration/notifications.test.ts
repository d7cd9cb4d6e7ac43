import { describe, expect, it } from "vitest";
import { notify, unreadCount } from "../../server/services/notifications";
import { DEMO, withDemoServer } from "../setup/demo";

const t = withDemoServer();

describe("notifications", () => {
  it("shows the unread count on the bell, lists only one's own, and opening one marks it read", async () => {
    const sql = t.sql;
    await notify(sql, [t.ids.user[DEMO.LIU]], { kind: "meeting.invited", title: "邀请：主题党日 测试通知", link: "/" });
    await notify(sql, [t.ids.user[DEMO.LIU], t.ids.user[DEMO.HUANG]], {
      kind: "meeting.cancelled",
      title: "取消：党课",
    });

    const home = await (await t.http.get("/", DEMO.LIU)).text();
    expect(home).toContain("通知，2 条未读");
    const list = await (await t.http.get("/notifications", DEMO.LIU)).text();
    expect(list).toContain("邀请：主题党日 测试通知");

    // 黄磊 cannot mark 刘洋's notification read: the id is looked up among his own only.
    const [mine] = await sql<{ id: string }[]>`
      select id::text from notifications where user_id = ${t.ids.user[DEMO.LIU]} order by id limit 1`;
    await t.http.post("/notifications", { id: mine.id, link: "/" }, DEMO.HUANG);
    expect(await unreadCount(sql, t.ids.user[DEMO.LIU])).toBe(2);

    const open = await t.http.post("/notifications", { id: mine.id, link: "/" }, DEMO.LIU);
    expect(open.status).toBe(302);
    expect(open.headers.get("location")).toBe("/");
    expect(await unreadCount(sql, t.ids.user[DEMO.LIU])).toBe(1);

    // A link elsewhere is not followed off-site.
    const off = await t.http.post("/notifications", { id: mine.id, link: "https://example.com/" }, DEMO.LIU);
    expect(off.headers.get("location")).toBe("/notifications");

    await t.http.post("/notifications", { intent: "all" }, DEMO.LIU);
    expect(await unreadCount(sql, t.ids.user[DEMO.LIU])).toBe(0);
    expect(await unreadCount(sql, t.ids.user[DEMO.HUANG])).toBe(1);
    expect(await (await t.http.get("/", DEMO.LIU)).text()).not.toContain("条未读");
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const res = await fetch(`${t.url}/notifications`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/login");
  });
});
