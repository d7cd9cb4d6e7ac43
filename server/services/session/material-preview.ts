import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { LRUCache } from "lru-cache";
import pLimit from "p-limit";
import sanitizeHtml from "sanitize-html";

// In-page previews of study materials that a browser cannot show by itself: a Word .docx turned
// into HTML (mammoth) and a text file as escaped text, each wrapped in a small page that is served
// with a sandboxing Content-Security-Policy (no script can ever run in it, and it is its own
// opaque origin). Everything else is refused with a message in words.
//
// mammoth does no sanitising and can be made slow or memory-hungry by a crafted document, so it
// runs in a worker thread with a time limit and a heap limit; a corrupt file, a zip bomb or a
// pathological document ends in a refusal, never a hung or crashed server.

export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Word files above this are not converted (the page would be tens of megabytes on a phone). */
export const DOCX_PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
/** Declared size of everything inside the .docx once unpacked; more is refused before converting. */
export const DOCX_UNPACKED_MAX_BYTES = 80 * 1024 * 1024;
export const TEXT_PREVIEW_MAX_BYTES = 5 * 1024 * 1024;
const CONVERT_TIMEOUT_MS = 20_000;
const WORKER_HEAP_MB = 384;
const MAX_PARALLEL = 2;

export const PREVIEW_CORRUPT = "文件已损坏或不是有效的 Word 文档，无法预览";
export const PREVIEW_TOO_LARGE = "文件太大，无法在页面内预览，请下载查看";
export const PREVIEW_TOO_COMPLEX = "文件内容过于复杂，无法在页面内预览，请下载查看";
export const PREVIEW_UNSUPPORTED = "此格式无法在页面内预览，请下载查看";

/**
 * The preview page's policy: nothing may load but inline styles and data: images; `sandbox` makes
 * the page an opaque origin where scripts, forms and plugins never run. Popups are allowed so a
 * link in the document can open in a new tab (the only way out of a sandboxed frame); the page it
 * opens is not sandboxed, as with any link. Only pages of this site may frame it.
 */
export const PREVIEW_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; " +
  "sandbox allow-popups allow-popups-to-escape-sandbox";

export const PREVIEW_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": PREVIEW_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "SAMEORIGIN",
  "Referrer-Policy": "no-referrer",
  // Member data: never kept by a shared cache.
  "Cache-Control": "private, no-cache",
};

export type Preview = { ok: true; html: string } | { ok: false; status: 413 | 415 | 422; message: string };

export interface PreviewFile {
  id: string;
  name: string;
  mime: string;
  data: Uint8Array;
}

/** The page for a material: the converted document, or a refusal with its status and a message. */
export async function previewMaterial(file: PreviewFile): Promise<{ status: number; page: string }> {
  const result = await preview(file);
  if (result.ok) return { status: 200, page: previewPage(file.name, result.html) };
  return { status: result.status, page: refusalPage(file, result.message) };
}

export async function preview(file: PreviewFile): Promise<Preview> {
  if (file.mime === DOCX_MIME) return cached(file.id, () => docxToHtml(file.data));
  if (/^text\/plain\b/.test(file.mime)) return textToHtml(file.data);
  return { ok: false, status: 415, message: PREVIEW_UNSUPPORTED };
}

// ------------------------------------------------------------------------------------------------
// Text

export function textToHtml(data: Uint8Array): Preview {
  if (data.byteLength > TEXT_PREVIEW_MAX_BYTES) return { ok: false, status: 413, message: PREVIEW_TOO_LARGE };
  const text = new TextDecoder("utf-8").decode(data).replace(/^\ufeff/, "");
  return { ok: true, html: `<pre class="text">${escapeHtml(text)}</pre>` };
}

// ------------------------------------------------------------------------------------------------
// Word

/** Converts a .docx to safe HTML, or refuses it (too large 413, corrupt 422). */
export async function docxToHtml(data: Uint8Array): Promise<Preview> {
  if (data.byteLength > DOCX_PREVIEW_MAX_BYTES) return { ok: false, status: 413, message: PREVIEW_TOO_LARGE };
  const unpacked = zipUnpackedSize(data);
  if (unpacked === null) return { ok: false, status: 422, message: PREVIEW_CORRUPT };
  if (unpacked > DOCX_UNPACKED_MAX_BYTES) return { ok: false, status: 413, message: PREVIEW_TOO_LARGE };
  const out = await limited(() => convertInWorker(data));
  if ("html" in out) return { ok: true, html: sanitizeDocxHtml(out.html) };
  if (out.reason === "limit") return { ok: false, status: 413, message: PREVIEW_TOO_COMPLEX };
  return { ok: false, status: 422, message: PREVIEW_CORRUPT };
}

