import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../db/client";
import { migrate } from "../../db/migrate";
import { seedDemo } from "../../server/demo/seed";
import { verifyPassword } from "../../server/auth/password";
import type { Actor } from "../../server/services/actor";
import { DomainError } from "../../server/services/errors";
import { acceptInvitation, findInvitation, normalizeCode } from "../../server/services/people/invitations";
import {
  addMembership,
  changeMembership,
  createMember,
  endMembership,
  getMemberFor,
  listMembers,
  moveMembership,
  reissueInvitation,
} from "../../server/services/people/members";
import { createOrg, getOrgFor, moveOrg } from "../../server/services/people/orgs";
import { loadSubject } from "../../server/services/people/subjects";
import { postEligibilityError, SignInNameSchema, type PersonInput } from "../../shared/domain/people";
import { NewMemberSchema } from "../../shared/schemas/members";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { DEMO } from "../setup/demo";

// The rules about people and organisations, at the service level, with real Actor objects
// over a seeded database.

let tdb: TestDatabase;
let db: Database;
const org: Record<string, string> = {}; // name -> id
const user: Record<string, string> = {}; // username -> id
let admin: Actor; // 周志强, 党委组织委员
let secretary: Actor; // 王建国, 书记 of 机关第一党支部
let secretary2: Actor; // 孙丽, 书记 of 机关第二党支部

const ADDRESS = "198.51.100.7";

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
  await migrate(db.sql);
  await seedDemo(db.sql, "tongxin2026");
  for (const o of await db.sql<{ id: string; name: string }[]>`select id, name from organizations`) org[o.name] = o.id;
  for (const u of await db.sql<{ id: string; username: string }[]>`select id, username from users`)
    user[u.username] = u.id;
  const actor = async (username: string): Promise<Actor> => ({
    userId: user[username],
    subject: await loadSubject(db.sql, user[username]),
    address: ADDRESS,
  });
  admin = await actor(DEMO.REVIEWER);
  secretary = await actor(DEMO.SEC);
  secretary2 = await actor(DEMO.SUN);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error("expected a DomainError, but the call succeeded");
}

const full = (displayName: string): PersonInput => ({
  displayName,
  category: "full",
  probationStartedOn: null,
  probationEndsOn: null,
});

const B1 = "机关第一党支部";
const G1 = "第一党小组";
const G2 = "第二党小组";
const COMMITTEE = "同心示范单位党委";

/** Everything a refused change might have touched, to compare before and after. */
async function snapshot() {
  const sql = db.sql;
  return {
    orgs: await sql`select id, parent_id, kind, name from organizations order by id`,
    memberships:
      await sql`select id, user_id, org_id, role, mobile, ended_at, ended_reason from memberships order by id`,
    users: await sql`select id, username, display_name, category from users order by id`,
    audit: (await sql<{ n: number }[]>`select count(*)::int as n from audit_log`)[0].n,
  };
}

const liveMembership = async (username: string, orgName: string) =>
  (
    await db.sql<{ id: string }[]>`
      select m.id from memberships m join users u on u.id = m.user_id
      where u.username = ${username} and m.org_id = ${org[orgName]} and m.ended_at is null`
  )[0].id;

describe("sign-in names", () => {
  it("refuses a sign-in name already in use (409), naming it in Chinese, and adds nobody", async () => {
    const before = await snapshot();
    const e = await refusal(
      createMember(db.sql, secretary, {
        person: full("刘洋二号"),
        username: DEMO.LIU,
        orgId: org[G1],
        role: "member",
        mobile: false,
      }),
    );
    expect(e.status).toBe(409);
    expect(e.field).toBe("username");
    expect(e.message).toContain("登录名 13800000004 已被使用");
    expect(await snapshot()).toEqual(before);
  });

  it("treats staff numbers that differ only in case as the same name", async () => {
    await createMember(db.sql, secretary, {
      person: full("工号甲"),
      username: "E10086",
      orgId: org[G1],
      role: "member",
      mobile: false,
    });
    const e = await refusal(
      createMember(db.sql, secretary, {
        person: full("工号乙"),
        username: "e10086",
        orgId: org[G2],
        role: "member",
        mobile: false,
      }),
    );
    expect(e.status).toBe(409);
    expect(e.message).toContain("e10086");
  });

  it.each(["1380000001", "23800000001", "138000000012"])("rejects the malformed phone number %s", (raw) => {
    const r = SignInNameSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toBe(`手机号“${raw}”格式不正确：应为 1 开头的 11 位数字`);
  });

  it("reports a malformed phone number on the username field of the new-member form", () => {
    const r = NewMemberSchema.safeParse({
      username: "1380000001",
      orgId: org[G1],
      role: "member",
      mobile: "否",
      displayName: "新成员",
      category: "full",
    });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path[0] === "username");
    expect(issue?.message).toContain("1 开头的 11 位数字");
  });

  it("accepts a mobile number typed with spaces, dashes, +86 or full-width digits", () => {
    for (const raw of ["138 0000 0001", "138-0000-0001", "+86 13800000001", "１３８００００００01"])
      expect(SignInNameSchema.parse(raw)).toBe(DEMO.SEC);
  });
});

