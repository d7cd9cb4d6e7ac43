import { describe, expect, it } from "vitest";
import { docx, zip } from "../../../tests/fixtures/docx";
import {
  DOCX_MIME,
  docxToHtml,
  preview,
  PREVIEW_CORRUPT,
  PREVIEW_CSP,
  PREVIEW_HEADERS,
  PREVIEW_TOO_LARGE,
  PREVIEW_UNSUPPORTED,
  previewMaterial,
  sanitizeDocxHtml,
  textToHtml,
  zipUnpackedSize,
} from "./material-preview";

const id = () => crypto.randomUUID();

describe("Word preview", () => {
  it("turns a .docx into HTML with its Chinese text, headings and links", async () => {
    const r = await docxToHtml(
      docx([
        { heading: "学习贯彻党的二十大精神" },
        { text: "全面从严治党永远在路上。" },
        { link: "人民网专题", href: "https://www.people.com.cn/?a=1&b=2" },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.html).toContain("<h1>学习贯彻党的二十大精神</h1>");
    expect(r.html).toContain("<p>全面从严治党永远在路上。</p>");
    expect(r.html).toContain(
      '<a href="https://www.people.com.cn/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">人民网专题</a>',
    );
  });

  it("reads a Buffer that is a view into a larger one, as the database driver returns bytea", async () => {
    const bytes = docx([{ text: "从数据库读出的资料" }]);
    const view = Buffer.concat([Buffer.alloc(777, 1), Buffer.from(bytes), Buffer.alloc(99, 2)]).subarray(
      777,
      777 + bytes.byteLength,
    );
    expect(await docxToHtml(view)).toEqual({ ok: true, html: "<p>从数据库读出的资料</p>" });
    expect(view.buffer.byteLength).toBeGreaterThan(0); // not detached
  });

  it("never lets a script through: text is escaped, javascript: links lose their target", async () => {
    const r = await docxToHtml(
      docx([
        { text: '<script>alert("x")</script><img src=x onerror=alert(1)>' },
        { link: "点我", href: "javascript:alert(document.cookie)" },
        { link: "也点我", href: "  JaVaScRiPt:alert(1)" },
        { link: "数据", href: "data:text/html,<script>alert(1)</script>" },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.html).not.toMatch(/<script/i);
    expect(r.html).not.toMatch(/<img/i);
    expect(r.html).not.toMatch(/javascript:/i);
    expect(r.html).not.toContain("data:text/html");
    expect(r.html).toContain("&lt;script&gt;");
    expect(r.html).toContain("<a>点我</a>");
  });

  it("keeps only data: images and safe links in whatever mammoth produces", () => {
    const html = sanitizeDocxHtml(
      '<p><img src="http://tracker.example/p.gif" alt="x"><img src="data:image/png;base64,AAAA" alt="图">' +
        '<a href="#fn1">1</a><a href="vbscript:x" target="_top">v</a><a href="mailto:dangban@example.cn">信箱</a></p>',
    );
    expect(html).toBe(
      '<p><img alt="x" /><img alt="图" src="data:image/png;base64,AAAA" />' +
        '<a href="#fn1">1</a><a>v</a><a href="mailto:dangban@example.cn" target="_blank" rel="noopener noreferrer">信箱</a></p>',
    );
  });

  it("is served with a policy under which no script can run, whatever the document holds", () => {
    // The guarantee: a sandbox without allow-scripts or allow-same-origin, and nothing loadable but
    // inline styles and data: images.
    const directives = Object.fromEntries(
      PREVIEW_CSP.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["img-src"]).toEqual(["data:"]);
    expect(directives["style-src"]).toEqual(["'unsafe-inline'"]);
    expect(directives["script-src"]).toBeUndefined();
    expect(directives.sandbox).toBeDefined();
    expect(directives.sandbox).not.toContain("allow-scripts");
    expect(directives.sandbox).not.toContain("allow-same-origin");
    expect(directives.sandbox).not.toContain("allow-forms");
    expect(PREVIEW_HEADERS["Content-Security-Policy"]).toBe(PREVIEW_CSP);
    expect(PREVIEW_HEADERS["X-Content-Type-Options"]).toBe("nosniff");
    expect(PREVIEW_HEADERS["Cache-Control"]).toBe("private, no-cache");
  });

  it("refuses a corrupt file or a ZIP that is no Word document with 422", async () => {
    for (const bytes of [
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
      zip({ "a.txt": "不是 Word" }),
      docx([{ text: "半截" }]).slice(0, 200),
    ]) {
      expect(await preview({ id: id(), name: "坏.docx", mime: DOCX_MIME, data: bytes })).toEqual({
        ok: false,
        status: 422,
        message: PREVIEW_CORRUPT,
      });
    }
    expect(PREVIEW_CORRUPT).toBe("文件已损坏或不是有效的 Word 文档，无法预览");
  });

  it("refuses before converting when the file, or what it unpacks to, is too large", async () => {
    const big = docx([{ text: "大" }]);
    // Claim 100 MB unpacked for the first entry in the central directory.
    const view = new DataView(big.buffer);
    const eocd = big.byteLength - 22;
    view.setUint32(view.getUint32(eocd + 16, true) + 24, 100 * 1024 * 1024, true);
    expect(zipUnpackedSize(big)).toBeGreaterThan(100 * 1024 * 1024);
    expect(await docxToHtml(big)).toEqual({ ok: false, status: 413, message: PREVIEW_TOO_LARGE });
    const huge = new Uint8Array(10 * 1024 * 1024 + 1);
    expect(await docxToHtml(huge)).toEqual({ ok: false, status: 413, message: PREVIEW_TOO_LARGE });
  });

  it("refuses a ZIP that unpacks to more than it declares (a zip bomb) without unpacking it", async () => {
    const para = "<w:p><w:r><w:t>学习</w:t></w:r></w:p>".repeat(100_000); // about 3.8 MB, deflates to a few KB
    const bomb = docx([{ text: para }], { declare: { "word/document.xml": 2_000 } });
    expect(bomb.byteLength).toBeLessThan(100_000);
    expect(await docxToHtml(bomb)).toEqual({ ok: false, status: 422, message: PREVIEW_CORRUPT });
  });

  it("reads the unpacked size from the central directory", () => {
    expect(zipUnpackedSize(zip({ a: "1234", b: new Uint8Array(10) }))).toBe(14);
    expect(zipUnpackedSize(new Uint8Array(30))).toBeNull();
  });

  it("converts many at once without losing any (the same file once)", async () => {
    const file = { id: id(), name: "同一份.docx", mime: DOCX_MIME, data: docx([{ text: "同一份资料" }]) };
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => preview(file)),
      ...Array.from({ length: 3 }, (_, i) =>
        preview({ id: id(), name: `${i}.docx`, mime: DOCX_MIME, data: docx([{ text: `第${i}份` }]) }),
      ),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? r.html : ""))).toEqual([
      ...Array(4).fill("<p>同一份资料</p>"),
      "<p>第0份</p>",
      "<p>第1份</p>",
      "<p>第2份</p>",
    ]);
  });
});