/**
 * The total unpacked size the ZIP's central directory declares, or null when it is not a readable
 * ZIP. Declared sizes can lie; the worker's heap limit and timer catch that case.
 */
export function zipUnpackedSize(b: Uint8Array): number | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  // End of central directory: 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  let eocd = -1;
  for (let at = b.byteLength - 22; at >= Math.max(0, b.byteLength - 22 - 0xffff); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdStart = u32(eocd + 16);
  if (entries === 0xffff || cdStart === 0xffffffff) return Number.POSITIVE_INFINITY; // ZIP64: no Word file is that big
  if (cdStart + cdSize > eocd) return null;
  let total = 0;
  let at = cdStart;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > eocd || u32(at) !== 0x02014b50) return null;
    const size = u32(at + 24);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += size;
    at += 46 + u16(at + 28) + u16(at + 30) + u16(at + 32);
  }
  return total;
}

type WorkerResult = { html: string } | { reason: "corrupt" | "limit" };

// Runs as CommonJS in the worker: the path to mammoth is resolved here, so it works the same from
// the sources (tests, development) and from the server bundle. Before mammoth unpacks anything,
// every entry is inflated once with its declared size as a hard cap (zlib's maxOutputLength): a
// ZIP whose entries unpack to more than they declare (a zip bomb) or do not unpack at all is
// refused without ever allocating more than the declared total, which was checked already.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const zlib = require("node:zlib");
function entriesAreHonest(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let at = b.length - 22; at >= Math.max(0, b.length - 22 - 0xffff); at--)
    if (v.getUint32(at, true) === 0x06054b50) { eocd = at; break; }
  if (eocd < 0) return false;
  const n = v.getUint16(eocd + 10, true);
  let at = v.getUint32(eocd + 16, true);
  for (let i = 0; i < n; i++) {
    if (at + 46 > b.length || v.getUint32(at, true) !== 0x02014b50) return false;
    const method = v.getUint16(at + 10, true);
    const csize = v.getUint32(at + 20, true);
    const usize = v.getUint32(at + 24, true);
    const local = v.getUint32(at + 42, true);
    at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
    if (local + 30 > b.length || v.getUint32(local, true) !== 0x04034b50) return false;
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + csize > b.length) return false;
    if (method === 0) { if (csize !== usize) return false; continue; }
    if (method !== 8) return false;
    try {
      const out = zlib.inflateRawSync(b.subarray(start, start + csize), { maxOutputLength: Math.max(usize, 1) });
      if (out.length !== usize) return false;
    } catch { return false; }
  }
  return true;
}
const buffer = Buffer.from(workerData.bytes);
if (!entriesAreHonest(buffer)) parentPort.postMessage({ reason: "corrupt" });
else
  require(workerData.mammoth)
    .convertToHtml({ buffer }, { externalFileAccess: false })
    .then((r) => parentPort.postMessage({ html: r.value }))
    .catch(() => parentPort.postMessage({ reason: "corrupt" }));