describe("the last 书记", () => {
  it("refuses to end, re-assign or move the only 书记 (409) and changes nothing", async () => {
    const id = await liveMembership(DEMO.SEC, B1);
    const before = await snapshot();
    const ended = await refusal(endMembership(db.sql, admin, id, "调离"));
    expect(ended.status).toBe(409);
    expect(ended.message).toContain("唯一的书记");
    const changed = await refusal(changeMembership(db.sql, admin, id, { role: "organization_member", mobile: false }));
    expect(changed.status).toBe(409);
    expect(changed.message).toContain("唯一的书记");
    const moved = await refusal(moveMembership(db.sql, admin, id, org["机关第二党支部"]));
    expect(moved.status).toBe(409);
    // Nor can the secretary step down on their own.
    expect((await refusal(endMembership(db.sql, secretary, id, ""))).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it("still lets the 书记's mobile flag change without giving up the post", async () => {
    // Not a re-assignment: the role stays 书记, so the guard does not apply.
    const id = await liveMembership(DEMO.SEC, B1);
    await changeMembership(db.sql, admin, id, { role: "secretary", mobile: true });
    const next = await liveMembership(DEMO.SEC, B1);
    await changeMembership(db.sql, admin, next, { role: "secretary", mobile: false });
    const [row] = await db.sql<{ role: string; mobile: boolean }[]>`
      select role, mobile from memberships where id = ${await liveMembership(DEMO.SEC, B1)}`;
    expect(row).toEqual({ role: "secretary", mobile: false });
  });
});

describe("the organisation tree", () => {
  it("refuses to move an organisation under its own descendant, in Chinese, leaving the tree unchanged", async () => {
    // Committees may nest, so only the cycle check stands in the way of this move.
    const outer = await createOrg(db.sql, admin, { parentId: org[COMMITTEE], kind: "committee", name: "外层党委" });
    const inner = await createOrg(db.sql, admin, { parentId: outer, kind: "committee", name: "内层党委" });
    const before = await snapshot();
    const e = await refusal(moveOrg(db.sql, admin, outer, inner));
    expect(e.status).toBe(400);
    expect(e.field).toBe("parentId");
    expect(e.message).toBe("不能把“外层党委”移到它自己或它的下级组织“内层党委”之下：组织关系会形成循环。");
    const self = await refusal(moveOrg(db.sql, admin, outer, outer));
    expect(self.message).toContain("形成循环");
    const branch = await refusal(moveOrg(db.sql, admin, org[B1], org[G1]));
    expect(branch.message).toContain("形成循环");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a 党小组 directly under a 党委, when created and when moved", async () => {
    const before = await snapshot();
    const created = await refusal(
      createOrg(db.sql, admin, { parentId: org[COMMITTEE], kind: "group", name: "直属党小组" }),
    );
    expect(created.status).toBe(400);
    expect(created.message).toBe("党小组不能设在党委之下（应设在党支部之下）。");
    const moved = await refusal(moveOrg(db.sql, admin, org[G1], org[COMMITTEE]));
    expect(moved.message).toContain("党小组不能设在党委之下");
    expect(await snapshot()).toEqual(before);
  });
});

describe("posts and voting", () => {
  it("does not let a 预备党员 become 书记 or 党小组长", async () => {
    expect(postEligibilityError("probationary", "secretary")).toBe("预备党员没有被选举权，不能担任“书记”");
    expect(postEligibilityError("activist", "group_leader")).toBe("入党积极分子没有被选举权，不能担任“党小组长”");
    expect(postEligibilityError("probationary", "member")).toBeNull();
    expect(postEligibilityError("full", "secretary")).toBeNull();

    const before = await snapshot();
    const asSecretary = await refusal(
      addMembership(db.sql, admin, user[DEMO.ZHAO], { orgId: org[B1], role: "secretary", mobile: false }),
    );
    expect(asSecretary.status).toBe(400);
    expect(asSecretary.field).toBe("role");
    expect(asSecretary.message).toBe("预备党员没有被选举权，不能担任“书记”。");
    const asLeader = await refusal(
      changeMembership(db.sql, secretary, await liveMembership(DEMO.ZHAO, G2), {
        role: "group_leader",
        mobile: false,
      }),
    );
    expect(asLeader.message).toContain("不能担任“党小组长”");
    expect(await snapshot()).toEqual(before);
  });

  it("gives a vote to a 正式党员 only: not to a 流动党员 nor to a 预备党员", async () => {
    const rows = await listMembers(db.sql, org[B1]);
    const votes = (name: string) => rows.find((r) => r.displayName === name)?.votes;
    expect(votes("郑华")).toBe(false); // 流动党员
    expect(votes("赵敏")).toBe(false); // 预备党员
    expect(votes("刘洋")).toBe(true);
    expect(votes("王建国")).toBe(true);
  });
});

describe("membership history and the audit log", () => {
  it("ends a membership by keeping the row with ended_at, and lists the person under “ended”", async () => {
    const id = await liveMembership(DEMO.YANG, G2); // 杨帆
    expect(await endMembership(db.sql, secretary, id, "组织关系转出")).toEqual([user[DEMO.YANG]]);
    const [row] = await db.sql<{ ended_at: Date | null; ended_by: string; ended_reason: string }[]>`
      select ended_at, ended_by, ended_reason from memberships where id = ${id}`;
    expect(row.ended_at).toBeInstanceOf(Date);
    expect(row.ended_by).toBe(secretary.userId);
    expect(row.ended_reason).toBe("组织关系转出");
    expect((await listMembers(db.sql, org[B1])).map((r) => r.displayName)).not.toContain("杨帆");
    const ended = await listMembers(db.sql, org[B1], { status: "ended" });
    const yang = ended.find((r) => r.displayName === "杨帆");
    expect(yang?.endedAt).toBeInstanceOf(Date);
    expect(yang?.memberships).toEqual([]);
    expect(yang?.votes).toBe(false);
    // The secretary still sees the history on the person's page.
    const seen = await getMemberFor(db.sql, secretary.subject, user[DEMO.YANG]);
    expect(seen?.memberships.map((m) => [m.orgName, m.active, m.endedReason])).toEqual([
      ["第二党小组", false, "组织关系转出"],
    ]);
    // Ending it again is refused: history is not rewritten.
    expect((await refusal(endMembership(db.sql, secretary, id, "再次结束"))).status).toBe(409);
  });

  it("writes audit entries for create, role change and end, with the actor and the address", async () => {
    const created = await createMember(db.sql, secretary, {
      person: full("审计测试"),
      username: "13900000077",
      orgId: org[G1],
      role: "member",
      mobile: false,
    });
    await changeMembership(db.sql, secretary, await liveMembership("13900000077", G1), {
      role: "group_leader",
      mobile: false,
    });
    await endMembership(db.sql, secretary, await liveMembership("13900000077", G1), "测试结束");
    const rows = await db.sql<
      { action: string; actor_id: string; org_id: string; address: string; detail: Record<string, unknown> }[]
    >`select action, actor_id, org_id, address, detail from audit_log
      where subject_user_id = ${created.userId} order by id`;
    expect(rows.map((r) => r.action)).toEqual(["member.create", "membership.role", "membership.end"]);
    for (const r of rows) {
      expect(r.actor_id).toBe(secretary.userId);
      expect(r.address).toBe(ADDRESS);
      expect(r.org_id).toBe(org[G1]);
    }
    expect(rows[1].detail).toMatchObject({ from: { role: "member" }, to: { role: "group_leader" } });
    expect(rows[2].detail).toMatchObject({ role: "group_leader", reason: "测试结束" });
  });
});

describe("who may see whom", () => {
  it("hides the first branch's people and roster from the second branch's 书记", async () => {
    expect(await getMemberFor(db.sql, secretary2.subject, user[DEMO.LIU])).toBeNull();
    expect(await getMemberFor(db.sql, secretary2.subject, user[DEMO.SEC])).toBeNull();
    expect(await getOrgFor(db.sql, secretary2.subject, org[B1])).toBeNull();
    expect(await getOrgFor(db.sql, secretary2.subject, org[G1])).toBeNull();
    // Their own member, for contrast.
    expect((await getMemberFor(db.sql, secretary2.subject, user[DEMO.WU]))?.access).toBe("manage");
    // And the first branch's secretary cannot see into the second branch.
    expect(await getMemberFor(db.sql, secretary.subject, user[DEMO.WU])).toBeNull();
  });
});

describe("invitations", () => {
  it("sets the password once: a second use of the code is refused with 410", async () => {
    const created = await createMember(db.sql, secretary, {
      person: full("邀请测试"),
      username: "13900000088",
      orgId: org[G2],
      role: "member",
      mobile: false,
    });
    expect(await acceptInvitation(db.sql, { code: created.code, password: "first-pass-1", address: ADDRESS })).toBe(
      created.userId,
    );
    const e = await refusal(
      acceptInvitation(db.sql, { code: created.code, password: "second-pass-2", address: ADDRESS }),
    );
    expect(e.status).toBe(410);
    const [u] = await db.sql<{ password_hash: string }[]>`select password_hash from users where id = ${created.userId}`;
    expect(await verifyPassword(u.password_hash, "first-pass-1")).toBe(true);
    expect(await verifyPassword(u.password_hash, "second-pass-2")).toBe(false);
    expect(await findInvitation(db.sql, created.code)).toBeNull();
  });

  it("accepts a code typed in lower case, with spaces and with O/I/L for 0/1", async () => {
    const created = await createMember(db.sql, secretary, {
      person: full("手输邀请码"),
      username: "13900000099",
      orgId: org[G2],
      role: "member",
      mobile: false,
    });
    // Reissue (at least once) until the code has both a 0 and a 1, so the look-alikes are exercised.
    let code = await reissueInvitation(db.sql, secretary, created.userId);
    for (let i = 0; i < 300 && !(code.includes("0") && code.includes("1")); i++)
      code = await reissueInvitation(db.sql, secretary, created.userId);
    expect(code).toMatch(/0/);
    expect(code).toMatch(/1/);
    let ones = 0;
    const typed = code
      .toLowerCase()
      .replace(/-/g, " ")
      .replace(/0/g, "o")
      .replace(/1/g, () => (ones++ % 2 ? "l" : "i"));
    expect(typed).not.toContain("0");
    expect(normalizeCode(typed)).toBe(code.replace(/-/g, ""));
    // An earlier code was revoked by the reissue.
    expect(await findInvitation(db.sql, created.code)).toBeNull();
    expect((await findInvitation(db.sql, typed))?.userId).toBe(created.userId);
    expect(await acceptInvitation(db.sql, { code: typed, password: "typed-pass-1", address: ADDRESS })).toBe(
      created.userId,
    );
    expect((await refusal(acceptInvitation(db.sql, { code, password: "again-pass-2", address: ADDRESS }))).status).toBe(
      410,
    );
  });

  it("refuses a malformed code with 400 before looking anything up", async () => {
    const e = await refusal(acceptInvitation(db.sql, { code: "ABC-123", password: "whatever-1", address: null }));
    expect(e.status).toBe(400);
    expect(e.message).toContain("邀请码格式不正确");
  });
});

describe("account takeover through 双重组织生活", () => {
  // A leading cadre also takes part in a 党小组 as an ordinary member; that branch's 书记 manages
  // the group membership, not the person: no password reset, no edits to their record.
  it("does not let a branch 书记 reset the password of a 党委 administrator who is an ordinary member there", async () => {
    const adminId = user[DEMO.REVIEWER];
    await addMembership(db.sql, admin, adminId, { orgId: org[G1], role: "member", mobile: false });
    const code = await reissueInvitation(db.sql, secretary, adminId).catch((e: unknown) => e);
    if (typeof code === "string") {
      // Show what the refusal prevents: the code sets the administrator's password.
      await acceptInvitation(db.sql, { code, password: "taken-over-1", address: ADDRESS });
      const [u] = await db.sql<{ password_hash: string }[]>`select password_hash from users where id = ${adminId}`;
      expect(await verifyPassword(u.password_hash, "taken-over-1"), "the 书记 reset the 党委 account").toBe(false);
    }
    expect(code).toBeInstanceOf(DomainError);
    expect((code as DomainError).status).toBe(403);
  });
});
