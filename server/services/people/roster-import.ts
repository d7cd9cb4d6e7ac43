import Papa from "papaparse";
import { unprotectCell } from "../../../shared/csv";
import type { Sql } from "../../../db/client";
import {
  CATEGORY_LABEL,
  CATEGORY_LABEL_ALIASES,
  ORG_KIND_LABEL,
  ROLE_LABEL,
  ROLE_LABEL_ALIASES,
  type Category,
  type OrgKind,
  type Role,
} from "../../../shared/domain/labels";
import {
  DisplayNameSchema,
  normalizeSignInName,
  PersonSchema,
  signInNameError,
  yesNo,
  postEligibilityError,
} from "../../../shared/domain/people";
import { ORDINARY_ROLE, roleFits, rolesFitting } from "../../../shared/permissions";
import type { Actor } from "../actor";
import { log } from "../../logger";
import { audit } from "../audit";
import { DomainError } from "../errors";
import { createMembers, type CreatedMember, type NewMember } from "./members";
import { requireManagedOrg, type Org } from "./orgs";
import { readXlsxInWorker } from "./xlsx-reader";
import { MAX_ROSTER_BYTES } from "../../../shared/upload-limits";

// Roster import: a branch secretary uploads the member roster kept in Excel (.xlsx or .csv,
// or rows pasted from Excel), sees which rows are good and which are not and why, and then
// imports the good rows or nothing. Reading the file, checking the rows and importing are
// separate steps, and the import checks everything again: a preview is never trusted.

export { MAX_ROSTER_BYTES };
export const MAX_ROSTER_ROWS = 2000;

/**
 * What a roster .xlsx may inflate to by default (ROSTER_INFLATE_MAX_BYTES): a 2000-row sheet is a few
 * MB of XML, a zip bomb far more.
 */
export const ROSTER_INFLATE_MAX_BYTES = 20 * 1024 * 1024;

const UNSUPPORTED = "仅支持 .xlsx 或 .csv 文件，请在 Excel 中“另存为”后再上传";

// ---------------------------------------------------------------------------------------------
// Reading files and pasted text into a table of trimmed strings

/** Trims a cell, including the zero-width characters that come along when copying from web pages. */
const cleanCell = (v: unknown): string =>
  unprotectCell((v == null ? "" : String(v)).replace(/[\u200B-\u200D\u2060\uFEFF]/g, "").trim());

const startsWith = (bytes: Uint8Array, sig: number[]) => sig.every((b, i) => bytes[i] === b);
const ZIP_SIG = [0x50, 0x4b, 0x03, 0x04];
/** OLE compound file: an old .xls, or an .xlsx protected by a password (Excel encrypts it into one). */
const OLE_SIG = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Reads an uploaded file into a table of trimmed string cells. An .xlsx is inflated in a worker,
 * never past `inflateMaxBytes` (all its parts together).
 */
export async function readRosterFile(
  fileName: string,
  bytes: Uint8Array,
  { inflateMaxBytes = ROSTER_INFLATE_MAX_BYTES }: { inflateMaxBytes?: number } = {},
): Promise<string[][]> {
  if (bytes.length === 0) throw new DomainError("上传的文件是空的，请检查后重新上传。", 400, "file");
  if (bytes.length > MAX_ROSTER_BYTES)
    throw new DomainError(
      `文件太大（${(bytes.length / 1024 / 1024).toFixed(1)} MB）：最大 ${MAX_ROSTER_BYTES / 1024 / 1024} MB。请删去与人员无关的工作表、图片后再上传，或分批导入。`,
      400,
      "file",
    );
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? "";
  if (ext === "xlsx") return readXlsx(bytes, inflateMaxBytes);
  if (ext === "csv") {
    // An .xlsx renamed to .csv is still an Excel file: read it as what it is.
    if (startsWith(bytes, ZIP_SIG)) return readXlsx(bytes, inflateMaxBytes);
    if (startsWith(bytes, OLE_SIG)) throw new DomainError(UNSUPPORTED, 400, "file");
    return parseDelimited(decodeText(bytes));
  }
  throw new DomainError(UNSUPPORTED, 400, "file");
}

/** UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030, which is what Excel in China saves CSV as. */
function decodeText(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(bytes);
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/** Text pasted from Excel (tab separated) or CSV text (comma separated); detect by the first line. */
export function parsePastedRoster(text: string): string[][] {
  return parseDelimited(text);
}

function parseDelimited(raw: string): string[][] {
  const text = raw.replace(/^\uFEFF/, "");
  const first = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== "") ?? "";
  const delimiter = first.includes("\t") ? "\t" : !first.includes(",") && first.includes(";") ? ";" : ",";
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false });
  const quotes = result.errors.find((e) => e.type === "Quotes");
  if (quotes)
    throw new DomainError(
      `第 ${(quotes.row ?? 0) + 1} 行附近的英文引号（"）没有配对，无法确定单元格的边界。请检查该行后重新上传。`,
      400,
      "file",
    );
  return result.data.map((row) => row.map(cleanCell));
}

async function readXlsx(bytes: Uint8Array, inflateMaxBytes: number): Promise<string[][]> {
  const corrupt = () =>
    new DomainError(
      "无法读取这个 Excel 文件：文件可能已损坏，或并不是 .xlsx 格式。请用 Excel 打开后“另存为” .xlsx 文件再上传。",
      400,
      "file",
    );
  const tooLarge = () =>
    new DomainError(
      `这个 Excel 文件解压后过大（超过 ${Math.round(inflateMaxBytes / 1024 / 1024)} MB），无法读取。请只保留人员名单所在的工作表后再上传。`,
      413,
      "file",
    );
  if (startsWith(bytes, OLE_SIG))
    throw new DomainError(
      `无法读取这个文件：它可能是旧版 .xls 文件改了扩展名，或设置了打开密码。${UNSUPPORTED}（不要设置密码）。`,
      400,
      "file",
    );
  if (!startsWith(bytes, ZIP_SIG)) throw corrupt();
  // What the file declares is checked first (free); the worker holds it to what it really inflates to.
  const unpacked = zipUnpackedSize(bytes);
  if (unpacked === null) throw corrupt();
  if (unpacked > inflateMaxBytes) throw tooLarge();
  // parseNumber (in the worker) keeps numbers as the digits stored in the file, so a phone number
  // cannot lose digits to floating point or come back as 1.38e10.
  const read = await readXlsxInWorker(bytes, inflateMaxBytes);
  if ("reason" in read) {
    if (read.reason === "limit") throw tooLarge();
    if (read.reason === "unsupported") throw new DomainError(UNSUPPORTED, 400, "file");
    throw corrupt();
  }
  return read.rows.map((row) => row.map(xlsxCell));
}

function xlsxCell(v: unknown): string {
  if (v == null) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "number") return plainNumber(String(v));
  if (typeof v === "string" && /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return plainNumber(v);
  return cleanCell(v);
}

/** "1.3800000001E10" → "13800000001", "42.0" → "42": numbers as people typed them. */
function plainNumber(s: string): string {
  if (/e/i.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n) && Number.isInteger(n)) return BigInt(n).toString();
    if (Number.isFinite(n)) return String(n);
    return s;
  }
  return s.replace(/^(\d+)\.0+$/, "$1");
}

/**
 * The sum of the uncompressed sizes the zip's central directory declares, or null when there
 * is no readable central directory. Guards against a small upload that unpacks to gigabytes.
 */
function zipUnpackedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const minEnd = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= minEnd; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return null;
    const size = view.getUint32(p + 24, true);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY; // zip64: far beyond any roster
    total += size;
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Header recognition

type Field = "name" | "signIn" | "category" | "group" | "role" | "probationStart" | "probationEnd" | "mobile";

