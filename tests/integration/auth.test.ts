import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, signIn } from "../setup/server";
import { DEMO, withDemoServer } from "../setup/demo";

const t = withDemoServer();

describe("health", () => {
  it("reports the database kind and migration version", async () => {
    const res = await t.http.get("/healthz", null);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.database).toBe(process.env.TEST_DATABASE_URL ? "postgres" : "pglite");
    expect(body.migration).toMatch(/^\d{3}_.*\.sql$/);
  });
});

describe("sign-in", () => {
  it("redirects a signed-out visitor from a protected page to /login, keeping the way back", async () => {
    const res = await t.http.get("/meetings/00000000-0000-0000-0000-000000000000", null);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fmeetings%2F00000000-0000-0000-0000-000000000000");
  });

  it("signs in with the right password and sets an HttpOnly, SameSite=Lax session cookie", async () => {
    const res = await t.http.post("/login", { username: DEMO.LIU, password: DEMO_PASSWORD, redirectTo: "/" }, null);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("tongxin_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await t.http.get("/", { cookie: cookie.split(";")[0] });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain("刘洋");
    expect(html).toContain("集中学习《中国共产党支部工作条例（试行）》");
  });

  it("refuses a wrong password with a Chinese message and no cookie", async () => {
    const res = await t.http.post("/login", { username: DEMO.CHEN, password: "wrong-password" }, null);
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("tongxin_session=") && !c.includes("Max-Age=0"))).toBe(
      false,
    );
    expect(await res.text()).toContain("登录名或密码不正确");
  });

  it("answers empty fields with field errors, not a 500", async () => {
    const res = await t.http.post("/login", { username: "", password: "" }, null);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("请输入登录名");
    expect(html).toContain("请输入密码");
  });

  it("never redirects off-site after sign-in", async () => {
    const res = await t.http.post(
      "/login",
      {
        username: DEMO.YANG,
        password: DEMO_PASSWORD,
        redirectTo: "//evil.example/x",
      },
      null,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
  });

  describe("the way back after sign-in", () => {
    const signInTo = (redirectTo: string) =>
      t.http.post("/login", { username: DEMO.LIU, password: DEMO_PASSWORD, redirectTo }, null);

    // Browsers drop tabs and line breaks from a URL, so "/\t/evil.host" is "//evil.host" to them.
    it.each([
      ["/\t/evil.host"],
      ["/\n/evil.host"],
      ["/\r\n/evil.host"],
      ["\t//evil.host"],
      [" //evil.host"],
      ["/\\evil.host"],
      ["/\t\\evil.host"],
      ["\x00//evil.host"],
      ["https://evil.host/"],
      ["javascript:alert(1)"],
    ])("never leaves the site for %j", async (redirectTo) => {
      const res = await signInTo(redirectTo);
      // A NUL byte in any form field refuses the whole form (server/remix-handler.ts): nobody is
      // signed in, and nobody leaves either.
      if (redirectTo.includes("\0")) return expect(res.status).toBe(400);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/");
    });

    it("keeps a same-site path, query and all, and percent-encodes what is not ASCII instead of failing", async () => {
      const plain = await signInTo("/meetings?view=month&month=2026-05");
      expect(plain.headers.get("location")).toBe("/meetings?view=month&month=2026-05");
      const chinese = await signInTo("/orgs?q=王建国");
      expect(chinese.status).toBe(302);
      expect(chinese.headers.get("location")).toBe("/orgs?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD");
    });

    it("answers the signed-in visitor of /login?redirectTo=… the same way, with no 500", async () => {
      const cookie = await t.http.cookie(DEMO.LIU);
      for (const [query, location] of [
        ["%2F%09%2Fevil.host", "/"],
        ["%2F%0D%0A%2Fevil.host", "/"],
        ["%2F%E4%BC%9A%E8%AE%AE", "/%E4%BC%9A%E8%AE%AE"],
      ]) {
        const res = await t.http.get(`/login?redirectTo=${query}`, { cookie });
        expect(res.status, query).toBe(302);
        expect(res.headers.get("location"), query).toBe(location);
      }
    });
  });

  it("delays an account after five failures, even for the right password, and only that account", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.http.post("/login", { username: DEMO.HUANG, password: `bad-${i}` }, null);
      expect(r.status).toBe(400);
    }
    const waiting = await t.http.post("/login", { username: DEMO.HUANG, password: DEMO_PASSWORD }, null);
    expect(waiting.status).toBe(429);
    expect(await waiting.text()).toMatch(/请 \d+ 秒后再试/);
    // Other accounts from the same address are not delayed by it.
    expect((await t.http.post("/login", { username: DEMO.LEADER, password: DEMO_PASSWORD }, null)).status).toBe(302);
    // A delay, not a lock-out: a second later the owner signs in.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await t.http.post("/login", { username: DEMO.HUANG, password: DEMO_PASSWORD }, null)).status).toBe(302);
  });

  it("refuses an address after thirty failures across accounts", async () => {
    // Behind the loopback proxy, X-Forwarded-For is the client address.
    const from = { "x-forwarded-for": "203.0.113.9" };
    for (let i = 0; i < 30; i++) {
      const r = await t.http.post("/login", { username: `1390000${String(i).padStart(4, "0")}`, password: "x" }, null, {
        headers: from,
      });
      expect(r.status).toBe(400);
    }
    expect(
      (await t.http.post("/login", { username: DEMO.ORG, password: DEMO_PASSWORD }, null, { headers: from })).status,
    ).toBe(429);
    expect((await t.http.post("/login", { username: DEMO.ORG, password: DEMO_PASSWORD }, null)).status).toBe(302);
  });

  it("signs out: the session no longer opens pages", async () => {
    const cookie = await signIn(t.url, DEMO.SEC);
    const out = await t.http.post("/logout", {}, { cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/login");
    const after = await t.http.get("/", { cookie });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe("/login");
  });

  it("refuses a cross-site form post", async () => {
    const res = await t.http.post("/login", { username: DEMO.LIU, password: DEMO_PASSWORD }, null, {
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });
});