`;

let mammothPath: string | undefined;

function convertInWorker(data: Uint8Array): Promise<WorkerResult> {
  mammothPath ??= createRequire(import.meta.url).resolve("mammoth");
  // A copy the worker takes over. (Not data.slice(): on a Buffer, as postgres returns, that is a
  // view into a shared pool, which would be sent, and detached, whole.)
  const bytes = new Uint8Array(data).buffer;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: WorkerResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { mammoth: mammothPath, bytes },
      transferList: [bytes],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    const timer = setTimeout(() => finish({ reason: "limit" }), CONVERT_TIMEOUT_MS);
    worker.once("message", (m: WorkerResult) => finish(m));
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY) or any other death of the worker.
    worker.once("error", (e: Error & { code?: string }) =>
      finish({ reason: e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "limit" : "corrupt" }),
    );
    worker.once("exit", () => finish({ reason: "limit" }));
  });
}

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|bmp|x-emf|x-wmf|svg\+xml);base64,/i;

/**
 * mammoth's output uses a small set of elements, but it copies link targets and image sources
 * from the document as they are. sanitize-html keeps that set (anything else is dropped with its
 * markup, its text kept); links keep only http(s), mailto and in-document anchors and open in a
 * new tab; images keep only data: image sources. (The CSP is the guarantee; this keeps the page
 * from showing dead or dangerous links.)
 */
const DOCX_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "u",
    "s",
    "sup",
    "sub",
    "br",
    "a",
    "img",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "code",
  ],
  allowedAttributes: {
    a: ["href", "id", "target", "rel"],
    img: ["alt", "src"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan"],
    p: ["id"],
    li: ["id"],
  },
  allowedSchemes: ["http", "https", "mailto", "data"],
  allowedSchemesByTag: { img: ["data"], a: ["http", "https", "mailto"] },
  transformTags: {
    a: (tagName, { href, target: _t, rel: _r, ...rest }) => {
      if (href?.startsWith("#")) return { tagName, attribs: { ...rest, href } };
      if (href && /^(https?:\/\/|mailto:)/i.test(href))
        return { tagName, attribs: { ...rest, href, target: "_blank", rel: "noopener noreferrer" } };
      return { tagName, attribs: rest };
    },
    img: (tagName, { src, ...rest }) => ({
      tagName,
      attribs: src && DATA_IMAGE.test(src) ? { ...rest, src } : rest,
    }),
  },
};

export function sanitizeDocxHtml(html: string): string {
  return sanitizeHtml(html, DOCX_HTML);
}

// ------------------------------------------------------------------------------------------------
// Limits shared by everyone on this process: at most a few conversions at once, and each file is
// converted once while it is wanted (files never change; a new upload is a new id). Only a cache:
// if the module is loaded twice (development reloads) each copy simply keeps its own.

const limited = pLimit(MAX_PARALLEL);

/**
 * Conversions by file, least recently used dropped past 48 M characters of HTML. The promise is
 * cached at once, so a second request for a file being converted waits for the same conversion;
 * refusals weigh nothing, and a failed conversion is dropped so the next request tries again.
 */
const cache = new LRUCache<string, Promise<Preview>>({
  maxSize: 48 * 1024 * 1024,
  sizeCalculation: () => 1, // corrected when the conversion settles
});

function cached(key: string, make: () => Promise<Preview>): Promise<Preview> {
  const hit = cache.get(key);
  if (hit) return hit;
  const p = make();
  cache.set(key, p);
  p.then(
    (r) => {
      if (cache.peek(key) === p) cache.set(key, p, { size: Math.max(1, r.ok ? r.html.length : 0) });
    },
    () => {
      if (cache.peek(key) === p) cache.delete(key);
    },
  );
  return p;
}

// ------------------------------------------------------------------------------------------------
// Pages

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c as "&"],
  );
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: #fff; color: #1c1917;
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft YaHei", "Segoe UI", sans-serif;
  font-size: 17px; line-height: 1.85; letter-spacing: 0.01em;
  -webkit-font-smoothing: antialiased; overflow-wrap: anywhere;
}
main { max-width: 44em; margin: 0 auto; padding: 24px 20px 48px; }
h1, h2, h3, h4, h5, h6 { line-height: 1.45; margin: 1.4em 0 0.6em; color: #1c1917; text-wrap: balance; }
h1 { font-size: 1.5em; text-align: center; margin-top: 0.6em; }
h2 { font-size: 1.3em; } h3 { font-size: 1.15em; } h4, h5, h6 { font-size: 1em; }
p { margin: 0 0 0.9em; text-wrap: pretty; }
a { color: #b91c1c; }
strong { font-weight: 700; }
ul, ol { padding-left: 1.6em; margin: 0 0 0.9em; }
li { margin: 0.2em 0; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1em; font-size: 0.94em; display: block; overflow-x: auto; }
td, th { border: 1px solid #d6d3d1; padding: 6px 10px; vertical-align: top; }
td p:last-child, th p:last-child { margin: 0; }
blockquote { margin: 0 0 1em; padding: 0.2em 1em; border-left: 3px solid #e7e5e4; color: #44403c; }
sup { line-height: 0; }
pre.text { margin: 0; white-space: pre-wrap; word-break: break-word; font: inherit; }
.refusal { min-height: 100vh; display: grid; place-content: center; gap: 12px; text-align: center; padding: 24px; }
.refusal h1 { font-size: 1.15em; margin: 0; }
.refusal p { margin: 0; color: #78716c; font-size: 0.94em; }
.refusal a { display: inline-block; justify-self: center; margin-top: 8px; padding: 10px 20px; border-radius: 10px;
  background: #b91c1c; color: #fff; text-decoration: none; font-weight: 600; }
@media (min-width: 1024px) { body { font-size: 19px; } main { padding: 40px 32px 64px; } }
@media (min-width: 1600px) { body { font-size: 22px; } }
`;

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`
  );
}

export function previewPage(name: string, html: string): string {
  return page(name, `<main>${html}</main>`);
}

export function refusalPage(file: { id: string; name: string }, message: string): string {
  return page(
    `${file.name} · 无法预览`,
    `<div class="refusal" role="alert"><h1>${escapeHtml(message)}</h1><p>${escapeHtml(file.name)}</p>` +
      `<a href="/files/${encodeURIComponent(file.id)}" target="_blank" rel="noopener">打开原文件</a></div>`,
  );
}
