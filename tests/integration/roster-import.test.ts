import { afterAll, beforeAll, describe, expect, it } from "vitest";
import writeExcelFile from "write-excel-file/node";
import { openDatabase, type Database } from "../../db/client";
import { migrate } from "../../db/migrate";
import { seedDemo } from "../../server/demo/seed";
import type { Actor } from "../../server/services/actor";
import { DomainError } from "../../server/services/errors";
import { createMember } from "../../server/services/people/members";
import { findOrg, type Org } from "../../server/services/people/orgs";
import {
  importRoster,
  MAX_ROSTER_BYTES,
  MAX_ROSTER_ROWS,
  parsePastedRoster,
  previewRoster,
  readRosterFile,
  type RosterPreview,
} from "../../server/services/people/roster-import";
import { loadSubject } from "../../server/services/people/subjects";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let tdb: TestDatabase;
let db: Database;
let branch: Org;
let secretary: Actor; // 王建国, 书记 of 机关第一党支部
let groups: Record<string, string>; // name -> id

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
  await migrate(db.sql);
  await seedDemo(db.sql, "tongxin2026");
  const sql = db.sql;
  const [b] = await sql<{ id: string }[]>`select id from organizations where name = '机关第一党支部'`;
  branch = (await findOrg(sql, b.id))!;
  const [u] = await sql<{ id: string }[]>`select id from users where username = '13800000001'`;
  secretary = { userId: u.id, subject: await loadSubject(sql, u.id), address: "127.0.0.1" };
  const gs = await sql<{ id: string; name: string }[]>`select id, name from organizations where parent_id = ${b.id}`;
  groups = Object.fromEntries(gs.map((g) => [g.name, g.id]));
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const withBom = (s: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(s)]);

/**
 * A GB18030 encoder for the test: Node only decodes GB18030, so invert the decoder over the
 * two-byte range, which covers every Chinese character a roster needs.
 */
