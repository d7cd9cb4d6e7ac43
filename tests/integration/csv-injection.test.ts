import { expect, it } from "vitest";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// A group or member name that a spreadsheet would run as a formula reaches the CSV files the app
// writes as text (a leading apostrophe), never as a live formula.

const t = withDemoServer();

it("the roster template writes a group named like a formula as text", async () => {
  const ids = t.ids;
  const evil = '=HYPERLINK("http://evil.example/","点此查看")';
  await t.sql`update organizations set name = ${evil} where id = ${ids.org[ORGS.G1]}`;
  await t.sql`update organizations set name = '+1+cmd' where id = ${ids.org[ORGS.G2]}`;
  const res = await t.http.get(`/orgs/${ids.org[ORGS.B1]}/roster-template`, DEMO.SEC);
  expect(res.status).toBe(200);
  const cells = (await res.text()).split(/\r\n/).flatMap((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
  const bare = cells.map((c) => c.replace(/^\uFEFF/, "").replace(/^"|"$/g, ""));
  expect(bare.some((c) => /^[=+\-@]/.test(c))).toBe(false);
  expect(bare).toContain("'+1+cmd");
});
