import { expect, it } from "vitest";
import { DEMO, withDemoServer } from "../setup/demo";
import { upgradeStatus } from "../setup/yclient";

// A form post or a live-document connection is ours only when its Origin matches the address the
// member is on: host *and* scheme (an http:// page of the same host is another origin). Behind a
// trusted proxy (TRUST_PROXY, loopback by default) the scheme is the one it forwards.

const t = withDemoServer();

const host = () => new URL(t.url).host;
const post = async (origin: string, extra: Record<string, string> = {}) =>
  fetch(`${t.url}/notifications`, {
    method: "POST",
    headers: {
      cookie: await t.http.cookie(DEMO.SEC),
      origin,
      "content-type": "application/x-www-form-urlencoded",
      ...extra,
    },
    body: "intent=all",
    redirect: "manual",
  }).then((r) => r.status);

it("refuses a form post whose Origin has the same host but another scheme", async () => {
  expect(await post(`http://${host()}`)).toBe(200);
  expect(await post(`https://${host()}`)).toBe(403);
  expect(await post(`ftp://${host()}`)).toBe(403);
  // Behind a TLS proxy that says so, the https page is ours (and the http one is not).
  expect(await post(`https://${host()}`, { "x-forwarded-proto": "https" })).toBe(200);
  expect(await post(`http://${host()}`, { "x-forwarded-proto": "https" })).toBe(403);
});

it("refuses a live-document connection from another scheme", async () => {
  const cookie = await t.http.cookie(DEMO.SEC);
  const url = `${t.url.replace(/^http/, "ws")}/collab/meeting.00000000-0000-4000-8000-000000000000.live`;
  // (A meeting that does not exist answers 404 once the origin passed.)
  expect(await upgradeStatus(url, { cookie, origin: `http://${host()}` })).toBe(404);
  expect(await upgradeStatus(url, { cookie, origin: `https://${host()}` })).toBe(403);
  expect(await upgradeStatus(url, { cookie, origin: `https://${host()}`, "x-forwarded-proto": "https" })).toBe(404);
});