let gbTable: Map<string, number[]> | undefined;
function gb18030(text: string): Uint8Array {
  if (!gbTable) {
    gbTable = new Map();
    const dec = new TextDecoder("gb18030");
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== "\ufffd" && !gbTable.has(ch)) gbTable.set(ch, [a, b]);
      }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else {
      const bytes = gbTable.get(ch);
      if (!bytes) throw new Error(`no GB18030 bytes for ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

async function userCount() {
  const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from users`;
  return n;
}

async function membershipsOf(username: string) {
  return db.sql<
    {
      displayName: string;
      category: string;
      start: string | null;
      end: string | null;
      org: string;
      role: string;
      mobile: boolean;
    }[]
  >`
    select u.display_name as "displayName", u.category,
      to_char(u.probation_started_on, 'YYYY-MM-DD') as start, to_char(u.probation_ends_on, 'YYYY-MM-DD') as end,
      o.name as org, m.role, m.mobile
    from users u join memberships m on m.user_id = u.id and m.ended_at is null
    join organizations o on o.id = m.org_id
    where u.username = ${username}`;
}

const lines = (p: RosterPreview) => ({ good: p.good.map((g) => g.line), bad: p.bad.map((b) => b.line) });
const CODE_RE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe("reading files", () => {
  it("reads a UTF-8 CSV with a BOM, trimming cells and keeping quoted commas and empty rows", async () => {
    const table = await readRosterFile(
      "花名册.CSV",
      withBom('姓名,手机号,备注\r\n 孙丽 ,139 0000 0001,"党员, 教师"\r\n,,\r\n周杰,13900000002,\r\n'),
    );
    expect(table).toEqual([
      ["姓名", "手机号", "备注"],
      ["孙丽", "139 0000 0001", "党员, 教师"],
      ["", "", ""],
      ["周杰", "13900000002", ""],
      [""],
    ]);
  });

  it("falls back to GB18030 for a CSV saved by Excel in China", async () => {
    expect([...gb18030("王")]).toEqual([0xcd, 0xf5]);
    const bytes = gb18030("姓名,手机号,党小组\r\n王小明,13900000101,第一党小组\r\n");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    expect(await readRosterFile("roster.csv", bytes)).toEqual([
      ["姓名", "手机号", "党小组"],
      ["王小明", "13900000101", "第一党小组"],
      [""],
    ]);
  });

  it("reads the first sheet of an .xlsx: dates as YYYY-MM-DD and numbers as plain digits", async () => {
    const buf = await writeExcelFile(
      [
        ["机关第一党支部党员花名册", null, null, null],
        ["姓名", "手机号", "类别", "预备期开始"],
        ["冯雪", 13900000201, "预备党员", { value: new Date(Date.UTC(2026, 0, 15)), format: "yyyy/m/d" }],
        ["褚明", 13900000202, "正式党员", null],
      ],
      { sheet: "花名册" },
    ).toBuffer();
    expect(await readRosterFile("roster.xlsx", new Uint8Array(buf))).toEqual([
      ["机关第一党支部党员花名册", "", "", ""],
      ["姓名", "手机号", "类别", "预备期开始"],
      ["冯雪", "13900000201", "预备党员", "2026-01-15"],
      ["褚明", "13900000202", "正式党员", ""],
    ]);
  });

  it("refuses empty, oversized, unsupported and corrupt files with Chinese messages", async () => {
    expect((await refusal(readRosterFile("a.csv", new Uint8Array()))).message).toContain("空的");
    const big = await refusal(readRosterFile("a.csv", new Uint8Array(MAX_ROSTER_BYTES + 1).fill(0x41)));
    expect(big.status).toBe(400);
    expect(big.message).toContain("文件太大");
    for (const name of ["old.xls", "roster.numbers", "roster.txt", "roster", "roster.pdf"]) {
      const e = await refusal(readRosterFile(name, utf8("姓名,手机号")));
      expect(e.status).toBe(400);
      expect(e.message).toBe("仅支持 .xlsx 或 .csv 文件，请在 Excel 中“另存为”后再上传");
    }
    const notZip = await refusal(readRosterFile("roster.xlsx", utf8("姓名,手机号\n")));
    expect(notZip.status).toBe(400);
    expect(notZip.message).toContain("无法读取这个 Excel 文件");
    const good = await writeExcelFile([["姓名", "手机号"]]).toBuffer();
    const truncated = await refusal(readRosterFile("roster.xlsx", new Uint8Array(good.subarray(0, good.length - 200))));
    expect(truncated.message).toContain("无法读取");
    // An old .xls (or a password-protected .xlsx) renamed to .xlsx.
    const ole = new Uint8Array(512);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await refusal(readRosterFile("roster.xlsx", ole))).message).toContain("旧版 .xls");
  });

  it("refuses an .xlsx that would unpack to far more than any roster (zip bomb)", async () => {
    const buf = new Uint8Array(await writeExcelFile([["姓名", "手机号"]]).toBuffer());
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    // Declare a huge uncompressed size for every entry in the central directory.
    for (let i = 0; i + 4 <= buf.length; i++)
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 0x7fffffff, true);
    expect((await refusal(readRosterFile("roster.xlsx", buf))).message).toContain("解压后过大");
  });

  it("parses rows pasted from Excel (tabs) and CSV text (commas)", () => {
    expect(parsePastedRoster("姓名\t手机号\t备注\r\n孙丽\t13900000001\t有, 逗号\r\n")).toEqual([
      ["姓名", "手机号", "备注"],
      ["孙丽", "13900000001", "有, 逗号"],
      [""],
    ]);
    expect(parsePastedRoster("姓名,手机号\n孙丽,13900000001")).toEqual([
      ["姓名", "手机号"],
      ["孙丽", "13900000001"],
    ]);
  });
});

