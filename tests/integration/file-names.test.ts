import { expect, it } from "vitest";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// A file name cannot pretend to be another: bidirectional control characters (which make
// "学习材料\u202Efdp.exe" show as "学习材料exe.pdf") are removed before the name is stored.

const t = withDemoServer();

it("strips bidi controls from an uploaded file's name", async () => {
  const m = await t.meeting({ org: ORGS.B1, inMin: 24 * 60, attendees: [DEMO.SEC] });
  const form = new FormData();
  form.set("intent", "upload");
  form.append("files", new Blob(["学习提纲：第一部分"], { type: "text/plain" }), "学习\u202E\u2066提纲\u200F.txt");
  const res = await fetch(`${t.url}/meetings/${m}/edit`, {
    method: "POST",
    headers: { cookie: await t.http.cookie(DEMO.SEC), origin: t.url },
    body: form,
  });
  expect(res.status).toBe(200);
  const [file] = await t.sql<{ name: string }[]>`
    select f.name from meeting_materials mm join files f on f.id = mm.file_id where mm.meeting_id = ${m}`;
  expect(file.name).toBe("学习提纲.txt");
});
