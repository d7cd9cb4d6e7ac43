import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { migrate } from "../../db/migrate";
import { seedDemo } from "../../server/demo/seed";
import { verifyPassword } from "../../server/auth/password";
import { findInvitation } from "../../server/services/people/invitations";
import { createTestDatabase } from "../setup/database";
import { DEMO_PASSWORD } from "../setup/server";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Reissuing a code for an activated account is a password reset: whoever uses the code becomes
// the account holder. Only a manager of an organisation above every organisation the holder
// belongs to may do it; at the top, the operator on the server.
//
// The demo tree: 同心示范单位党委 (周志强 …09, 组织委员) ─ 机关第一党支部 (王建国 …01 书记, also a
// member of 第一党小组; 李秀英 …02 组织委员) ─ 第一党小组 (刘洋 …04, 冯雪 …13 not activated).

const ADMIN = DEMO.REVIEWER;
const { SEC, ORG, LIU, FENG } = DEMO;

const t = withDemoServer();

const reset = (target: string, username: string) =>
  t.http.post(`/members/${t.ids.user[target]}`, { intent: "invite" }, username);
const openCodes = async (username: string) =>
  (
    await t.sql<{ n: number }[]>`
      select count(*)::int as n from invitations where user_id = ${t.ids.user[username]} and used_at is null and revoked_at is null`
  )[0].n;
const auditOf = (username: string, action: string) =>
  t.sql<{ actor_id: string | null; detail: Record<string, unknown> }[]>`
    select actor_id, detail from audit_log where subject_user_id = ${t.ids.user[username]} and action = ${action} order by id`;
const notificationsOf = (username: string) =>
  t.sql<{ kind: string; title: string }[]>`
    select kind, title from notifications where user_id = ${t.ids.user[username]} order by id`;
const codeIn = (html: string) => /data-testid="invitation-code"[^>]*>([0-9A-Z-]{14})</.exec(html)?.[1];

describe("resetting the password of an activated account", () => {
  it("refuses a peer in the same committee (组织委员 → 书记) with a Chinese 403, issues nothing and offers nothing", async () => {
    const res = await reset(SEC, ORG);
    const body = await res.text();
    expect(res.status).toBe(403);
    expect(body).toContain("上级组织");
    expect(codeIn(body)).toBeUndefined();
    expect(await openCodes(SEC)).toBe(0);
    expect(await auditOf(SEC, "account.reset")).toHaveLength(0);

    const form = await (await t.http.get(`/members/${t.ids.user[SEC]}`, ORG)).text();
    expect(form).not.toContain('name="intent" value="invite"');
    expect(form).not.toContain("重置密码");
    expect(form).toContain("须由上级组织的书记、副书记或组织委员为其重新设置");
  });

  it("refuses a manager of the same organisation (书记 → 组织委员)", async () => {
    const res = await reset(ORG, SEC);
    expect(res.status).toBe(403);
    expect(await openCodes(ORG)).toBe(0);
  });

  it("lets a manager of the organisation above reset the 书记: one-time code, audited, and the 书记 is told", async () => {
    const form = await (await t.http.get(`/members/${t.ids.user[SEC]}`, ADMIN)).text();
    expect(form).toContain('name="intent" value="invite"');
    expect(form).toContain("重置密码");

    const old = await t.http.cookie(SEC);
    const res = await reset(SEC, ADMIN);
    expect(res.status).toBe(200);
    const code = codeIn(await res.text());
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect((await findInvitation(t.sql, code!))?.userId).toBe(t.ids.user[SEC]);

    const audits = await auditOf(SEC, "account.reset");
    expect(audits).toHaveLength(1);
    expect(audits[0].actor_id).toBe(t.ids.user[ADMIN]);
    // The holder hears of it while still signed in, before anyone uses the code.
    const told = (await notificationsOf(SEC)).filter((n) => n.kind === "account.reset");
    expect(told).toHaveLength(1);
    expect(told[0].title).toContain("周志强");
    expect(told[0].title).toContain("重置");
    expect(await (await t.http.get("/notifications", SEC)).text()).toContain(told[0].title);
    // The audit page names it in Chinese.
    const branch = t.ids.org[ORGS.B1];
    expect(await (await t.http.get(`/orgs/${branch}/audit`, ADMIN)).text()).toContain("重置密码");

    // Using it sets the password and signs the old sessions out.
    const used = await t.http.post(`/invite/${code}`, { password: "Wang-new-2026", confirm: "Wang-new-2026" }, null);
    expect(used.status).toBe(302);
    expect((await fetch(`${t.url}/`, { headers: { cookie: old }, redirect: "manual" })).status).toBe(302);
    const [u] = await t.sql<{ password_hash: string }[]>`select password_hash from users where id = ${t.ids.user[SEC]}`;
    expect(await verifyPassword(u.password_hash, "Wang-new-2026")).toBe(true);
    await t.http.signInAgain(SEC, "Wang-new-2026");
  });

  it("lets the branch 书记 reset a member whose only organisation is a 党小组 below the branch", async () => {
    const form = await (await t.http.get(`/members/${t.ids.user[LIU]}`, SEC)).text();
    expect(form).toContain("重置密码");
    const res = await reset(LIU, SEC);
    expect(res.status).toBe(200);
    expect(codeIn(await res.text())).toBeDefined();
    expect(await auditOf(LIU, "account.reset")).toHaveLength(1);
    expect((await notificationsOf(LIU)).some((n) => n.kind === "account.reset")).toBe(true);
  });

  it("keeps the old rule for an account not yet activated: its organisation's managers issue a new invitation code", async () => {
    const form = await (await t.http.get(`/members/${t.ids.user[FENG]}`, ORG)).text();
    expect(form).toContain("重新生成邀请码");
    expect(form).not.toContain("重置密码");
    const res = await reset(FENG, ORG);
    expect(res.status).toBe(200);
    expect(codeIn(await res.text())).toBeDefined();
    expect(await auditOf(FENG, "invitation.create")).toHaveLength(1);
    expect(await auditOf(FENG, "account.reset")).toHaveLength(0);
  });
});

