import { withoutBidiControls } from "../../../shared/domain/text";
import type { Sql } from "../../../db/client";
import type { Subject } from "../../../shared/permissions";
import { MAX_FILE_BYTES } from "../../../shared/schemas/meetings";
import type { Actor } from "../actor";
import { DomainError, hidden, UUID_RE } from "../errors";
import { history } from "./meeting-history";
import { getMeetingFor } from "./meetings";
import { lockMeeting } from "./schedule-checks";

// A meeting's study materials as files: checked (type by extension and first bytes, size, name),
// added and removed by those who schedule it, read by those who may read the meeting.

// ------------------------------------------------------------------------------------------------
// Study materials: files

export const MAX_FILES_PER_UPLOAD = 10;
export const FILE_TOO_LARGE = "文件太大：单个资料不能超过 20 MB";
export const FILE_TYPE_REFUSED = "不支持的文件类型：仅支持 PDF、Word、PowerPoint、图片和文本文件";

const starts = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/**
 * The accepted types, by extension, with the type we serve them as and a check of the first
 * bytes, so a renamed page or script is never served as a document.
 */
const TYPES: { ext: string[]; mime: string; looksRight: (b: Uint8Array) => boolean }[] = [
  { ext: ["pdf"], mime: "application/pdf", looksRight: (b) => starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) },
  { ext: ["doc"], mime: "application/msword", looksRight: (b) => starts(b, OLE) },
  {
    ext: ["docx"],
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    looksRight: (b) => starts(b, ZIP),
  },
  { ext: ["ppt"], mime: "application/vnd.ms-powerpoint", looksRight: (b) => starts(b, OLE) },
  {
    ext: ["pptx"],
    mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    looksRight: (b) => starts(b, ZIP),
  },
  { ext: ["png"], mime: "image/png", looksRight: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: ["jpg", "jpeg"], mime: "image/jpeg", looksRight: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  {
    ext: ["webp"],
    mime: "image/webp",
    looksRight: (b) => starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b, [0x57, 0x45, 0x42, 0x50], 8),
  },
  { ext: ["txt"], mime: "text/plain; charset=utf-8", looksRight: (b) => !b.subarray(0, 8192).includes(0) },
];

/** A plain file name: no folders, no control characters, at most 120 characters with its extension. */
function cleanName(raw: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? "").normalize("NFC");
  let s = withoutBidiControls(base.replace(/[\u0000-\u001f\u007f"]/g, "")).trim();
  if (s.length > 120) {
    const dot = s.lastIndexOf(".");
    const ext = dot > 0 && s.length - dot <= 8 ? s.slice(dot) : "";
    s = s.slice(0, 120 - ext.length) + ext;
  }
  return s || "资料";
}

/** Text is stored as UTF-8: a GB18030 file from a Windows PC is converted so it reads right everywhere. */
function asUtf8(bytes: Uint8Array): Uint8Array {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return bytes;
  } catch {
    return new TextEncoder().encode(new TextDecoder("gb18030").decode(bytes));
  }
}

export interface UploadedFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

function checkFile(f: UploadedFile): { name: string; mime: string; bytes: Uint8Array } {
  const name = cleanName(f.name);
  const suffix = (m: string) => `${m}（${name}）`;
  if (f.bytes.byteLength > MAX_FILE_BYTES) throw new DomainError(suffix(FILE_TOO_LARGE), 400, "files");
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  const type = TYPES.find((x) => x.ext.includes(ext));
  if (!type) throw new DomainError(suffix(FILE_TYPE_REFUSED), 400, "files");
  if (f.bytes.byteLength === 0) throw new DomainError(`文件是空的（${name}）`, 400, "files");
  if (!type.looksRight(f.bytes))
    throw new DomainError(`文件内容与扩展名不符，可能已损坏或被改名（${name}）`, 400, "files");
  return { name, mime: type.mime, bytes: ext === "txt" ? asUtf8(f.bytes) : f.bytes };
}

/** Adds files as study materials, all or none; returns the materials' ids. Allowed after the meeting (补学). */
export async function addFileMaterials(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  files: UploadedFile[],
): Promise<string[]> {
  if (files.length === 0) throw new DomainError("请选择要上传的文件。", 400, "files");
  if (files.length > MAX_FILES_PER_UPLOAD)
    throw new DomainError(`一次最多上传 ${MAX_FILES_PER_UPLOAD} 个文件。`, 400, "files");
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已取消，不能再添加资料。", 409);
    const checked = files.map(checkFile);
    const ids: string[] = [];
    for (const f of checked) {
      const [file] = await t<{ id: string }[]>`
        insert into files (name, mime, size, data, created_by)
        values (${f.name}, ${f.mime}, ${f.bytes.byteLength}, ${Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength)}, ${actor.userId})
        returning id`;
      const [m] = await t<{ id: string }[]>`
        insert into meeting_materials (meeting_id, title, file_id, created_by)
        values (${row.id}, ${f.name}, ${file.id}, ${actor.userId}) returning id`;
      ids.push(m.id);
    }
    await history(t, row.id, actor, "materials", { added: checked.map((f) => f.name) });
    return ids;
  })) as string[];
}

/** Adds one file as a study material; returns the material's id. */
export async function addFileMaterial(sql: Sql, actor: Actor, meetingId: string, file: UploadedFile) {
  return (await addFileMaterials(sql, actor, meetingId, [file]))[0];
}

/** Removes a file material (a wrong upload) from a meeting that is not cancelled. */
export async function removeFileMaterial(sql: Sql, actor: Actor, meetingId: string, materialId: string) {
  if (!UUID_RE.test(materialId)) throw hidden();
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const { row } = await lockMeeting(t, actor, meetingId);
    if (row.status === "cancelled") throw new DomainError("会议已取消，资料不能再改动。", 409);
    const [m] = await t<{ id: string; title: string; file_id: string | null }[]>`
      select id, title, file_id from meeting_materials where id = ${materialId} and meeting_id = ${row.id}`;
    if (!m?.file_id) throw hidden();
    await t`delete from meeting_materials where id = ${m.id}`;
    await t`delete from files where id = ${m.file_id}
            and not exists (select 1 from meeting_materials where file_id = ${m.file_id})`;
    await history(t, row.id, actor, "materials", { removed: [m.title] });
  });
}

/** A material's file for someone who may read its meeting; null when missing or hidden (answer 404). */
export async function materialFile(
  sql: Sql,
  subject: Subject,
  fileId: string,
): Promise<{ name: string; mime: string; size: number; data: Uint8Array } | null> {
  if (!UUID_RE.test(fileId)) return null;
  const [f] = await sql<{ name: string; mime: string; size: number; data: Uint8Array; meetingId: string }[]>`
    select f.name, f.mime, f.size, f.data, mm.meeting_id as "meetingId"
    from files f join meeting_materials mm on mm.file_id = f.id where f.id = ${fileId} limit 1`;
  if (!f) return null;
  if (!(await getMeetingFor(sql, subject, f.meetingId))) return null;
  return { name: f.name, mime: f.mime, size: f.size, data: f.data };
}
