import { beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import { PREVIEW_CORRUPT, PREVIEW_UNSUPPORTED } from "../../server/services/session/material-preview";
import { addFileMaterials } from "../../server/services/calendar/materials";
import { createMeeting } from "../../server/services/calendar/schedule";
import { chinaParts } from "../../shared/time";
import { MeetingFormSchema } from "../../shared/schemas/meetings";
import { docx } from "../fixtures/docx";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// The in-page preview of study materials (/files/<id>/preview) over HTTP: a real Word file
// uploaded through the service, read back as HTML by a member, hidden from another branch,
// refused in words for what cannot be shown — always under the sandboxing policy.

const t = withDemoServer();
let sql: Sql;
const file: Record<string, string> = {}; // name -> file id

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const OLE = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]);

beforeAll(async () => {
  sql = t.sql;
  const secretary = await t.actor(DEMO.SEC, "198.51.100.7");
  const meetingId = await createMeeting(
    sql,
    secretary,
    t.ids.org[ORGS.B1],
    MeetingFormSchema.parse({
      kind: "theme_day",
      title: "主题党日：学习新修订的党章",
      date: chinaParts(new Date(Date.now() + 40 * 86_400_000)).date,
      startTime: "09:00",
      endTime: "10:30",
      location: "三楼党员活动室",
      onlineUrl: "",
      hostId: t.ids.user[DEMO.SEC],
      recorderId: t.ids.user[DEMO.ORG],
      agenda: "",
      links: "",
    }),
  );
  const uploads = [
    {
      name: "学习材料.docx",
      bytes: docx([
        { heading: "深入学习贯彻新修订的党章" },
        { text: "党章是党的根本大法，是全党必须遵循的总规矩。" },
        { text: "<script>alert('不会执行')</script>" },
        { link: "共产党员网", href: "https://www.12371.cn/" },
        { link: "危险链接", href: "javascript:alert(1)" },
      ]),
    },
    // Starts like a ZIP (so the upload accepts it) but is not one.
    { name: "损坏.docx", bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9, 9, 9, 9]) },
    { name: "合影.png", bytes: PNG },
    { name: "旧版.doc", bytes: OLE },
    { name: "提纲.txt", bytes: new TextEncoder().encode("一、学习党章\n二、<交流>心得 & 体会") },
  ];
  await addFileMaterials(
    sql,
    secretary,
    meetingId,
    uploads.map((u) => ({ name: u.name, mime: "", bytes: u.bytes })),
  );
  for (const r of await sql<{ title: string; file_id: string }[]>`
    select title, file_id from meeting_materials where meeting_id = ${meetingId}`)
    file[r.title] = r.file_id;
});

/** The preview page and its text, for a demo person (or signed out). */
const preview = async (fileId: string, who?: string) => {
  const res = await t.http.get(`/files/${fileId}/preview`, who ?? null);
  return { res, text: await res.text() };
};

function expectSandboxed(res: Response) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("img-src data:");
  expect(csp).toContain("style-src 'unsafe-inline'");
  expect(csp).toMatch(/(^|;)\s*sandbox\b/);
  expect(csp).not.toContain("allow-scripts");
  expect(csp).not.toContain("allow-same-origin");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("cache-control")).toBe("private, no-cache");
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
}

describe("GET /files/<id>/preview", () => {
  it("shows a member the Word document as a sandboxed HTML page", async () => {
    const { res, text } = await preview(file["学习材料.docx"], DEMO.LIU);
    expect(res.status).toBe(200);
    expectSandboxed(res);
    expect(text).toContain("<title>学习材料.docx</title>");
    expect(text).toContain("<h1>深入学习贯彻新修订的党章</h1>");
    expect(text).toContain("党章是党的根本大法，是全党必须遵循的总规矩。");
    // The document's "script" is text; its javascript: link has lost its target.
    expect(text).toContain("&lt;script&gt;alert('不会执行')&lt;/script&gt;");
    expect(text).not.toMatch(/<script/i);
    expect(text).not.toMatch(/javascript:/i);
    expect(text).toContain('<a href="https://www.12371.cn/" target="_blank" rel="noopener noreferrer">共产党员网</a>');
  });

  it("shows a reviewer from the 党委 too (whoever may read the meeting)", async () => {
    expect((await preview(file["学习材料.docx"], DEMO.REVIEWER)).res.status).toBe(200);
  });

  it("shows a text file escaped, keeping its lines", async () => {
    const { res, text } = await preview(file["提纲.txt"], DEMO.LIU);
    expect(res.status).toBe(200);
    expectSandboxed(res);
    expect(text).toContain('<pre class="text">一、学习党章\n二、&lt;交流&gt;心得 &amp; 体会</pre>');
  });

  it("is a 404 for a member of another branch, as for a file that does not exist", async () => {
    const hidden = await preview(file["学习材料.docx"], DEMO.WU);
    expect(hidden.res.status).toBe(404);
    expect(hidden.text).not.toContain("党章");
    expect((await preview(crypto.randomUUID(), DEMO.LIU)).res.status).toBe(404);
    expect((await preview("not-a-uuid", DEMO.LIU)).res.status).toBe(404);
  });

  it("sends someone signed out to sign in, and back here afterwards", async () => {
    const { res } = await preview(file["学习材料.docx"]);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(
      `/login?redirectTo=${encodeURIComponent(`/files/${file["学习材料.docx"]}/preview`)}`,
    );
  });

  it("answers a corrupt Word file with 422 and a message in Chinese, not a 500", async () => {
    const { res, text } = await preview(file["损坏.docx"], DEMO.LIU);
    expect(res.status).toBe(422);
    expectSandboxed(res);
    expect(text).toContain(PREVIEW_CORRUPT);
    expect(text).toContain("文件已损坏或不是有效的 Word 文档，无法预览");
  });

  it("answers 415 in Chinese for an image or an old Word file (the viewer shows those itself or not at all)", async () => {
    for (const name of ["合影.png", "旧版.doc"]) {
      const { res, text } = await preview(file[name], DEMO.LIU);
      expect(res.status, name).toBe(415);
      expectSandboxed(res);
      expect(text).toContain(PREVIEW_UNSUPPORTED);
      expect(text).toContain(`href="/files/${file[name]}"`);
    }
  });

  it("leaves the file route as it was: the original, inline", async () => {
    const res = await t.http.get(`/files/${file["学习材料.docx"]}`, DEMO.LIU);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    await res.arrayBuffer();
  });
});