const run = promisify(execFile);

describe("npm run account:reset (the operator, for the top organisation)", () => {
  it("prints a one-time code for a 党委 member, audits it as the operator and tells the holder; refuses an unknown name", async () => {
    const tdb = await createTestDatabase();
    try {
      // Seeded, then closed: the command runs while the app is stopped (PGlite admits one process).
      let db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
      await migrate(db.sql);
      await seedDemo(db.sql, DEMO_PASSWORD);
      await db.close();

      const env = { ...process.env, ...tdb.env, LOG_LEVEL: "warn" };
      if (!tdb.env.DATABASE_URL) delete env.DATABASE_URL;
      const { stdout } = await run("npm", ["run", "--silent", "account:reset", "--", ADMIN], { env });
      const code = /([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(stdout)?.[1];
      expect(code, stdout).toBeDefined();
      expect(stdout).toContain("周志强");

      const unknown = await run("npm", ["run", "--silent", "account:reset", "--", "13999999999"], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect("code" in unknown && unknown.code).not.toBe(0);
      expect((unknown as { stderr: string }).stderr).toContain("没有找到登录名");

      db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
      try {
        const [admin] = await db.sql<{ id: string }[]>`select id from users where username = ${ADMIN}`;
        expect((await findInvitation(db.sql, code!))?.userId).toBe(admin.id);
        const audits = await db.sql<{ actor_id: string | null; detail: Record<string, unknown> }[]>`
          select actor_id, detail from audit_log where action = 'account.reset' and subject_user_id = ${admin.id}`;
        expect(audits).toHaveLength(1);
        expect(audits[0].actor_id).toBeNull();
        expect(audits[0].detail.actor).toBe("operator");
        const [told] = await db.sql<{ n: number }[]>`
          select count(*)::int as n from notifications where user_id = ${admin.id} and kind = 'account.reset'`;
        expect(told.n).toBe(1);
      } finally {
        await db.close();
      }
    } finally {
      await tdb.drop();
    }
  }, 90_000);
});