describe("previewing and importing", () => {
  it("imports a good UTF-8 CSV entirely, into the right groups, with invitation codes", async () => {
    const csv = [
      "序号,姓名（必填）,手机号,人员类别,所在党小组,党内职务,预备期开始,预备期满,是否流动党员,备注",
      "1,孙丽,139-0000-0001,中共党员,第一党小组,,,,否,",
      ",,,,,,,,,",
      "2,周杰,13900000002,预备党员,第二党小组,党员,2026年3月1日,,,转入",
      "3,吴刚,WG-001,,,组织委员,,,,",
      "4,郑爽,+86 139 0000 0003,入党积极分子,第一党小组,,,,是,",
      "5,,,,,,,,,",
      "",
    ].join("\r\n");
    const table = await readRosterFile("roster.csv", withBom(csv));
    const preview = await previewRoster(db.sql, branch, table);
    expect(preview.bad).toEqual([]);
    expect(lines(preview).good).toEqual([2, 4, 5, 6]);
    expect(preview.columns).toContain("备注");
    expect(preview.good.map((g) => [g.username, g.orgName, g.role])).toEqual([
      ["13900000001", "第一党小组", "member"],
      ["13900000002", "第二党小组", "member"],
      ["WG-001", "机关第一党支部", "organization_member"],
      ["13900000003", "第一党小组", "member"],
    ]);

    const before = await userCount();
    const { created, skipped } = await importRoster(db.sql, secretary, branch.id, table, "all");
    expect(skipped).toEqual([]);
    expect(created.map((c) => c.displayName)).toEqual(["孙丽", "周杰", "吴刚", "郑爽"]);
    for (const c of created) expect(c.code).toMatch(CODE_RE);
    expect(await userCount()).toBe(before + 4);

    expect(await membershipsOf("13900000001")).toEqual([
      {
        displayName: "孙丽",
        category: "full",
        start: null,
        end: null,
        org: "第一党小组",
        role: "member",
        mobile: false,
      },
    ]);
    expect(await membershipsOf("13900000002")).toEqual([
      {
        displayName: "周杰",
        category: "probationary",
        start: "2026-03-01",
        end: "2027-03-01",
        org: "第二党小组",
        role: "member",
        mobile: false,
      },
    ]);
    expect(await membershipsOf("WG-001")).toMatchObject([{ org: "机关第一党支部", role: "organization_member" }]);
    expect(await membershipsOf("13900000003")).toMatchObject([
      { category: "activist", org: "第一党小组", role: "member", mobile: true },
    ]);
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from invitations i join users u on u.id = i.user_id
      where u.username in ('13900000001', '13900000002', 'WG-001', '13900000003') and i.used_at is null`;
    expect(n).toBe(4);
    const [log] = await db.sql<{ detail: { created: number } }[]>`
      select detail from audit_log where action = 'member.import' order by id desc limit 1`;
    expect(log.detail.created).toBe(4);
  });

  it("imports a GB18030 CSV", async () => {
    const bytes = gb18030("姓名,手机号,党小组\r\n王小明,13900000101,第一党小组\r\n蒋红,13900000102,第二党小组\r\n");
    const table = await readRosterFile("名单.csv", bytes);
    const { created } = await importRoster(db.sql, secretary, branch.id, table, "all");
    expect(created.map((c) => [c.displayName, c.username])).toEqual([
      ["王小明", "13900000101"],
      ["蒋红", "13900000102"],
    ]);
    expect(await membershipsOf("13900000102")).toMatchObject([{ org: "第二党小组" }]);
  });

  it("imports a good .xlsx with a date cell and a numeric phone cell (below a title row)", async () => {
    const buf = await writeExcelFile(
      [
        ["机关第一党支部党员花名册", null, null, null, null],
        ["姓名", "手机号码", "政治面貌", "党小组", "转为预备党员日期"],
        [
          "冯雪",
          13900000201,
          "中共预备党员",
          "第二党小组",
          { value: new Date(Date.UTC(2026, 0, 15)), format: "yyyy/m/d" },
        ],
        ["褚明", 13900000202, "中共党员", "第一党小组", null],
      ],
      { sheet: "花名册" },
    ).toBuffer();
    const table = await readRosterFile("roster.xlsx", new Uint8Array(buf));
    const preview = await previewRoster(db.sql, branch, table);
    expect(lines(preview)).toEqual({ good: [3, 4], bad: [] });
    const { created } = await importRoster(db.sql, secretary, branch.id, table, "all");
    expect(created.map((c) => c.username)).toEqual(["13900000201", "13900000202"]);
    expect(await membershipsOf("13900000201")).toMatchObject([
      { category: "probationary", start: "2026-01-15", end: "2027-01-15", org: "第二党小组" },
    ]);
  });

  const BAD = [
    "姓名,手机号,类别,党小组,职务,预备期开始",
    "钱多多,13900000301,,,,", // 2 good
    "卫东,1390000030,,,,", // 3 bad phone (10 digits)
    "孙悦,13900000301,,,,", // 4 duplicate of line 2
    "刘洋,13800000004,,第一党小组,,", // 5 already a user
    "蒋方,13900000302,,第三党小组,,", // 6 unknown group
    "沈冰,13900000303,预备党员,第二党小组,,", // 7 预备党员 without a start date
    "韩梅,13900000304,,第一党小组,组织委员,", // 8 组织委员 in a 党小组
    ",13900000305,群众,,队长,", // 9 several problems at once
    "杨柳,13900000306,预备党员,,,2026/2/30", // 10 a date that does not exist
    "朱红,13900000307,正式党员,第二党小组,,", // 11 good
  ].join("\n");

  it("shows exactly which lines are bad and why", async () => {
    const preview = await previewRoster(db.sql, branch, parsePastedRoster(BAD));
    expect(lines(preview)).toEqual({ good: [2, 11], bad: [3, 4, 5, 6, 7, 8, 9, 10] });
    const why = Object.fromEntries(preview.bad.map((b) => [b.line, b.errors]));
    expect(why[3]).toEqual(["手机号“1390000030”格式不正确：应为 1 开头的 11 位数字"]);
    expect(why[4]).toEqual(["与第 2 行的登录名重复"]);
    expect(why[5]).toHaveLength(1);
    expect(why[5][0]).toMatch(/^登录名 13800000004 已被使用/);
    expect(why[6]).toHaveLength(1);
    expect(why[6][0]).toMatch(/^党小组“第三党小组”不存在/);
    expect(why[6][0]).toContain("第一党小组");
    expect(why[7]).toEqual(["预备党员须填写预备期开始日期"]);
    expect(why[8]).toEqual(["“第一党小组”是党小组，党小组内只能设“党小组长”或“党员”，不能设“组织委员”"]);
    expect(why[9]).toHaveLength(3);
    expect(why[9][0]).toBe("请填写姓名");
    expect(why[9][1]).toMatch(/^类别“群众”无法识别/);
    expect(why[9][2]).toMatch(/^职务“队长”无法识别/);
    expect(why[10]).toEqual(["预备期开始日期“2026/2/30”不存在，请检查月份和日期"]);
    expect(preview.bad.find((b) => b.line === 8)!.cells).toEqual({
      姓名: "韩梅",
      手机号: "13900000304",
      类别: "",
      党小组: "第一党小组",
      职务: "组织委员",
      预备期开始: "",
    });
  });

  it("with choice “all”, refuses a file with bad rows and imports nobody", async () => {
    const before = await userCount();
    const e = await refusal(importRoster(db.sql, secretary, branch.id, parsePastedRoster(BAD), "all"));
    expect(e.status).toBe(400);
    expect(e.message).toContain("第 3、4、5、6、7、8、9、10 行");
    expect(e.message).toContain("没有导入任何人员");
    expect(await userCount()).toBe(before);
    expect(await membershipsOf("13900000301")).toEqual([]);
  });

  it("with choice “good”, imports only the good rows and returns the skipped ones", async () => {
    const before = await userCount();
    const { created, skipped } = await importRoster(db.sql, secretary, branch.id, parsePastedRoster(BAD), "good");
    expect(created.map((c) => c.username)).toEqual(["13900000301", "13900000307"]);
    expect(skipped.map((s) => s.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await userCount()).toBe(before + 2);
    expect(await membershipsOf("13900000307")).toMatchObject([{ org: "第二党小组", role: "member" }]);
    // The same file again: now everyone good is taken, so there is nothing left to import.
    const again = await refusal(importRoster(db.sql, secretary, branch.id, parsePastedRoster(BAD), "good"));
    expect(again.message).toContain("没有可以导入的行");
    expect(await userCount()).toBe(before + 2);
  });

  it("re-validates at import time: a name taken after the preview is skipped", async () => {
    const table = parsePastedRoster("姓名\t登录名\n许诺\t13900000401\n何平\t13900000402\n");
    expect(lines(await previewRoster(db.sql, branch, table))).toEqual({ good: [2, 3], bad: [] });
    await createMember(db.sql, secretary, {
      person: { displayName: "别人", category: "full", probationStartedOn: null, probationEndsOn: null },
      username: "13900000402",
      orgId: groups["第一党小组"],
      role: "member",
      mobile: false,
    });
    const { created, skipped } = await importRoster(db.sql, secretary, branch.id, table, "good");
    expect(created.map((c) => c.username)).toEqual(["13900000401"]);
    expect(skipped.map((s) => s.line)).toEqual([3]);
    expect(skipped[0].errors[0]).toMatch(/^登录名 13900000402 已被使用/);
  });

  it("imports rows pasted from Excel", async () => {
    const pasted = "姓名\t手机号\t党小组\t流动党员\r\n吕布\t13900000501\t第二党小组\t是\r\n";
    const { created } = await importRoster(db.sql, secretary, branch.id, parsePastedRoster(pasted), "all");
    expect(created).toHaveLength(1);
    expect(await membershipsOf("13900000501")).toMatchObject([{ org: "第二党小组", mobile: true }]);
  });

  it("recognises header variants and writes dates as people do", async () => {
    const table = parsePastedRoster(
      [
        "*姓 名（必填）\t工号\t登录名(手机号或工号)\t类别【选填】\t预备期起始\t预备期结束：",
        "甲\tA001\t13900000701\t预备党员\t2026.7.1\t",
        "乙\tA002\t13900000702\t预备党员\t20260701\t2027-7-1",
        "丙\tA003\t13900000703\t预备党员\t2026-7-1\t2026年6月1日",
        "丁\tA004\t13900000704\t预备党员\t7/1/2026\t",
      ].join("\n"),
    );
    const preview = await previewRoster(db.sql, branch, table);
    expect(preview.good.map((g) => [g.username, g.person.probationStartedOn, g.person.probationEndsOn])).toEqual([
      ["13900000701", "2026-07-01", "2027-07-01"],
      ["13900000702", "2026-07-01", "2027-07-01"],
    ]);
    expect(preview.bad.map((b) => [b.line, b.errors])).toEqual([
      [4, ["预备期结束日期应晚于开始日期"]],
      [5, ["预备期开始日期“7/1/2026”无法识别：请写成 2026-07-01、2026/7/1 或 2026年7月1日"]],
    ]);
  });

  it("refuses tables without a usable header, without rows, or with too many rows", async () => {
    const noHeader = await refusal(previewRoster(db.sql, branch, parsePastedRoster("名字,电话\n孙丽,13900000001")));
    expect(noHeader.status).toBe(400);
    expect(noHeader.message).toContain("没有找到表头");
    const noLogin = await refusal(previewRoster(db.sql, branch, parsePastedRoster("姓名,备注\n孙丽,x")));
    expect(noLogin.message).toContain("缺少“登录名”");
    expect((await refusal(previewRoster(db.sql, branch, [["", ""], []]))).message).toContain("表格是空的");
    expect(
      (
        await refusal(
          previewRoster(db.sql, branch, [
            ["姓名", "手机号"],
            ["", ""],
          ]),
        )
      ).message,
    ).toContain("没有人员数据");
    const many = [["姓名", "工号"], ...Array.from({ length: MAX_ROSTER_ROWS + 1 }, (_, i) => [`人${i}`, `staff${i}`])];
    expect((await refusal(previewRoster(db.sql, branch, many))).message).toContain(
      `一次最多导入 ${MAX_ROSTER_ROWS} 人`,
    );
  });

  it("does not let the secretary of another branch import into this one", async () => {
    const sql = db.sql;
    const [other] = await sql<{ id: string }[]>`
      insert into organizations (parent_id, kind, name)
      select parent_id, 'branch', '测试外支部' from organizations where id = ${branch.id} returning id`;
    const [u] = await sql<{ id: string }[]>`
      insert into users (username, display_name) values ('13911110001', '外支部书记') returning id`;
    await sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${other.id}, 'secretary')`;
    const outsider: Actor = { userId: u.id, subject: await loadSubject(sql, u.id), address: null };
    const before = await userCount();
    const e = await refusal(
      importRoster(sql, outsider, branch.id, parsePastedRoster("姓名,手机号\n外人,13900000601"), "all"),
    );
    expect(e.status).toBe(404);
    expect(await userCount()).toBe(before);
    // Their own branch works, and 第一党小组 is not a group of theirs.
    const own = parsePastedRoster("姓名,手机号,党小组\n外人,13900000601,第一党小组");
    const preview = await previewRoster(sql, (await findOrg(sql, other.id))!, own);
    expect(preview.bad[0].errors[0]).toContain("“测试外支部”下没有党小组");
  });
});
