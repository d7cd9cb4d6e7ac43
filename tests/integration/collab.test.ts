import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { hashPassword } from "../../server/auth/password";
import { signIn } from "../setup/server";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";
import { DEMO, withDemoServer } from "../setup/demo";

const t = withDemoServer();
let docName: string;
let liu: string; // 刘洋, a member of the branch's first group
let huang: string; // 黄磊, a member of the second group

beforeAll(async () => {
  const [m] = await t.sql<{ id: string }[]>`select id from meetings limit 1`;
  docName = meetingMinutesDoc(m.id);
  // The host lets both members co-edit the minutes (as the 记录人 does by right).
  await t.sql`
    insert into meeting_minutes_editors (meeting_id, user_id, added_by)
    select ${m.id}, id, id from users where username in ${t.sql([DEMO.LIU, DEMO.HUANG, DEMO.CHEN])}
    on conflict do nothing`;
  liu = await t.http.cookie(DEMO.LIU);
  huang = await t.http.cookie(DEMO.HUANG);
});

describe("collaboration over y-websocket", () => {
  it("syncs two official clients live, and a third gets the stored state once after a restart", async () => {
    const a = connectClient(t.url, docName, liu);
    const b = connectClient(t.url, docName, huang);
    await Promise.all([a.synced(), b.synced()]);
    appendParagraph(a.doc, "刘洋：学习条例第一章");
    appendParagraph(b.doc, "黄磊：结合岗位谈体会");
    await until(() => a.text().includes("黄磊") && b.text().includes("刘洋"), 5000, "both edits on both clients");
    expect(a.text()).toBe(b.text());
    const before = a.text();
    a.destroy();
    b.destroy();

    await t.s.restart();

    const c = connectClient(t.url, docName, await t.http.cookie(DEMO.CHEN));
    await c.synced();
    expect(c.text()).toBe(before);
    expect(c.text().match(/学习条例第一章/g)).toHaveLength(1);
    c.destroy();
  });

  it("stores an edit before any other client sees it", async () => {
    const a = connectClient(t.url, docName, liu);
    const b = connectClient(t.url, docName, huang);
    await Promise.all([a.synced(), b.synced()]);
    appendParagraph(a.doc, "先存后发");
    await until(() => b.text().includes("先存后发"), 5000, "broadcast");
    // b has it, so it must already be in the database.
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from doc_updates where doc_name = ${docName}`;
    expect(n).toBeGreaterThan(0);
    a.destroy();
    b.destroy();
  });

  it("refuses an upgrade without a session cookie with HTTP 401", async () => {
    const url = `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { cookie: "tongxin_session=forged" })).toBe(401);
  });

  it("answers 404 for a document that does not exist or is not the user's", async () => {
    const base = `${t.url.replace(/^http/, "ws")}/collab/`;
    expect(await upgradeStatus(base + "meeting.00000000-0000-0000-0000-000000000000.minutes", { cookie: liu })).toBe(
      404,
    );
    expect(await upgradeStatus(base + "not-a-document", { cookie: liu })).toBe(404);
    // Someone outside the branch.
    const sql = t.sql;
    const [other] = await sql<
      { id: string }[]
    >`insert into organizations (kind, name) values ('branch', '另一支部') returning id`;
    const [u] = await sql<{ id: string }[]>`
      insert into users (username, display_name, password_hash) values ('13911110000', '外支部党员', ${await hashPassword("another-pass-1")})
      returning id`;
    await sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${other.id}, 'member')`;
    const outsider = await signIn(t.url, "13911110000", "another-pass-1");
    expect(await upgradeStatus(base + docName, { cookie: outsider })).toBe(404);
    expect(await upgradeStatus(base + docName, { cookie: liu })).toBe(101);
  });

  it("gives a committee member of the 党委 above a read-only connection: updates dropped with a permission message", async () => {
    const sql = t.sql;
    const [committee] = await sql<{ id: string }[]>`select id from organizations where kind = 'committee'`;
    const [u] = await sql<{ id: string }[]>`
      insert into users (username, display_name, password_hash) values ('13922220000', '党委委员', ${await hashPassword("reviewer-pass-1")})
      returning id`;
    await sql`insert into memberships (user_id, org_id, role) values (${u.id}, ${committee.id}, 'organization_member')`;
    const reviewer = connectClient(t.url, docName, await signIn(t.url, "13922220000", "reviewer-pass-1"));
    const denials: string[] = [];
    (reviewer.provider.ws as unknown as WebSocket).addEventListener("message", (ev: { data: unknown }) => {
      const d = decoding.createDecoder(new Uint8Array(ev.data as ArrayBuffer));
      if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) denials.push(decoding.readVarString(d));
    });
    const writer = connectClient(t.url, docName, liu);
    await Promise.all([reviewer.synced(), writer.synced()]);
    expect(reviewer.text()).toContain("学习条例第一章");
    // Merely reading (the client's own empty sync answer) is not refused.
    await new Promise((r) => setTimeout(r, 200));
    expect(denials).toEqual([]);

    appendParagraph(reviewer.doc, "审阅者试图修改");
    await until(() => denials.length > 0, 5000, "permission denied");
    expect(denials[0]).toContain("只读");
    appendParagraph(writer.doc, "写入者继续记录");
    await until(() => reviewer.text().includes("写入者继续记录"), 5000, "live update to the reader");
    expect(writer.text()).not.toContain("审阅者试图修改");
    const stored = await sql<{ data: Uint8Array }[]>`select data from doc_updates where doc_name = ${docName}`;
    expect(stored.some((r) => Buffer.from(r.data).includes(Buffer.from("审阅者试图修改")))).toBe(false);
    reviewer.destroy();
    writer.destroy();
  });

  it("refuses a bad document path or a foreign origin without harming the server", async () => {
    const base = `${t.url.replace(/^http/, "ws")}/collab/`;
    expect(await upgradeStatus(base + "%E0%A4%A", { cookie: liu })).toBe(400);
    expect(await upgradeStatus(base + docName, { cookie: liu, origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(base + docName, { cookie: liu, origin: "null" })).toBe(403);
    expect((await t.http.get("/healthz", null)).status).toBe(200);
  });

  it("binds awareness to the signed-in user: a client cannot appear as someone else", async () => {
    const a = connectClient(t.url, docName, liu);
    const b = connectClient(t.url, docName, huang);
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField("user", { name: "王建国（冒充）", color: "#000000" });
    await until(() => b.provider.awareness.getStates().has(a.doc.clientID), 5000, "awareness");
    await until(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === "刘洋", 5000, "bound name");
    const seen = b.provider.awareness.getStates().get(a.doc.clientID)!.user;
    expect(seen.name).toBe("刘洋");
    expect(seen.id).toMatch(/^[0-9a-f-]{36}$/);
    a.destroy();
    b.destroy();
  });

  it("closes only the connection that sends a malformed message", async () => {
    const good = connectClient(t.url, docName, huang);
    await good.synced();
    const bad = new WebSocket(`${t.url.replace(/^http/, "ws")}/collab/${docName}`, { headers: { cookie: liu } });
    await new Promise((r) => bad.once("open", r));
    const closed = new Promise<number>((r) => bad.once("close", (code) => r(code)));
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 2); // update
    encoding.writeVarUint8Array(e, new Uint8Array([255, 255, 255, 1, 2, 3]));
    bad.send(encoding.toUint8Array(e));
    expect(await closed).toBe(1008);
    appendParagraph(good.doc, "服务仍然正常");
    const check = connectClient(t.url, docName, liu);
    await check.synced();
    await until(() => check.text().includes("服务仍然正常"), 5000, "server still serving");
    good.destroy();
    check.destroy();
  });
});
