import { beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { addMembership, reissueInvitation } from "../../server/services/people/members";
import { createOrg } from "../../server/services/people/orgs";
import { DEMO_PASSWORD, signIn } from "../setup/server";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Rights taken away while a document is open take effect on the open socket at once:
// 4403 lost access and 4401 signed out (final for the client), 4509 access changed (it reconnects).

const t = withDemoServer();
let docName: string;
const secretary = DEMO.SEC; // 王建国, 书记 of 机关第一党支部

beforeAll(async () => {
  const sql = t.sql;
  // The demo's meeting to try (the branch's 组织生活会 keep their minutes confidential: another rule).
  const [m] = await sql<{ id: string }[]>`select (meetings->>'try')::uuid as id from demo_layout`;
  docName = meetingMinutesDoc(m.id);
  // Members the host allowed to co-edit the minutes: they write while they belong to the branch.
  await sql`
    insert into meeting_minutes_editors (meeting_id, user_id, added_by)
    select ${m.id}, id, id from users where username in ${sql([DEMO.LIU, DEMO.CHEN, DEMO.HUANG])}
    on conflict do nothing`;
});

const wsUrl = () => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;

async function stored(marker: string): Promise<boolean> {
  const sql = t.sql;
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
  const client = connectClient(t.url, docName, cookie);
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
    await t.sql<{ id: string }[]>`
      select m.id from memberships m join organizations o on o.id = m.org_id
      where m.user_id = ${userId} and o.name = ${orgName} and m.ended_at is null`
  )[0].id;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("revoking rights closes open documents", () => {
  it("(a) ending a member's only membership closes their socket with 4403; later edits never arrive", async () => {
    const liuId = t.ids.user[DEMO.LIU];
    const liuCookie = await signIn(t.url, DEMO.LIU);
    const liu = watchedClient(liuCookie);
    await liu.synced();
    appendParagraph(liu.doc, "刘洋：撤销前的记录");
    await untilStored("刘洋：撤销前的记录");

    const t0 = Date.now();
    const res = await t.http.post(
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
    const reader = connectClient(t.url, docName, await signIn(t.url, DEMO.LEADER));
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
    const chenId = t.ids.user[DEMO.CHEN];
    const sql = t.sql;
    const committee = { id: t.ids.org[ORGS.COMMITTEE] };
    await addMembership(sql, await t.actor(DEMO.REVIEWER), chenId, {
      orgId: committee.id,
      role: "propaganda_member",
      mobile: false,
    });
    const chenCookie = await signIn(t.url, DEMO.CHEN);
    const chen = watchedClient(chenCookie);
    await chen.synced();
    appendParagraph(chen.doc, "陈静：仍可编辑时的记录");
    await untilStored("陈静：仍可编辑时的记录");

    const t0 = Date.now();
    const res = await t.http.post(
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
    const here = await signIn(t.url, DEMO.HUANG);
    const there = await signIn(t.url, DEMO.HUANG);
    const a = watchedClient(here);
    const b = watchedClient(there);
    await Promise.all([a.synced(), b.synced()]);

    const t0 = Date.now();
    const res = await t.http.post("/me", { intent: "sessions" }, { cookie: here });
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
    const here = await signIn(t.url, DEMO.YANG);
    const there = await signIn(t.url, DEMO.YANG);
    const next = "Xin-mima-2026";
    const res = await t.http.post(
      "/me",
      { intent: "password", current: DEMO_PASSWORD, next, confirm: next },
      { cookie: here },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("密码已修改");

    const other = await t.http.get("/", { cookie: there });
    expect(other.status).toBe(302);
    expect(other.headers.get("location")).toBe("/login");
    const mine = await t.http.get("/", { cookie: here });
    expect(mine.status).toBe(200);
    await expect(signIn(t.url, DEMO.YANG)).rejects.toThrow(/failed: 400/);
    await signIn(t.url, DEMO.YANG, next);
  });

  it("(e) moving a branch away from a 党总支 closes the sockets of that 党总支's committee on its minutes (4403)", async () => {
    // 孙丽 sits on a new 党总支 (宣传委员) and reads the minutes of a branch below it; the 党委
    // administrator then moves that branch straight under the 党委, out of her reach.
    const sql = t.sql;
    const admin = await t.actor(DEMO.REVIEWER);
    const committee = { id: t.ids.org[ORGS.COMMITTEE] };
    const general = await createOrg(sql, admin, { parentId: committee.id, kind: "general_branch", name: "机关党总支" });
    const branch = await createOrg(sql, admin, { parentId: general, kind: "branch", name: "机关第三党支部" });
    const meeting = await t.meeting({
      org: { id: branch },
      title: "第三支部党员大会",
      inMin: 24 * 60,
      location: null,
      createdBy: DEMO.REVIEWER,
      host: null,
    });
    const sunId = t.ids.user[DEMO.SUN];
    await addMembership(sql, admin, sunId, { orgId: general, role: "propaganda_member", mobile: false });
    const sunCookie = await signIn(t.url, DEMO.SUN);
    const doc = meetingMinutesDoc(meeting);
    const url = `${t.url.replace(/^http/, "ws")}/collab/${doc}`;
    expect(await upgradeStatus(url, { cookie: sunCookie })).toBe(101);
    const sun = connectClient(t.url, doc, sunCookie);
    const closes: { code: number; at: number }[] = [];
    sun.provider.on("connection-close", (ev) => {
      if (ev) closes.push({ code: ev.code, at: Date.now() });
    });
    await sun.synced();

    const t0 = Date.now();
    const res = await t.http.post("/orgs", { intent: "move", orgId: branch, parentId: committee.id }, DEMO.REVIEWER);
    expect(res.status).toBe(200);
    expect(await upgradeStatus(url, { cookie: sunCookie })).toBe(404);
    await until(() => closes.length > 0, 2000, "the socket of the former reviewer to close");
    expect(closes[0].code).toBe(4403);
    expect(closes[0].at - t0).toBeLessThanOrEqual(1000);
    const huangId = t.ids.user[DEMO.HUANG];
    await addMembership(sql, admin, huangId, { orgId: branch, role: "member", mobile: false });
    const writer = connectClient(t.url, doc, await signIn(t.url, DEMO.HUANG));
    await writer.synced();
    appendParagraph(writer.doc, "第三支部：移动后的记录");
    await pause(500);
    writer.destroy();
    // After the move she must not receive what the branch writes any more.
    expect(sun.text()).not.toContain("第三支部：移动后的记录");
    sun.destroy();
  });

  it("(f) a password reset with a new invitation code closes the sockets of the old sessions (4401)", async () => {
    const sql = t.sql;
    const zhaoId = t.ids.user[DEMO.ZHAO];
    const old = await signIn(t.url, DEMO.ZHAO);
    const zhao = watchedClient(old);
    await zhao.synced();
    const code = await reissueInvitation(sql, await t.actor(DEMO.SEC), zhaoId);
    const t0 = Date.now();
    const res = await t.http.post(`/invite/${code}`, { password: "Zhao-new-2026", confirm: "Zhao-new-2026" }, null);
    expect(res.status).toBe(302);
    const old2 = await t.http.get("/", { cookie: old });
    expect(old2.status).toBe(302);
    await until(() => zhao.closes.length > 0, 2000, "the old session's socket to close");
    expect(zhao.closes[0].code).toBe(4401);
    expect(zhao.closes[0].at - t0).toBeLessThanOrEqual(1000);
    zhao.destroy();
  });
});
