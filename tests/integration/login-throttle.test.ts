import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../setup/server";
import { DEMO, withDemoServer } from "../setup/demo";

// Throttle the attempts, not the owner: past five failures an account's attempts wait a delay
// that grows from 1 s to 30 s (answered 429 without looking at the password), never a lock-out;
// a browser that signed in to the account before skips that delay; an address gets 30 failures
// per 15 minutes. Each test uses its own client address (X-Forwarded-For, believed from the
// loopback proxy) and its own account, so they do not count against each other.

const t = withDemoServer();

/** A sign-in from this client address, with the browser's device cookie if it has one. */
const attempt = (username: string, password: string, address: string, cookie?: string) =>
  t.http.post("/login", { username, password }, cookie ? { cookie } : null, {
    headers: { "x-forwarded-for": address },
  });

const deviceCookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("tongxin_device="));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The server counts verifyPassword calls (NaN where it does not, so no comparison can pass).
const passwordChecks = (): number => t.app.services.throttle?.passwordChecks ?? Number.NaN;

describe("sign-in throttling", () => {
  it("after five failures answers 429 「请 N 秒后再试」 without checking the password, and lets the owner in once the delay is over", async () => {
    const before = passwordChecks();
    for (let i = 0; i < 5; i++) expect((await attempt(DEMO.CHEN, `bad-${i}`, "198.51.100.1")).status).toBe(400);
    expect(passwordChecks() - before).toBe(5);
    const waiting = await attempt(DEMO.CHEN, DEMO_PASSWORD, "198.51.100.2");
    expect(waiting.status).toBe(429);
    expect(await waiting.text()).toMatch(/请 1 秒后再试/);
    expect(waiting.headers.get("retry-after")).toBe("1");
    expect(passwordChecks() - before).toBe(5);
    // Never a lock-out: the delay is a second here, and the right password then works.
    await sleep(1100);
    const ok = await attempt(DEMO.CHEN, DEMO_PASSWORD, "198.51.100.2");
    expect(ok.status).toBe(302);
  });

  it("doubles the delay with each further failure (1, 2, 4, 8 s …)", async () => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) await attempt(DEMO.YANG, `bad-${i}`, "198.51.100.3");
    for (let i = 0; i < 3; i++) {
      const refused = await attempt(DEMO.YANG, "bad", "198.51.100.3");
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get("retry-after"));
      seen.push(wait);
      await sleep(wait * 1000 + 50);
      expect((await attempt(DEMO.YANG, `bad-again-${i}`, "198.51.100.3")).status).toBe(400);
    }
    expect(seen).toEqual([1, 2, 4]);
    // Straight after the eighth failure the wait is eight seconds.
    expect((await attempt(DEMO.YANG, "bad", "198.51.100.3")).headers.get("retry-after")).toBe("8");
  }, 30_000);

  it("lets the owner's browser (device cookie) in straight after an attacker's failures; without it, 429", async () => {
    const first = await attempt(DEMO.ZHAO, DEMO_PASSWORD, "198.51.100.4");
    expect(first.status).toBe(302);
    const device = deviceCookieOf(first)!;
    expect(device).toBeDefined();
    expect(device).toMatch(/HttpOnly/i);
    expect(device).toMatch(/SameSite=Lax/i);
    expect(Number(/Max-Age=(\d+)/i.exec(device)?.[1])).toBeGreaterThanOrEqual(364 * 86_400);
    const value = device.split(";")[0];
    // Only a hash of the token is stored.
    const token = decodeURIComponent(value.slice("tongxin_device=".length));
    const stored = await t.sql`select 1 from auth_devices where token_hash = ${token}`;
    expect(stored).toHaveLength(0);

    for (let i = 0; i < 8; i++) await attempt(DEMO.ZHAO, `guess-${i}`, "203.0.113.50");
    expect((await attempt(DEMO.ZHAO, DEMO_PASSWORD, "198.51.100.4")).status).toBe(429);
    const owner = await attempt(DEMO.ZHAO, DEMO_PASSWORD, "198.51.100.4", value);
    expect(owner.status).toBe(302);
    expect(owner.headers.getSetCookie().some((c) => c.startsWith("tongxin_session="))).toBe(true);
    // The cookie vouches for that account only.
    for (let i = 0; i < 5; i++) await attempt(DEMO.HUANG, `guess-${i}`, "203.0.113.51");
    expect((await attempt(DEMO.HUANG, DEMO_PASSWORD, "198.51.100.4", value)).status).toBe(429);
  });

  it("checks the password at most five times for 40 parallel wrong attempts on one account", async () => {
    const before = passwordChecks();
    const t0 = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(DEMO.LEADER, `parallel-${i}`, "198.51.100.5")),
    );
    const ms = Date.now() - t0;
    const statuses = replies.map((r) => r.status);
    const checked = statuses.filter((x) => x === 400).length;
    console.log(`40 parallel wrong attempts: ${checked} answered 400, ${40 - checked} answered 429, ${ms} ms`);
    expect(statuses.every((x) => x === 400 || x === 429)).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
    expect(passwordChecks() - before).toBeLessThanOrEqual(5);
  });

  it("refuses an address after thirty failures in fifteen minutes, whatever the account, and not other addresses", async () => {
    const from = "203.0.113.9";
    for (let i = 0; i < 30; i++) {
      const r = await attempt(`1390000${String(i).padStart(4, "0")}`, "x", from);
      expect(r.status).toBe(400);
    }
    const refused = await attempt(DEMO.ORG, DEMO_PASSWORD, from);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/请 1[45] 分钟后再试/);
    expect((await attempt(DEMO.ORG, DEMO_PASSWORD, "198.51.100.6")).status).toBe(302);
  });

  it("applies the address limit to a browser with a device cookie too", async () => {
    const first = await attempt(DEMO.SUN, DEMO_PASSWORD, "198.51.100.7");
    const value = deviceCookieOf(first)!.split(";")[0];
    const from = "203.0.113.10";
    for (let i = 0; i < 30; i++) await attempt(`1391000${String(i).padStart(4, "0")}`, "x", from);
    expect((await attempt(DEMO.SUN, DEMO_PASSWORD, from, value)).status).toBe(429);
  });
});