/** Header names per field; for the sign-in name, earlier names win when a roster has several. */
const HEADERS: Record<Field, string[]> = {
  name: ["姓名"],
  signIn: ["登录名", "手机号或工号", "手机号/工号", "手机号码", "手机号", "手机", "工号"],
  category: ["类别", "人员类别", "党员类别", "政治面貌"],
  group: ["党小组", "所在党小组", "所在组织"],
  role: ["职务", "党内职务"],
  probationStart: ["预备期开始", "预备期开始日期", "预备期起始", "预备期起始日期", "转为预备党员日期"],
  probationEnd: ["预备期结束", "预备期结束日期", "预备期满", "预备期满日期"],
  mobile: ["流动党员", "是否流动党员"],
};
const FIELDS = Object.keys(HEADERS) as Field[];

/** "姓 名（必填）*" → "姓名": case, spaces, a trailing note in brackets and required-marks do not matter. */
function headerKey(cell: string): string {
  let s = cell.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  for (let prev = ""; prev !== s;) {
    prev = s;
    s = s.replace(/^[*※]+|[*※:：]+$/g, "").replace(/(\([^()]*\)|\[[^[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)$/g, "");
  }
  return s;
}

interface Header {
  /** Index of the header row in the table. */
  row: number;
  columns: string[];
  index: Partial<Record<Field, number>>;
}

function findHeader(table: string[][]): Header {
  const nonEmpty = table.map((r, i) => [r, i] as const).filter(([r]) => r.some((c) => c !== ""));
  if (nonEmpty.length === 0) throw new DomainError("表格是空的，没有找到任何内容。", 400, "file");
  // A roster often has a title row ("某某党支部党员花名册") above the header: look a few rows down.
  const keysOf = (r: string[]) => r.map(headerKey);
  const isAlias = (k: string) => FIELDS.some((f) => HEADERS[f].includes(k));
  const found =
    nonEmpty
      .slice(0, 10)
      .find(([r]) => keysOf(r).some((k) => HEADERS.name.includes(k) || HEADERS.signIn.includes(k))) ??
    nonEmpty.slice(0, 10).find(([r]) => keysOf(r).some(isAlias)) ??
    nonEmpty[0];
  const [cells, row] = found;
  const keys = keysOf(cells);
  const index: Header["index"] = {};
  for (const f of FIELDS) {
    for (const alias of HEADERS[f]) {
      const i = keys.indexOf(alias);
      if (i >= 0) {
        index[f] = i;
        break;
      }
    }
  }
  const missing = [
    index.name === undefined ? "“姓名”" : null,
    index.signIn === undefined ? "“登录名”（也可写作“手机号”“工号”）" : null,
  ].filter(Boolean);
  if (missing.length > 0) {
    const shown = cells.filter((c) => c !== "").map((c) => `“${c}”`);
    throw new DomainError(
      `没有找到表头：表头行应包含“姓名”和“登录名”（也可写作“手机号”“工号”）两列，第 ${row + 1} 行缺少${missing.join("和")}列。` +
        `该行现在是：${shown.slice(0, 12).join("、")}${shown.length > 12 ? " 等" : ""}。`,
      400,
      "file",
    );
  }
  // Column names for the preview: every column that has a header or any data.
  const width = Math.max(
    0,
    ...table.slice(row).map((r) => {
      let w = r.length;
      while (w > 0 && r[w - 1] === "") w--;
      return w;
    }),
  );
  const columns: string[] = [];
  for (let i = 0; i < width; i++) {
    const base = cells[i] || `第 ${i + 1} 列`;
    columns.push(columns.includes(base) ? `${base}（第 ${i + 1} 列）` : base);
  }
  return { row, columns, index };
}

// ---------------------------------------------------------------------------------------------
// Cell values

const CATEGORY_BY_LABEL = new Map<string, Category>([
  ...Object.entries(CATEGORY_LABEL).map(([code, label]) => [label, code as Category] as const),
  ...Object.entries(CATEGORY_LABEL_ALIASES),
]);

const ROLE_BY_LABEL = new Map<string, Role>([
  ...Object.entries(ROLE_LABEL).map(([code, label]) => [label, code as Role] as const),
  ...Object.entries(ROLE_LABEL_ALIASES),
]);

const ROLE_LIST = Object.values(ROLE_LABEL).join("、");

const valueKey = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

const NO_RE = /^(否|不是|n|no|false|0|off|×|✗|x)$/i;

const DAY_RE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$/;
const COMPACT_DAY_RE = /^(\d{4})(\d{2})(\d{2})$/;

/** 2026-07-01, 2026/7/1, 2026.7.1, 2026年7月1日 or 20260701 → "2026-07-01". */
export function parseRosterDate(raw: string): { day: string } | { error: "format" | "missing" } {
  const s = raw.normalize("NFKC").trim();
  const m = DAY_RE.exec(s) ?? COMPACT_DAY_RE.exec(s);
  if (!m) return { error: "format" };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return { error: "missing" };
  return { day: date.toISOString().slice(0, 10) };
}

// ---------------------------------------------------------------------------------------------
// Preview

export interface RosterLine extends NewMember {
  line: number;
  orgName: string;
}
export interface RosterProblem {
  line: number;
  cells: Record<string, string>;
  errors: string[];
}
export interface RosterPreview {
  columns: string[];
  good: RosterLine[];
  bad: RosterProblem[];
}

interface OrgOption {
  id: string;
  kind: OrgKind;
  name: string;
  /** Names from the organisation being imported into down to this one. */
  names: string[];
}

async function orgsWithin(sql: Sql, org: Org): Promise<OrgOption[]> {
  return sql<OrgOption[]>`
    with recursive down as (
      select id, kind, name, array[name] as names, 0 as depth from organizations where id = ${org.id}
      union all
      select o.id, o.kind, o.name, down.names || o.name, down.depth + 1
      from organizations o join down on o.parent_id = down.id
      where down.depth < 32
    )
    select id, kind, name, names from down order by depth, name`;
}

/** By exact name, or by a path such as "第一党支部/第一党小组" when the name alone is ambiguous. */
function findOrgByName(options: OrgOption[], raw: string): OrgOption[] {
  const parts = raw
    .normalize("NFKC")
    .split(/\s*[/／\\]\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  const key = (s: string) => s.normalize("NFKC").trim();
  return options.filter((o) => {
    if (parts.length > o.names.length) return false;
    const tail = o.names.slice(o.names.length - parts.length).map(key);
    return tail.every((n, i) => n === parts[i]);
  });
}

function roleFitError(target: OrgOption, role: Role): string | null {
  if (roleFits(target.kind, role)) return null;
  if (target.kind === "group") {
    const fitting = rolesFitting(target.kind).map((r) => `“${ROLE_LABEL[r]}”`);
    return `“${target.name}”是党小组，党小组内只能设${fitting.join("或")}，不能设“${ROLE_LABEL[role]}”`;
  }
  return `“${ROLE_LABEL[role]}”只能设在党小组内，“${target.name}”是${ORG_KIND_LABEL[target.kind]}：请在“党小组”一栏填写所在党小组`;
}

const listLines = (lines: number[]) =>
  lines.length > 20 ? `第 ${lines.slice(0, 20).join("、")} 行等 ${lines.length} 行` : `第 ${lines.join("、")} 行`;

/** Validates a table against the organisation (the branch being imported into) and the database. */
export async function previewRoster(sql: Sql, org: Org, table: string[][]): Promise<RosterPreview> {
  // The table may come back from a browser: make sure it is strings.
  const rows: string[][] = (Array.isArray(table) ? table : []).map((r) => (Array.isArray(r) ? r.map(cleanCell) : []));
  const header = findHeader(rows);
  const { index, columns } = header;
  const cell = (r: string[], f: Field) => (index[f] === undefined ? "" : (r[index[f]!] ?? ""));
  const recognised = FIELDS.filter((f) => index[f] !== undefined).map((f) => index[f]!);

  // Rows with nothing in any recognised column (blank lines, or a template's pre-numbered 序号
  // rows) carry nobody to import and are skipped; line numbers stay those of the file.
  const data = rows
    .map((r, i) => ({ r, line: i + 1 }))
    .slice(header.row + 1)
    .filter(({ r }) => recognised.some((i) => (r[i] ?? "") !== ""));
  if (data.length === 0) throw new DomainError("表格只有表头，没有人员数据。", 400, "file");
  if (data.length > MAX_ROSTER_ROWS)
    throw new DomainError(
      `一次最多导入 ${MAX_ROSTER_ROWS} 人，这个表格有 ${data.length} 行人员数据。请分成几个文件分批导入。`,
      400,
      "file",
    );

  const options = await orgsWithin(sql, org);
  const usernames = data.map(({ r }) => normalizeSignInName(cell(r, "signIn")));
  const lowered = [...new Set(usernames.filter((u) => u && !signInNameError(u)).map((u) => u.toLowerCase()))];
  const taken = new Set(
    lowered.length === 0
      ? []
      : (await sql<{ username: string }[]>`select username from users where lower(username) = any(${lowered})`).map(
          (u) => u.username.toLowerCase(),
        ),
  );

  const good: RosterLine[] = [];
  const bad: RosterProblem[] = [];
  const firstLine = new Map<string, number>();

  data.forEach(({ r, line }, n) => {
    const errors: string[] = [];

    // 姓名
    const rawName = cell(r, "name");
    const name = DisplayNameSchema.safeParse(rawName);
    if (!name.success) errors.push(...name.error.issues.map((i) => i.message));

    // 登录名
    const rawLogin = cell(r, "signIn");
    const username = usernames[n];
    const loginError = /^\d(\.\d+)?e\+?\d+$/i.test(rawLogin.normalize("NFKC"))
      ? `手机号“${rawLogin}”被 Excel 显示成了科学计数法，原来的号码已无法还原：请在 Excel 中把这一列设为“文本”，重新填写号码后再导出`
      : signInNameError(username);
    if (loginError) errors.push(loginError);

    // 类别 and 预备期
    const rawCategory = cell(r, "category");
    const category: Category | undefined = rawCategory === "" ? "full" : CATEGORY_BY_LABEL.get(valueKey(rawCategory));
    if (!category)
      errors.push(
        `类别“${rawCategory}”无法识别：应填 正式党员、预备党员、发展对象 或 入党积极分子（不填即为正式党员）`,
      );
    const dates: Record<"probationStart" | "probationEnd", string | undefined> = {
      probationStart: undefined,
      probationEnd: undefined,
    };
    const dateFailed = new Set<string>();
    if (category === "probationary") {
      for (const [f, label, path] of [
        ["probationStart", "预备期开始日期", "probationStartedOn"],
        ["probationEnd", "预备期结束日期", "probationEndsOn"],
      ] as const) {
        const raw = cell(r, f);
        if (raw === "") continue;
        const parsed = parseRosterDate(raw);
        if ("day" in parsed) dates[f] = parsed.day;
        else {
          dateFailed.add(path);
          errors.push(
            parsed.error === "missing"
              ? `${label}“${raw}”不存在，请检查月份和日期`
              : `${label}“${raw}”无法识别：请写成 2026-07-01、2026/7/1 或 2026年7月1日`,
          );
        }
      }
    }
    const person = PersonSchema.safeParse({
      // The name is checked above; a stand-in keeps the category and probation checks going.
      displayName: name.success ? rawName : "—",
      category: category ?? "full",
      probationStartedOn: dates.probationStart,
      probationEndsOn: dates.probationEnd,
    });
    if (!person.success)
      for (const issue of person.error.issues) {
        const path = String(issue.path[0] ?? "");
        if (path === "displayName" || dateFailed.has(path)) continue;
        errors.push(issue.message);
      }

    // 党小组
    const rawGroup = cell(r, "group");
    let target: OrgOption | undefined = options[0];
    if (rawGroup !== "") {
      const matches = findOrgByName(options, rawGroup);
      target = matches.length === 1 ? matches[0] : undefined;
      if (matches.length === 0) {
        const within = options.slice(1).map((o) => o.name);
        errors.push(
          `党小组“${rawGroup}”不存在：` +
            (within.length === 0
              ? `“${org.name}”下没有党小组，请留空`
              : `“${org.name}”下有 ${within.slice(0, 10).join("、")}${within.length > 10 ? " 等" : ""}（留空即为“${org.name}”本身）`),
        );
      } else if (matches.length > 1)
        errors.push(
          `名为“${rawGroup}”的组织不止一个（${matches.map((o) => o.names.join("/")).join("；")}），请写成“上级组织/${rawGroup}”`,
        );
    }

    // 职务
    const rawRole = cell(r, "role");
    const role: Role | undefined = rawRole === "" ? ORDINARY_ROLE : ROLE_BY_LABEL.get(valueKey(rawRole));
    if (!role) errors.push(`职务“${rawRole}”无法识别：应填 ${ROLE_LIST} 之一（不填即为党员）`);
    if (role && target) {
      const e = roleFitError(target, role);
      if (e) errors.push(e);
    }
    if (role && category) {
      const e = postEligibilityError(category, role);
      if (e) errors.push(e);
    }

    // 流动党员
    const rawMobile = cell(r, "mobile");
    const mobile = yesNo(rawMobile);
    if (rawMobile !== "" && !mobile && !NO_RE.test(rawMobile))
      errors.push(`流动党员一栏“${rawMobile}”无法识别：应填“是”或“否”（不填即为否）`);

    // The same sign-in name twice in the file, or already in use.
    if (!loginError) {
      const k = username.toLowerCase();
      const first = firstLine.get(k);
      if (first === undefined) firstLine.set(k, line);
      else errors.push(`与第 ${first} 行的登录名重复`);
      if (taken.has(k))
        errors.push(
          `登录名 ${username} 已被使用：系统中已有此人。如是同一人参加双重组织生活，请在其个人页“增加组织关系”，不要重复导入`,
        );
    }

    if (errors.length === 0 && person.success && role && target && category) {
      good.push({
        line,
        orgName: target.name,
        person: { ...person.data, displayName: name.data! },
        username,
        orgId: target.id,
        role,
        mobile,
      });
    } else {
      const cells: Record<string, string> = {};
      columns.forEach((c, i) => (cells[c] = r[i] ?? ""));
      bad.push({ line, cells, errors: errors.length > 0 ? errors : ["此行无法导入"] });
    }
  });

  return { columns, good, bad };
}

// ---------------------------------------------------------------------------------------------
// Import

/**
 * Re-validates and imports: "good" imports only the good rows, "all" refuses if any row is bad.
 * All rows go in one transaction (createMembers): everyone or no one.
 */
export async function importRoster(
  sql: Sql,
  actor: Actor,
  orgId: string,
  table: string[][],
  choice: "good" | "all",
): Promise<{ created: CreatedMember[]; skipped: RosterProblem[] }> {
  const org = await requireManagedOrg(sql, actor, orgId);
  if (choice !== "good" && choice !== "all") throw new DomainError("请选择导入方式。", 400, "choice");
  const { good, bad } = await previewRoster(sql, org, table);
  if (choice === "all" && bad.length > 0)
    throw new DomainError(
      `有 ${bad.length} 行存在问题（${listLines(bad.map((b) => b.line))}），没有导入任何人员。请修改后重新上传，或选择只导入无误的行。`,
      400,
    );
  if (good.length === 0)
    throw new DomainError(`没有可以导入的行：全部 ${bad.length} 行都存在问题，请修改后重新上传。`, 400);
  const created = await createMembers(sql, actor, good);
  // Each person's member.create entry is written in the import's transaction; this summary comes
  // after the commit, so a failure here must not hide the one-time codes of people now created.
  try {
    await audit(sql, {
      actorId: actor.userId,
      action: "member.import",
      orgId: org.id,
      detail: { org: org.name, created: created.length, skippedLines: bad.map((b) => b.line) },
      address: actor.address,
    });
  } catch (e) {
    log.error("roster import: summary audit entry failed", { orgId: org.id, created: created.length, err: e });
  }
  return { created, skipped: bad };
}
