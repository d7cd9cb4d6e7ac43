import { describe, expect, it } from "vitest";
import { safeRedirect } from "./auth";

// What a browser makes of a Location header: it drops ASCII tab, LF and CR anywhere, trims C0
// controls and spaces at both ends, and reads "\" as "/" in http(s) URLs. So the check runs on
// the string as the browser will see it.
describe("safeRedirect", () => {
  it.each([
    ["/", "/"],
    ["/meetings/1", "/meetings/1"],
    ["/orgs?q=a&b=c#top", "/orgs?q=a&b=c#top"],
    ["/a/%2F/b", "/a/%2F/b"],
    ["/会议", "/%E4%BC%9A%E8%AE%AE"],
    ["/orgs?q=王 建国", "/orgs?q=%E7%8E%8B%20%E5%BB%BA%E5%9B%BD"],
    ["/a\tb", "/ab"],
    [" /meetings ", "/meetings"],
    // Only tab, LF and CR are dropped inside a URL; other controls stay, encoded, in the path.
    ["/\x0b/evil.host", "/%0B/evil.host"],
  ])("keeps the same-site path %j as %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it.each([
    "//evil.host",
    "/\t/evil.host",
    "/\n/evil.host",
    "/\r\n/evil.host",
    "\t//evil.host",
    " //evil.host",
    "\x00//evil.host",
    "\x1f//evil.host",
    "/\\evil.host",
    "/\t\\evil.host",
    "\\\\evil.host",
    "https://evil.host",
    "evil.host",
    "javascript:alert(1)",
    "",
    "\ud800",
    "/\ud800",
  ])("refuses %j", (input) => {
    expect(safeRedirect(input)).toBe("/");
  });

  it("falls back for anything that is not a string, and to the fallback given", () => {
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(null, "/notifications")).toBe("/notifications");
    expect(safeRedirect(["/x"])).toBe("/");
    expect(safeRedirect("//evil.host", "/notifications")).toBe("/notifications");
  });

  it("only ever returns printable ASCII, so it is a valid header value", () => {
    for (const input of ["/\u0085x", "/\u00a0x", "/x\u2028y", "/\u007fx", "/é"]) {
      expect(safeRedirect(input)).toMatch(/^\/[\x21-\x7e]*$/);
    }
  });
});
