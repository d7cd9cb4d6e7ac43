import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { addMembership, reissueInvitation } from "../../server/services/people/members";
import { createOrg } from "../../server/services/people/orgs";
import { loadSubject } from "../../server/services/people/subjects";
import { DEMO_PASSWORD, signIn, startTestServer, type TestServer } from "../setup/server";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";
import { DEMO } from "../setup/demo";

// Rights taken away while a document is open take effect on the open socket at once:
// 4403 lost access and 4401 signed out (final for the client), 4509 access changed (it reconnects).

let s: TestServer;
let docName: string;
let secretary: string; // 王建国, 书记 of 机关第一党支部
const users: Record<string, string> = {};

beforeAll(async () => {
  s = await startTestServer();
  const sql = s.app.db.sql;
  const [b1] = await sql<{ id: string }[]>`select id from organizations where name = '机关第一党支部'`;
  const [m] = await sql<{ id: string }[]>`select id from meetings where org_id = ${b1.id}`;
  docName = meetingMinutesDoc(m.id);
  // Members the host allowed to co-edit the minutes: they write while they belong to the branch.
  await sql`
    insert into meeting_minutes_editors (meeting_id, user_id, added_by)
    select ${m.id}, id, id from users where username in ('13800000004', '13800000005', '13800000008')
    on conflict do nothing`;
  for (const u of await sql<{ id: string; username: string }[]>`select id, username from users`)
    users[u.username] = u.id;
  secretary = await signIn(s.url, DEMO.SEC);
});
afterAll(async () => {
  await s?.stop();
});

const wsUrl = () => `${s.url.replace(/^http/, "ws")}/collab/${docName}`;

/** A same-origin form post to a page, as the browser sends it. */
const post = (path: string, fields: Record<string, string>, cookie: string) =>
  fetch(s.url + path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { cookie, origin: s.url },
    redirect: "manual",
  });

async function stored(marker: string): Promise<boolean> {
  const sql = s.app.db.sql;
  const needle = Buffer.from(marker);
  const updates = await sql<{ data: Uint8Array }[]>`select data from doc_updates where doc_name = ${docName}`;
  const snaps = await sql<{ state: Uint8Array }[]>`select state from doc_snapshots where doc_name = ${docName}`;
  return [...updates.map((r) => r.data), ...snaps.map((r) => r.state)].some((b) => Buffer.from(b).includes(needle));
}

