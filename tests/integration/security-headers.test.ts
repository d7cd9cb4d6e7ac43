import { describe, expect, it } from "vitest";
import { signIn } from "../setup/server";
import { DEMO, withDemoServer } from "../setup/demo";

// Every response says it may not be framed by another origin and may not be sniffed; every page
// has a Content-Security-Policy whose nonce is the one its inline scripts carry, so an injected
// script without it does not run. (The e2e suite fails on any violation the browser reports.)

const t = withDemoServer();

const policy = (res: Response) =>
  Object.fromEntries(
    (res.headers.get("content-security-policy") ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );

describe("security headers", () => {
  it("a page: no framing by others, no sniffing, scripts only with this response's nonce", async () => {
    for (const cookie of [undefined, await signIn(t.url, DEMO.SEC)]) {
      const res = await fetch(`${t.url}/${cookie ? "" : "login"}`, { headers: cookie ? { cookie } : {} });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = policy(res);
      expect(csp["frame-ancestors"]).toEqual(["'self'"]);
      expect(csp["object-src"]).toEqual(["'none'"]);
      const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(
        csp["script-src"].find((v: string) => v.startsWith("'nonce-")) ?? "",
      )![1];
      expect(csp["script-src"]).not.toContain("'unsafe-inline'");
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attrs of scripts) {
        if (/\bsrc=/.test(attrs) && !/type="module"/.test(attrs)) continue;
        expect(attrs, "every inline script carries the nonce").toContain(`nonce="${nonce}"`);
      }
      // A new nonce for every response.
      const again = policy(await fetch(`${t.url}/login`));
      expect(again["script-src"]).not.toEqual(csp["script-src"]);
    }
  });

  it("static files, errors outside the app and refusals carry them too", async () => {
    for (const [path, init] of [
      ["/favicon.svg", {}],
      ["/meetings/%ff", {}],
      ["/login", { method: "PUT" }],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, init);
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    const refused = await fetch(`${t.url}/meetings/%ff`);
    expect(policy(refused)["default-src"]).toEqual(["'none'"]);
  });
});
