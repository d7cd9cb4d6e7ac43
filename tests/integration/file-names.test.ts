import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server";
import { buildMeeting, DEMO, demoIds, httpActors, ORGS } from "../setup/demo";

// A file name cannot pretend to be another: bidirectional control characters (which make
// "学习材料\u202Efdp.exe" show as "学习材料exe.pdf") are removed before the name is stored.

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.stop();
});

it("strips bidi controls from an uploaded file's name", async () => {
  const ids = await demoIds(s.app.db.sql);
  const m = await buildMeeting(s.app.db.sql, ids, { org: ORGS.B1, inMin: 24 * 60, attendees: [DEMO.SEC] });
  const form = new FormData();
  form.set("intent", "upload");
  form.append("files", new Blob(["学习提纲：第一部分"], { type: "text/plain" }), "学习\u202E\u2066提纲\u200F.txt");
  const res = await fetch(`${s.url}/meetings/${m}/edit`, {
    method: "POST",
    headers: { cookie: await httpActors(s).cookie(DEMO.SEC), origin: s.url },
    body: form,
  });
  expect(res.status).toBe(200);
  const [file] = await s.app.db.sql<{ name: string }[]>`
    select f.name from meeting_materials mm join files f on f.id = mm.file_id where mm.meeting_id = ${m}`;
  expect(file.name).toBe("学习提纲.txt");
});