async function untilStored(marker: string, timeoutMs = 5000) {
  const start = Date.now();
  while (!(await stored(marker))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for “${marker}” to be stored`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An official client that records the server's close codes (with when they came) and permission denials. */
function watchedClient(cookie: string) {
  const client = connectClient(s.url, docName, cookie);
  const closes: { code: number; at: number }[] = [];
  const denials: string[] = [];
  client.provider.on("connection-close", (ev) => {
    if (ev) closes.push({ code: ev.code, at: Date.now() });
  });
  const listenForDenials = () =>
    (client.provider.ws as unknown as WebSocket | null)?.addEventListener("message", (ev: { data: unknown }) => {
      const d = decoding.createDecoder(new Uint8Array(ev.data as ArrayBuffer));
      if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) denials.push(decoding.readVarString(d));
    });
  listenForDenials();
  return { ...client, closes, denials, listenForDenials };
}

const liveMembership = async (userId: string, orgName: string) =>
  (
    await s.app.db.sql<{ id: string }[]>`
      select m.id from memberships m join organizations o on o.id = m.org_id
      where m.user_id = ${userId} and o.name = ${orgName} and m.ended_at is null`
  )[0].id;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("revoking rights closes open documents", () => {
  it("(a) ending a member's only membership closes their socket with 4403; later edits never arrive", async () => {
    const liuId = users[DEMO.LIU];
    const liuCookie = await signIn(s.url, DEMO.LIU);
    const liu = watchedClient(liuCookie);
    await liu.synced();
    appendParagraph(liu.doc, "刘洋：撤销前的记录");
    await untilStored("刘洋：撤销前的记录");

    const t0 = Date.now();
    const res = await post(
      `/members/${liuId}`,
      { intent: "end", membershipId: await liveMembership(liuId, "第一党小组"), reason: "组织关系转出" },
      secretary,
    );
    expect(res.status).toBe(200);
    await until(() => liu.closes.length > 0, 2000, "the socket to close");
    expect(liu.closes[0].code).toBe(4403);
    expect(liu.closes[0].at - t0).toBeLessThanOrEqual(1000);

    // An edit typed after the close stays on the client, even if it tries to reconnect.
    appendParagraph(liu.doc, "刘洋：撤销后的记录");
    liu.provider.connect();
    await pause(500);
    expect(liu.provider.wsconnected).toBe(false);
    const reader = connectClient(s.url, docName, await signIn(s.url, DEMO.LEADER));
    await reader.synced();
    expect(reader.text()).toContain("刘洋：撤销前的记录");
    expect(reader.text()).not.toContain("刘洋：撤销后的记录");
    expect(await stored("刘洋：撤销后的记录")).toBe(false);
    expect(await upgradeStatus(wsUrl(), { cookie: liuCookie })).toBe(404);
    reader.destroy();
    liu.destroy();
  });

  it("(b) losing write but keeping read closes the socket with 4509, and the reconnect is read-only", async () => {
    // 陈静 writes as a member of 第一党小组 and also sits on the 党委 (宣传委员), which reads below.
    const chenId = users[DEMO.CHEN];
    const adminId = users[DEMO.REVIEWER];
    const sql = s.app.db.sql;
    const [committee] = await sql<{ id: string }[]>`select id from organizations where kind = 'committee'`;
    await addMembership(
      sql,
      { userId: adminId, subject: await loadSubject(sql, adminId), address: "127.0.0.1" },
      chenId,
      { orgId: committee.id, role: "propaganda_member", mobile: false },
    );
    const chenCookie = await signIn(s.url, DEMO.CHEN);
    const chen = watchedClient(chenCookie);
    await chen.synced();
    appendParagraph(chen.doc, "陈静：仍可编辑时的记录");
    await untilStored("陈静：仍可编辑时的记录");

    const t0 = Date.now();
    const res = await post(
      `/members/${chenId}`,
      { intent: "end", membershipId: await liveMembership(chenId, "第一党小组"), reason: "调整党小组" },
      secretary,
    );
    expect(res.status).toBe(200);
    await until(() => chen.closes.length > 0, 2000, "the socket to close");
    expect(chen.closes[0].code).toBe(4509);
    expect(chen.closes[0].at - t0).toBeLessThanOrEqual(1000);

    // 4509 is outside the 44xx range y-websocket treats as final: the client reconnects by itself,
    // and the new connection is read-only, so an edit made meanwhile is dropped.
    appendParagraph(chen.doc, "陈静：离线时的修改");
    await until(() => chen.provider.wsconnected, 5000, "the client to reconnect by itself");
    expect(chen.provider.shouldConnect).toBe(true);
    chen.listenForDenials();
    await chen.synced();
    appendParagraph(chen.doc, "陈静：重连后的修改");
    await until(() => chen.denials.length > 0, 5000, "permission denied on the reconnected socket");
    expect(chen.denials[0]).toContain("只读");

    // A fresh connection is read-only too.
    expect(await upgradeStatus(wsUrl(), { cookie: chenCookie })).toBe(101);
    const fresh = watchedClient(chenCookie);
    await fresh.synced();
    expect(fresh.text()).toContain("陈静：仍可编辑时的记录");
    appendParagraph(fresh.doc, "陈静：只读后的修改");
    await until(() => fresh.denials.length > 0, 5000, "permission denied on a fresh socket");
    await pause(100);
    expect(await stored("陈静：离线时的修改")).toBe(false);
    expect(await stored("陈静：只读后的修改")).toBe(false);
    fresh.destroy();
    chen.destroy();
  });

  it("(c) signing out other devices from /me closes their sockets with 4401 and keeps this one", async () => {
    const here = await signIn(s.url, DEMO.HUANG);
    const there = await signIn(s.url, DEMO.HUANG);
    const a = watchedClient(here);
    const b = watchedClient(there);
    await Promise.all([a.synced(), b.synced()]);

    const t0 = Date.now();
    const res = await post("/me", { intent: "sessions" }, here);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("已退出其他 1 台设备");
    await until(() => b.closes.length > 0, 2000, "the other device's socket to close");
    expect(b.closes[0].code).toBe(4401);
    expect(b.closes[0].at - t0).toBeLessThanOrEqual(1000);

    await pause(300);
    expect(a.closes).toEqual([]);
    expect(a.provider.wsconnected).toBe(true);
    appendParagraph(a.doc, "黄磊：本机继续记录");
    await untilStored("黄磊：本机继续记录");
    expect(await upgradeStatus(wsUrl(), { cookie: there })).toBe(401);
    expect(await upgradeStatus(wsUrl(), { cookie: here })).toBe(101);
    a.destroy();
    b.destroy();
  });

  it("(d) changing the password on /me signs the other session out of HTTP pages", async () => {
    const here = await signIn(s.url, DEMO.YANG);
    const there = await signIn(s.url, DEMO.YANG);
    const next = "Xin-mima-2026";
    const res = await post("/me", { intent: "password", current: DEMO_PASSWORD, next, confirm: next }, here);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("密码已修改");

    const other = await fetch(`${s.url}/`, { headers: { cookie: there }, redirect: "manual" });
    expect(other.status).toBe(302);
    expect(other.headers.get("location")).toBe("/login");
    const mine = await fetch(`${s.url}/`, { headers: { cookie: here }, redirect: "manual" });
    expect(mine.status).toBe(200);
    await expect(signIn(s.url, DEMO.YANG)).rejects.toThrow(/failed: 400/);
    await signIn(s.url, DEMO.YANG, next);
  });

  it("(e) moving a branch away from a 党总支 closes the sockets of that 党总支's committee on its minutes (4403)", async () => {
    // 孙丽 sits on a new 党总支 (宣传委员) and reads the minutes of a branch below it; the 党委
    // administrator then moves that branch straight under the 党委, out of her reach.
    const sql = s.app.db.sql;
    const adminId = users[DEMO.REVIEWER];
    const admin = { userId: adminId, subject: await loadSubject(sql, adminId), address: "127.0.0.1" };
    const [committee] = await sql<{ id: string }[]>`select id from organizations where kind = 'committee'`;
    const general = await createOrg(sql, admin, { parentId: committee.id, kind: "general_branch", name: "机关党总支" });
    const branch = await createOrg(sql, admin, { parentId: general, kind: "branch", name: "机关第三党支部" });
    const [meeting] = await sql<{ id: string }[]>`
      insert into meetings (org_id, kind, title, starts_at, ends_at, created_by)
      values (${branch}, 'general_assembly', '第三支部党员大会', now() + interval '1 day', now() + interval '1 day 2 hours', ${adminId})
      returning id`;
    const sunId = users[DEMO.SUN];
    await addMembership(sql, admin, sunId, { orgId: general, role: "propaganda_member", mobile: false });
    const sunCookie = await signIn(s.url, DEMO.SUN);
    const doc = meetingMinutesDoc(meeting.id);
    const url = `${s.url.replace(/^http/, "ws")}/collab/${doc}`;
    expect(await upgradeStatus(url, { cookie: sunCookie })).toBe(101);
    const sun = connectClient(s.url, doc, sunCookie);
    const closes: { code: number; at: number }[] = [];
    sun.provider.on("connection-close", (ev) => {
      if (ev) closes.push({ code: ev.code, at: Date.now() });
    });
    await sun.synced();

    const t0 = Date.now();
    const res = await post(
      "/orgs",
      { intent: "move", orgId: branch, parentId: committee.id },
      await signIn(s.url, DEMO.REVIEWER),
    );
    expect(res.status).toBe(200);
    expect(await upgradeStatus(url, { cookie: sunCookie })).toBe(404);
    await until(() => closes.length > 0, 2000, "the socket of the former reviewer to close");
    expect(closes[0].code).toBe(4403);
    expect(closes[0].at - t0).toBeLessThanOrEqual(1000);
    const huangId = users[DEMO.HUANG];
    await addMembership(sql, admin, huangId, { orgId: branch, role: "member", mobile: false });
    const writer = connectClient(s.url, doc, await signIn(s.url, DEMO.HUANG));
    await writer.synced();
    appendParagraph(writer.doc, "第三支部：移动后的记录");
    await pause(500);
    writer.destroy();
    // After the move she must not receive what the branch writes any more.
    expect(sun.text()).not.toContain("第三支部：移动后的记录");
    sun.destroy();
  });

  it("(f) a password reset with a new invitation code closes the sockets of the old sessions (4401)", async () => {
    const sql = s.app.db.sql;
    const zhaoId = users[DEMO.ZHAO];
    const old = await signIn(s.url, DEMO.ZHAO);
    const zhao = watchedClient(old);
    await zhao.synced();
    const secretaryId = users[DEMO.SEC];
    const code = await reissueInvitation(
      sql,
      { userId: secretaryId, subject: await loadSubject(sql, secretaryId), address: "127.0.0.1" },
      zhaoId,
    );
    const t0 = Date.now();
    const res = await fetch(`${s.url}/invite/${code}`, {
      method: "POST",
      body: new URLSearchParams({ password: "Zhao-new-2026", confirm: "Zhao-new-2026" }),
      headers: { origin: s.url },
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const old2 = await fetch(`${s.url}/`, { headers: { cookie: old }, redirect: "manual" });
    expect(old2.status).toBe(302);
    await until(() => zhao.closes.length > 0, 2000, "the old session's socket to close");
    expect(zhao.closes[0].code).toBe(4401);
    expect(zhao.closes[0].at - t0).toBeLessThanOrEqual(1000);
    zhao.destroy();
  });
});
