import { beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { verifyChain } from "../../server/services/archive/chain";
import { sha256Hex } from "../../server/services/archive/record";
import { signIn } from "../setup/server";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// Sign-off and seal (issue 17 §1, §2; docs/decisions/038): the 主持人 and the 记录人 sign after the
// end, the second signature seals; a sealed record is read-only on open sockets and for every
// action that changes it; sealed records form one hash chain per organisation, and a changed byte
// is named by verifyChain.

const t = withDemoServer();
const LIST = [DEMO.SEC, DEMO.ORG, DEMO.CHEN, DEMO.YANG, DEMO.HUANG, DEMO.LIU];
let ended: string; // 主持人 陈静, 记录人 杨帆
let running: string;
const sign = (meetingId: string, who: string, role?: "host" | "recorder") =>
  t.http.submit(`/meetings/${meetingId}/record`, { intent: "sign", ...(role ? { role } : {}) }, who);

beforeAll(async () => {
  const base = { org: ORGS.B1, host: DEMO.CHEN, recorder: DEMO.YANG, agenda: ["学习", "表决"] };
  ended = await t.meeting({
    ...base,
    title: "待封存的党员大会",
    inMin: -150,
    attendees: LIST.map((u) => ({ user: u, status: "present" as const })),
    ended: true,
  });
  running = await t.meeting({ ...base, title: "进行中的党员大会", inMin: -10, attendees: LIST, started: true });
  // 刘洋 submitted his 心得体会; the others have not.
  await t.sql`insert into reflections (meeting_id, user_id, status, submitted_text, word_count, submitted_at)
              values (${ended}, ${t.ids.user[DEMO.LIU]}, 'submitted', '学习党章的体会：要把规矩挺在前面。', 16, now())`;
});

const wsDoc = (id: string) => meetingMinutesDoc(id);

async function stored(docName: string, marker: string): Promise<boolean> {
  const needle = Buffer.from(marker);
  const updates = await t.sql<{ data: Uint8Array }[]>`select data from doc_updates where doc_name = ${docName}`;
  const snaps = await t.sql<{ state: Uint8Array }[]>`select state from doc_snapshots where doc_name = ${docName}`;
  return [...updates.map((r) => r.data), ...snaps.map((r) => r.state)].some((b) => Buffer.from(b).includes(needle));
}

async function untilStored(docName: string, marker: string) {
  const start = Date.now();
  while (!(await stored(docName, marker))) {
    if (Date.now() - start > 5000) throw new Error(`timed out waiting for “${marker}”`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An official y-websocket client that records close codes and permission denials (as revocation.test.ts). */
function watchedClient(docName: string, cookie: string) {
  const client = connectClient(t.url, docName, cookie);
  const closes: number[] = [];
  const denials: string[] = [];
  client.provider.on("connection-close", (ev) => {
    if (ev) closes.push(ev.code);
  });
  const listenForDenials = () =>
    (client.provider.ws as unknown as WebSocket | null)?.addEventListener("message", (ev: { data: unknown }) => {
      const d = decoding.createDecoder(new Uint8Array(ev.data as ArrayBuffer));
      if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) denials.push(decoding.readVarString(d));
    });
  listenForDenials();
  return { ...client, closes, denials, listenForDenials };
}

const records = (meetingId: string) =>
  t.sql<{ sha256: string; prev_sha256: string | null; chain_seq: number; content: string }[]>`
    select sha256, prev_sha256, chain_seq, content from meeting_records where meeting_id = ${meetingId}`;
const signOffs = (meetingId: string) =>
  t.sql<{ role: string; signed_by: string; on_behalf: boolean }[]>`
    select role, signed_by, on_behalf from meeting_signoffs where meeting_id = ${meetingId} order by role`;

describe("signing off", () => {
  it("refuses before the meeting ended (409, in Chinese), and stores nothing", async () => {
    const r = await sign(running, DEMO.CHEN);
    expect(r.status).toBe(409);
    expect(r.text).toContain("会议结束后才能签字封存");
    expect(await signOffs(running)).toEqual([]);
  });

  it("nobody signs for someone who is still there (403); others do not see the page (404)", async () => {
    // The 书记 for the 记录人, the 主持人 for the 记录人, the 书记 without a role of his own.
    expect((await sign(ended, DEMO.SEC, "recorder")).status).toBe(403);
    expect((await sign(ended, DEMO.CHEN, "recorder")).status).toBe(403);
    const none = await sign(ended, DEMO.SEC);
    expect(none.status).toBe(403);
    expect((await sign(ended, DEMO.HUANG)).status).toBe(404);
    expect((await t.http.getText(`/meetings/${ended}/record`, DEMO.HUANG)).status).toBe(404);
    expect(await signOffs(ended)).toEqual([]);
  });

  it("the page lists what is open; both sign-offs seal; an open editor turns read-only and nothing more is stored", async () => {
    const page = await t.http.getText(`/meetings/${ended}/record`, DEMO.YANG);
    expect(page.status).toBe(200);
    expect(page.text).toContain("待签字封存");
    expect(page.text).toContain("会议记录还是空的");
    expect(page.text).toContain("黄磊（未提交）");
    expect(page.text).not.toContain("刘洋（未提交）");

    const docName = wsDoc(ended);
    const yang = watchedClient(docName, await signIn(t.url, DEMO.YANG));
    await yang.synced();
    appendParagraph(yang.doc, "杨帆：封存前的记录");
    await untilStored(docName, "杨帆：封存前的记录");

    const first = await sign(ended, DEMO.CHEN);
    expect(first.status).toBe(200);
    expect(first.text).toContain("已签字（主持人）");
    expect(await records(ended)).toEqual([]);
    // Nobody signs twice.
    const again = await sign(ended, DEMO.CHEN);
    expect(again.status).toBe(409);
    expect(again.text).toContain("主持人已经签过字了");

    const second = await sign(ended, DEMO.YANG);
    expect(second.status).toBe(200);
    expect(second.text).toContain("会议记录已封存");
    const [rec] = await records(ended);
    expect(rec.sha256).toBe(sha256Hex(rec.content));
    const content = JSON.parse(rec.content);
    expect(content.minutes).toContain("杨帆：封存前的记录");
    expect(content.agenda).toEqual(["学习", "表决"]);
    expect(content.signOffs.map((s: { role: string; onBehalf: boolean }) => [s.role, s.onBehalf])).toEqual([
      ["host", false],
      ["recorder", false],
    ]);
    const refl = content.reflections.find((x: { name: string }) => x.name === "刘洋");
    expect(refl).toMatchObject({ submitted: true, status: "submitted" });
    expect(refl.text).toContain("把规矩挺在前面");
    expect(content.reflections.find((x: { name: string }) => x.name === "黄磊")).toMatchObject({
      submitted: false,
      text: null,
    });
    expect(content.attendance.every((a: { status: string }) => a.status === "present")).toBe(true);

    // The open socket is re-checked: closed with 4509, it reconnects read-only and edits are refused.
    await until(() => yang.closes.length > 0, 3000, "the socket to close");
    expect(yang.closes[0]).toBe(4509);
    appendParagraph(yang.doc, "杨帆：封存后的修改");
    await until(() => yang.provider.wsconnected, 5000, "the client to reconnect");
    yang.listenForDenials();
    await yang.synced();
    appendParagraph(yang.doc, "杨帆：重连后的修改");
    await until(() => yang.denials.length > 0, 5000, "the edit to be refused");
    expect(yang.denials[0]).toContain("只读");
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored(docName, "杨帆：封存后的修改")).toBe(false);
    expect(await stored(docName, "杨帆：重连后的修改")).toBe(false);
    // The local copy is the client's own: it still holds what was typed.
    expect(yang.text()).toContain("杨帆：重连后的修改");
    yang.destroy();

    const sealed = await t.http.getText(`/meetings/${ended}/record`, DEMO.SEC);
    expect(sealed.text).toContain("已封存，只读");
    expect(sealed.text).toContain(rec.sha256);
    const meetingPage = await t.http.getText(`/meetings/${ended}`, DEMO.CHEN);
    expect(meetingPage.text).toContain("签字封存，只读");
    expect(meetingPage.text).not.toContain("直至书记归档");
    // 更正 leads nowhere once sealed; the 书记 (who convenes) sees no such link.
    expect((await t.http.getText(`/meetings/${ended}`, DEMO.SEC)).text).not.toContain(`/meetings/${ended}/edit`);
    expect((await sign(ended, DEMO.YANG)).status).toBe(409);
  });
});

describe("a sealed record is not changed", () => {
  it("every action on the meeting's own record answers 409 in Chinese; 补学 goes on", async () => {
    const id = ended;
    const u = (who: string) => t.ids.user[who];
    const [vote] = await t.sql<{ id: string }[]>`
      insert into votes (meeting_id, matter, title, secret, status, opened_by, expected, present_at_open,
        for_count, closed_by, closed_at, present_at_close, passed)
      values (${id}, 'other', '封存前的表决', false, 'closed', ${u(DEMO.SEC)}, 5, 5, 5, ${u(DEMO.SEC)}, now(), 5, true)
      returning id`;
    const day = new Date(Date.now() + 60 * 86_400_000);
    const form = {
      kind: "general_assembly",
      title: "改期",
      date: `${day.getUTCFullYear()}-${String(day.getUTCMonth() + 1).padStart(2, "0")}-${String(day.getUTCDate()).padStart(2, "0")}`,
      startTime: "09:00",
      endTime: "10:00",
      location: "党员活动室",
      onlineUrl: "",
      hostId: u(DEMO.CHEN),
      recorderId: u(DEMO.YANG),
      agenda: "学习\n表决",
      links: "",
    };
    const actions: [string, Record<string, string>, string][] = [
      [`/meetings/${id}`, { intent: "editor", userId: u(DEMO.HUANG), allowed: "1" }, DEMO.CHEN],
      [`/meetings/${id}`, { intent: "agenda", itemId: "" }, DEMO.CHEN],
      [
        `/meetings/${id}/attendance`,
        { intent: "correct", userId: u(DEMO.HUANG), status: "absent", mode: "", reason: "补记缺席" },
        DEMO.SEC,
      ],
      [`/meetings/${id}/attendance`, { intent: "close" }, DEMO.SEC],
      [
        `/meetings/${id}/votes`,
        { intent: "open", title: "封存后的表决", matter: "other", secret: "", agendaItemId: "" },
        DEMO.SEC,
      ],
      [`/meetings/${id}/votes`, { intent: "cast", voteId: vote.id, choice: "for" }, DEMO.HUANG],
      [`/meetings/${id}/votes`, { intent: "written", voteId: vote.id, userId: u(DEMO.HUANG), choice: "for" }, DEMO.SEC],
      [`/meetings/${id}/votes`, { intent: "close", voteId: vote.id }, DEMO.SEC],
      [`/meetings/${id}/reflection`, { intent: "submit", update: "" }, DEMO.HUANG],
      [`/meetings/${id}/reflections/${u(DEMO.LIU)}`, { intent: "accept" }, DEMO.SEC],
      [`/meetings/${id}/reflections/${u(DEMO.LIU)}`, { intent: "return", comment: "请结合工作实际再充实" }, DEMO.SEC],
      [`/meetings/${id}/reflections`, { intent: "deadline", deadline: "2099-01-01T18:00" }, DEMO.SEC],
      [`/meetings/${id}/reflections`, { intent: "remind" }, DEMO.SEC],
      [`/meetings/${id}/edit`, { intent: "save", ...form }, DEMO.SEC],
      [`/meetings/${id}/edit`, { intent: "cancel", reason: "另行安排" }, DEMO.SEC],
      [
        `/meetings/${id}/edit`,
        { intent: "correct", location: "二楼会议室", onlineUrl: "", agenda: "学习\n表决", reason: "地点更正" },
        DEMO.SEC,
      ],
    ];
    const problems: string[] = [];
    for (const [path, body, who] of actions) {
      const r = await t.http.submit(path, body, who);
      if (r.status !== 409 || !r.text.includes("已签字封存")) problems.push(`${path} ${body.intent}: ${r.status}`);
    }
    expect(problems).toEqual([]);
    expect((await t.sql`select 1 from meeting_minutes_editors where meeting_id = ${id}`).length).toBe(0);

    // 补学 of the sealed meeting goes on.
    const [task] = await t.sql<{ id: string }[]>`
      insert into makeup_tasks (meeting_id, user_id) values (${id}, ${u(DEMO.HUANG)}) returning id`;
    const done = await t.http.submit(
      "/makeup",
      { intent: "complete", taskId: task.id, note: "已自学会议材料" },
      DEMO.HUANG,
    );
    expect(done.status).toBe(200);
    expect((await t.sql`select 1 from makeup_tasks where id = ${task.id} and completed_at is not null`).length).toBe(1);
  });
});

describe("one signer, a signer who left, and the chain", () => {
  let life: string;
  let behalf: string;

  it("one click when the 主持人 is also the 记录人; a 组织生活会's 对照检查材料 is then closed (409)", async () => {
    life = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "已召开的组织生活会",
      host: DEMO.SEC,
      recorder: DEMO.SEC,
      inMin: -200,
      attendees: LIST,
      ended: true,
    });
    const r = await sign(life, DEMO.SEC);
    expect(r.status).toBe(200);
    expect(r.text).toContain("已签字（主持人、记录人）");
    expect((await signOffs(life)).map((s) => s.role)).toEqual(["host", "recorder"]);
    expect(await records(life)).toHaveLength(1);
    const exam = await t.http.submit(`/meetings/${life}/examination`, { intent: "submit", update: "" }, DEMO.HUANG);
    expect(exam.status).toBe(409);
    expect(exam.text).toContain("已签字封存");
  });

  it("a manager signs for a 记录人 who has left the branch, recorded as on behalf", async () => {
    const [p] = await t.sql<{ id: string }[]>`
      insert into users (username, display_name, password_hash, category)
      values ('13900000071', '离任记录人', (select password_hash from users where username = ${DEMO.LIU}), 'full')
      returning id`;
    await t.sql`insert into memberships (user_id, org_id, role) values (${p.id}, ${t.ids.org[ORGS.G1]}, 'member')`;
    behalf = await t.meeting({
      org: ORGS.B1,
      title: "记录人已调离的党员大会",
      host: DEMO.CHEN,
      recorder: { id: p.id },
      inMin: -300,
      attendees: LIST,
      ended: true,
    });
    expect((await sign(behalf, DEMO.SEC, "recorder")).status).toBe(403);
    await t.sql`update memberships set ended_at = now(), ended_reason = '调出' where user_id = ${p.id}`;
    const page = await t.http.getText(`/meetings/${behalf}/record`, DEMO.SEC);
    expect(page.text).toContain("已离开本组织");
    expect(page.text).toContain("代为签字");
    expect((await sign(behalf, DEMO.SEC, "recorder")).status).toBe(200);
    expect((await sign(behalf, DEMO.CHEN)).status).toBe(200);
    expect(await signOffs(behalf)).toEqual([
      { role: "host", signed_by: t.ids.user[DEMO.CHEN], on_behalf: false },
      { role: "recorder", signed_by: t.ids.user[DEMO.SEC], on_behalf: true },
    ]);
    const [rec] = await records(behalf);
    expect(JSON.parse(rec.content).signOffs[1]).toMatchObject({ onBehalf: true, holder: { name: "离任记录人" } });
  });

  it("the branch's sealed records form one chain", async () => {
    const chain = await t.sql<{ meeting_id: string; sha256: string; prev_sha256: string | null; chain_seq: number }[]>`
      select meeting_id, sha256, prev_sha256, chain_seq from meeting_records
      where org_id = ${t.ids.org[ORGS.B1]} order by chain_seq`;
    expect(chain.map((c) => c.meeting_id)).toEqual([ended, life, behalf]);
    expect(chain.map((c) => c.chain_seq)).toEqual([1, 2, 3]);
    expect(chain[0].prev_sha256).toBeNull();
    expect(chain[1].prev_sha256).toBe(chain[0].sha256);
    expect(chain[2].prev_sha256).toBe(chain[1].sha256);
    // The hash covers the link: it is part of the hashed text.
    expect(JSON.parse((await records(life))[0].content).seal.prevSha256).toBe(chain[0].sha256);
    expect(await verifyChain(t.sql)).toMatchObject({ records: 3, broken: [] });
  });

  it("one changed byte in a stored record is named; rewriting its hash too names the next one", async () => {
    const [before] = await records(life);
    // One ASCII byte: "format" → "formaT".
    await t.sql`update meeting_records set content = replace(content, '"format"', '"formaT"') where meeting_id = ${life}`;
    let report = await verifyChain(t.sql, t.ids.org[ORGS.B1]);
    expect(report.broken.map((b) => b.meetingId)).toEqual([life]);
    expect(report.broken[0].problems).toContain("内容与封存时的摘要不符");
    expect(report.broken[0].title).toBe("已召开的组织生活会");

    const [changed] = await records(life);
    await t.sql`update meeting_records set sha256 = ${sha256Hex(changed.content)} where meeting_id = ${life}`;
    report = await verifyChain(t.sql);
    expect(report.broken.map((b) => b.meetingId)).toEqual([behalf]);
    expect(report.broken[0].problems).toContain("与上一条封存记录的链接不符");

    await t.sql`update meeting_records set content = ${before.content}, sha256 = ${before.sha256} where meeting_id = ${life}`;
    expect((await verifyChain(t.sql)).broken).toEqual([]);
  });
});