describe("text preview", () => {
  it("shows text escaped, keeping its lines", () => {
    const r = textToHtml(new TextEncoder().encode("\ufeff一、学习\n<b>二</b> & 三"));
    expect(r).toEqual({ ok: true, html: '<pre class="text">一、学习\n&lt;b&gt;二&lt;/b&gt; &amp; 三</pre>' });
  });
});

describe("the preview page", () => {
  it("wraps the document in a Chinese page with the file name as its title", async () => {
    const { status, page } = await previewMaterial({
      id: id(),
      name: "提纲<1>.txt",
      mime: "text/plain; charset=utf-8",
      data: new TextEncoder().encode("学习提纲"),
    });
    expect(status).toBe(200);
    expect(page).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(page).toContain("<title>提纲&lt;1&gt;.txt</title>");
    expect(page).toContain("Noto Sans CJK SC");
    expect(page).not.toMatch(/<script/i);
  });

  it("answers 415 in words for types it cannot show", async () => {
    for (const mime of ["image/png", "application/pdf", "application/msword", "application/vnd.ms-powerpoint"]) {
      const { status, page } = await previewMaterial({ id: id(), name: "课件", mime, data: new Uint8Array(4) });
      expect(status).toBe(415);
      expect(page).toContain(PREVIEW_UNSUPPORTED);
    }
  });
});
