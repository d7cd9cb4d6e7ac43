import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { beforeAll, describe, expect, it } from "vitest";
import { criticismRound } from "../../server/services/life/criticism-round";
import { criticismSourceId } from "../../server/services/life/criticism-rectification";
import { readNote } from "../../shared/criticism-note";
import {
  criticismAnswerDoc,
  criticismDoc,
  criticismNoteDoc,
  meetingLiveDoc,
  meetingMinutesDoc,
} from "../../shared/doc-names";
import { plainText } from "../../shared/editor/minutes";
import { readLiveState } from "../../shared/live-session";
import { parseCriticismRef } from "../../shared/schemas/rectification";
import { chinaDateKey, DAY_MS } from "../../shared/time";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";

// 批评与自我批评 at a 组织生活会 (docs/decisions/035) on the demo branch 机关第一党支部: 王建国 书记
// hosts, 李秀英 组织委员 (支委, not on the list) records; 刘洋 is criticised by 陈静 and 黄磊 while
// 杨帆, an ordinary attendee, follows the composed note; 吴刚 (another branch) and 周志强 (党委,
// no grant) see nothing. The criticisms are written with the real y-websocket client.

const { SEC, ORG, LIU, CHEN, HUANG, YANG, WU, REVIEWER, ZHAO } = DEMO;
const t = withDemoServer({ timeout: 120_000 });
const uid = (who: string) => t.ids.user[who];
const wsUrl = (docName: string) => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
const ws = async (docName: string, who: string) =>
  upgradeStatus(wsUrl(docName), { cookie: await t.http.cookie(who), origin: t.url });

const ATTENDEES = [SEC, LIU, CHEN, HUANG, YANG, ZHAO].map((u) => ({ user: u, status: "present" as const }));
let live: string; // in progress
let over: string; // ended

/** The y-websocket client, recording every message the server sends (to look for authors in them). */
function recordingClient(docName: string, cookie: string) {
  const doc = new Y.Doc();
  const received: Buffer[] = [];
  class Recording extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
      this.on("message", (data: Buffer) => received.push(Buffer.from(data)));
    }
  }
  const provider = new WebsocketProvider(t.url.replace(/^http/, "ws") + "/collab", docName, doc, {
    WebSocketPolyfill: Recording as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return { doc, provider, received, destroy: () => (provider.destroy(), doc.destroy()) };
}

const turn = async (meetingId: string, body: Record<string, string>, who: string = SEC) =>
  t.http.post(`/meetings/${meetingId}/criticism`, { intent: "turn", ...body }, who);

beforeAll(async () => {
  const base = { org: ORGS.B1, kind: "life_meeting", host: SEC, recorder: ORG, attendees: ATTENDEES };
  live = await t.meeting({ ...base, title: "2026年度组织生活会", inMin: -10, started: true });
  over = await t.meeting({ ...base, title: "上次的组织生活会", inMin: -300, minutes: 120, ended: true });
});

describe("the round", () => {
  it("starts with the 书记, follows the host on the live channel, and lands on the person named", async () => {
    const channel = connectClient(t.url, meetingLiveDoc(live), await t.http.cookie(YANG));
    await channel.synced();
    const first = await turn(live, { step: "next" });
    expect(first.status).toBe(200);
    await until(() => readLiveState(channel.doc).criticismTurnId === uid(SEC), 5000, "the 书记's turn on the channel");
    const round = await criticismRound(t.sql, (await t.actor(YANG)).subject, live);
    expect(round?.turns[0]).toMatchObject({ id: uid(SEC), post: "书记" });
    expect((await t.http.get(`/meetings/${live}/criticism`, YANG)).status).toBe(200);
    expect((await turn(live, { step: "to", personId: uid(LIU) })).status).toBe(200);
    await until(() => readLiveState(channel.doc).criticismTurnId === uid(LIU), 5000, "刘洋's turn on the channel");
    channel.destroy();
  });

  it("only those who run the session move it; bad input is a 4xx with a Chinese message", async () => {
    expect((await turn(live, { step: "next" }, CHEN)).status).toBe(403);
    expect((await turn(live, { step: "next" }, WU)).status).toBe(404);
    const bogus = await turn(live, { step: "sideways" });
    expect(bogus.status).toBe(400);
    expect(await bogus.text()).toContain("无法识别的操作");
    const notListed = await turn(live, { step: "to", personId: uid(WU) });
    expect(notListed.status).toBe(400);
    expect(await notListed.text()).toContain("不在本次会议的应到名单上");
    const badOrder = await t.http.post(`/meetings/${live}/criticism`, { intent: "order", order: "abc" }, SEC);
    expect(badOrder.status).toBe(400);
    expect(await badOrder.text()).toContain("顺序中有无效的人员");
    const stranger = await t.http.post(`/meetings/${live}/criticism`, { intent: "order", order: uid(WU) }, SEC);
    expect(stranger.status).toBe(400);
    expect((await t.http.post(`/meetings/${live}/criticism`, { intent: "shout" }, SEC)).status).toBe(400);
    // A meeting of another kind has no round.
    const assembly = await t.meeting({ org: ORGS.B1, attendees: ATTENDEES, inMin: -5, started: true });
    expect((await turn(assembly, { step: "next" })).status).toBe(404);
    expect(await ws(criticismNoteDoc(assembly, uid(LIU)), SEC)).toBe(404);
  });
});

describe("criticisms of 刘洋", () => {
  const CHEN_TEXT = "刘洋同志理论学习不够深入，学习笔记偏少，联系本职工作不紧。";
  const HUANG_TEXT = "会议发言准备不充分，几次支部活动迟到，希望改进。";

  it("two attendees write at once; the note has both, in no author's order; the person answers", async () => {
    const chen = connectClient(t.url, criticismDoc(live, uid(LIU), uid(CHEN)), await t.http.cookie(CHEN));
    const huang = connectClient(t.url, criticismDoc(live, uid(LIU), uid(HUANG)), await t.http.cookie(HUANG));
    const liu = connectClient(t.url, criticismAnswerDoc(live, uid(LIU)), await t.http.cookie(LIU));
    const yang = recordingClient(criticismNoteDoc(live, uid(LIU)), await t.http.cookie(YANG));
    await Promise.all([chen.synced(), huang.synced(), liu.synced()]);
    // Typed at the same time, piece by piece.
    const a = Array.from(CHEN_TEXT);
    const b = Array.from(HUANG_TEXT);
    appendParagraph(chen.doc, "");
    appendParagraph(huang.doc, "");
    const typeInto = (doc: Y.Doc, ch: string) => {
      const p = doc.getXmlFragment("default").get(0) as Y.XmlElement;
      const text = (p.get(0) as Y.XmlText | undefined) ?? (p.insert(0, [new Y.XmlText()]), p.get(0) as Y.XmlText);
      text.insert(text.length, ch);
    };
    for (let i = 0; i < Math.max(a.length, b.length); i += 4) {
      if (i < a.length) typeInto(chen.doc, a.slice(i, i + 4).join(""));
      if (i < b.length) typeInto(huang.doc, b.slice(i, i + 4).join(""));
      await new Promise((r) => setTimeout(r, 10));
    }
    appendParagraph(liu.doc, "诚恳接受大家的批评，一定认真整改。");
    await until(
      () => {
        const n = readNote(yang.doc);
        return n.criticisms.length === 2 && n.answer.includes("诚恳接受");
      },
      8000,
      "both criticisms and the answer in the note",
    );
    const note = readNote(yang.doc);
    expect(note.criticisms.map((c) => c.text).sort()).toEqual([CHEN_TEXT, HUANG_TEXT].sort());
    // Neither criticism is flagged: they differ, and each names a problem.
    expect(note.criticisms.every((c) => c.flags.length === 0)).toBe(true);

    // Nothing 杨帆's socket carried names or identifies an author.
    const carried = Buffer.concat(yang.received).toString("utf8");
    expect(carried).toContain("学习笔记偏少");
    for (const who of [CHEN, HUANG]) {
      expect(carried).not.toContain(uid(who));
      expect(carried).not.toContain(t.ids.name[uid(who)]);
    }
    for (const c of [chen, huang, liu]) c.destroy();
    yang.destroy();
  });

  it("with the default setting 杨帆's page shows the note without authors; 刘洋 and the 支委 see them", async () => {
    const path = `/meetings/${live}/criticism/${uid(LIU)}`;
    const asYang = await t.http.get(path, YANG);
    expect(asYang.status).toBe(200);
    const html = await asYang.text();
    expect(html).toContain("学习笔记偏少");
    for (const who of [CHEN, HUANG]) {
      expect(html).not.toContain(uid(who));
      expect(html).not.toContain(t.ids.name[uid(who)]);
    }
    // The round's data for 杨帆 gives no key → author map either.
    const forYang = await criticismRound(t.sql, (await t.actor(YANG)).subject, live);
    expect(forYang?.current?.personId).toBe(uid(LIU));
    expect(forYang?.current?.authors).toBeNull();
    const forLiu = await criticismRound(t.sql, (await t.actor(LIU)).subject, live);
    expect(Object.values(forLiu?.current?.authors ?? {})).toContain(t.ids.name[uid(CHEN)]);
    // A member may not open another's criticism (its name carries the author).
    expect(await ws(criticismDoc(live, uid(LIU), uid(CHEN)), YANG)).toBe(404);
    for (const who of [LIU, ORG]) {
      const own = await (await t.http.get(path, who)).text();
      expect(own).toContain(t.ids.name[uid(CHEN)]);
      expect(own).toContain(t.ids.name[uid(HUANG)]);
    }
    // Reads by others than the person are audited.
    const [audited] = await t.sql`
      select 1 from audit_log where action = 'criticism.read' and actor_id = ${uid(YANG)} and subject_user_id = ${uid(LIU)}`;
    expect(audited).toBeTruthy();
  });

  it("with 「提出人对读者可见」 attendees see who wrote", async () => {
    await t.sql`
      insert into org_settings (org_id, settings) values (${t.ids.org[ORGS.B1]}, ${t.sql.json({ criticismAuthors: "readers" })})
      on conflict (org_id) do update set settings = org_settings.settings || excluded.settings`;
    const html = await (await t.http.get(`/meetings/${live}/criticism/${uid(LIU)}`, YANG)).text();
    expect(html).toContain(t.ids.name[uid(CHEN)]);
    await t.sql`update org_settings set settings = settings - 'criticismAuthors' where org_id = ${t.ids.org[ORGS.B1]}`;
  });

  it("only the author writes a criticism; the person reads it but what they send is dropped", async () => {
    const doc = criticismDoc(live, uid(LIU), uid(CHEN));
    expect(await ws(doc, LIU)).toBe(101);
    const liu = connectClient(t.url, doc, await t.http.cookie(LIU));
    await liu.synced();
    appendParagraph(liu.doc, "本人试图改写的一句话");
    await new Promise((r) => setTimeout(r, 500));
    const chen = connectClient(t.url, doc, await t.http.cookie(CHEN));
    await chen.synced();
    expect(plainText(chen.doc)).toContain("学习笔记偏少");
    expect(plainText(chen.doc)).not.toContain("本人试图改写");
    // Nobody writes a criticism of themselves, or a note.
    expect(await ws(criticismDoc(live, uid(LIU), uid(LIU)), LIU)).toBe(404);
    liu.destroy();
    chen.destroy();
  });

  it("flags near-identical criticisms and empty praise for the 书记", async () => {
    const zhao = connectClient(t.url, criticismDoc(live, uid(LIU), uid(ZHAO)), await t.http.cookie(ZHAO));
    const sec = connectClient(t.url, criticismDoc(live, uid(LIU), uid(SEC)), await t.http.cookie(SEC));
    await Promise.all([zhao.synced(), sec.synced()]);
    appendParagraph(zhao.doc, "刘洋同志理论学习不够深入，学习笔记偏少，联系本职工作不紧！");
    appendParagraph(sec.doc, "该同志工作认真负责，值得我学习，希望继续保持。");
    const reader = connectClient(t.url, criticismNoteDoc(live, uid(LIU)), await t.http.cookie(SEC));
    await until(() => readNote(reader.doc).criticisms.length === 4, 8000, "four criticisms");
    const flags = Object.fromEntries(readNote(reader.doc).criticisms.map((c) => [c.text, c.flags]));
    expect(flags[CHEN_TEXT]).toContain("similar");
    expect(flags["刘洋同志理论学习不够深入，学习笔记偏少，联系本职工作不紧！"]).toContain("similar");
    expect(flags[HUANG_TEXT]).toEqual([]);
    expect(flags["该同志工作认真负责，值得我学习，希望继续保持。"]).toEqual(["empty_praise"]);
    // The 书记's page shows the flags; 杨帆's does not.
    expect(await (await t.http.get(`/meetings/${live}/criticism/${uid(LIU)}`, SEC)).text()).toContain("高度相似");
    expect(await (await t.http.get(`/meetings/${live}/criticism/${uid(LIU)}`, YANG)).text()).not.toContain("高度相似");
    zhao.destroy();
    sec.destroy();
    reader.destroy();
  });

  it("moving on writes 刘洋's self-criticism, criticisms and answer into the minutes", async () => {
    expect((await turn(live, { step: "next" })).status).toBe(200);
    const minutes = connectClient(t.url, meetingMinutesDoc(live), await t.http.cookie(ORG));
    await minutes.synced();
    await until(() => plainText(minutes.doc).includes("学习笔记偏少"), 5000, "the note in the minutes");
    const text = plainText(minutes.doc);
    expect(text).toContain("回头看");
    expect(text).toContain("批评与自我批评");
    expect(text).toContain("表态：诚恳接受大家的批评");
    // Each person has their own heading; no criticism line names its author.
    const lines = text.split("\n").filter((l) => l.startsWith("批评意见"));
    expect(lines).toHaveLength(4);
    for (const l of lines) for (const who of [CHEN, HUANG, ZHAO, SEC]) expect(l).not.toContain(t.ids.name[uid(who)]);
    minutes.destroy();
  });
});

describe("an 整改清单 item from a criticism (issue 16 §4)", () => {
  const CHEN_TEXT = "刘洋同志理论学习不够深入，学习笔记偏少，联系本职工作不紧。";
  const notePath = () => `/meetings/${live}/criticism/${uid(LIU)}`;
  const rect = () => `/orgs/${t.ids.org[ORGS.B1]}/rectification`;
  const chenName = () => t.ids.name[uid(CHEN)];
  const count = (s: string, sub: string) => s.split(sub).length - 1;
  let ref = "";
  const item = (over: Record<string, string> = {}) => ({
    intent: "create",
    problem: "理论学习不够深入，学习笔记偏少",
    measures: "每月精读一篇原文并写学习笔记，在党小组会上交流",
    ownerId: uid(LIU),
    deadline: chinaDateKey(new Date(Date.now() + 30 * DAY_MS)),
    commitment: "按期完成，接受支部监督",
    meetingId: live,
    criticism: ref,
    ...over,
  });

  it("the 书记's note page links each criticism to a draft; the draft has its text and owner, never its author", async () => {
    const html = await (await t.http.get(notePath(), SEC)).text();
    const refs = [...html.matchAll(/rectification\?criticism=([^"#&]+)#new/g)].map((m) => m[1]);
    expect(refs.length).toBe(4);
    // Find 陈静's criticism by its text in the draft (the link itself names no author).
    for (const r of refs) {
      const form = await (await t.http.get(`${rect()}?criticism=${r}`, SEC)).text();
      if (form.includes(CHEN_TEXT)) ref = r;
    }
    expect(parseCriticismRef(ref)).toMatchObject({ meetingId: live, personId: uid(LIU) });
    const plain = await (await t.http.get(rect(), SEC)).text();
    const res = await t.http.get(`${rect()}?criticism=${ref}#new`, SEC);
    expect(res.status).toBe(200);
    const draft = await res.text();
    expect(draft).toContain(CHEN_TEXT);
    expect(draft).toContain(`name="criticism" value="${ref}"`);
    expect(draft).toMatch(new RegExp(`<option value="${uid(LIU)}" selected=""`));
    // The author appears nowhere the draft added: only in the owner list every draft has.
    expect(count(draft, chenName())).toBe(count(plain, chenName()));
    expect(count(draft, uid(CHEN))).toBe(count(plain, uid(CHEN)));
    // Showing the criticism's text is a read of it, in the audit log (without its author).
    const audited = await t.sql<{ detail: Record<string, unknown> }[]>`
      select detail from audit_log where action = 'criticism.read' and actor_id = ${uid(SEC)}
        and subject_user_id = ${uid(LIU)} and detail->>'via' = 'rectification'`;
    expect(audited.length).toBeGreaterThan(0);
    expect(JSON.stringify(audited)).not.toContain(uid(CHEN));
  });

  it("the 书记 creates it (text rewritten); a second draft is empty, the note shows 已生成, a second post is 409", async () => {
    const res = await t.http.post(rect(), item(), SEC);
    expect(res.status).toBe(200);
    const p = parseCriticismRef(ref)!;
    const [row] = await t.sql<{ id: string; source_kind: string; source_id: string; owner_id: string }[]>`
      select id, source_kind, source_id, owner_id from rectification_items where source_kind = 'criticism'`;
    expect(row).toMatchObject({
      source_kind: "criticism",
      source_id: criticismSourceId(p.meetingId, p.personId, p.key),
      owner_id: uid(LIU),
    });
    const again = await (await t.http.get(`${rect()}?criticism=${ref}`, SEC)).text();
    expect(again).toContain(`name="criticism" value=""`);
    expect(again).toContain("来自批评意见");
    const note = await (await t.http.get(notePath(), SEC)).text();
    expect(note).toContain("已生成整改事项");
    expect(note).toContain(`rectification#item-${row.id}`);
    expect(note).not.toContain(`criticism=${ref}`);
    // On the live round too: the turn back on 刘洋, the 书记 sees the item made from that criticism.
    expect((await turn(live, { step: "to", personId: uid(LIU) })).status).toBe(200);
    const round = await criticismRound(t.sql, (await t.actor(SEC)).subject, live);
    expect(round?.current?.rectification?.made[p.key]).toBe(row.id);
    expect((await criticismRound(t.sql, (await t.actor(YANG)).subject, live))?.current?.rectification).toBeNull();
    const twice = await t.http.post(rect(), item(), SEC);
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("这条批评意见已经生成了整改事项");
  });

  it("a member who may not create gets no link, no draft and a 403 on posting", async () => {
    const note = await (await t.http.get(notePath(), YANG)).text();
    expect(note).toContain("学习笔记偏少");
    expect(note).not.toContain("生成整改事项");
    const other = `${live}:${uid(LIU)}:${parseCriticismRef(ref)!.key}`;
    const page = await t.http.get(`${rect()}?criticism=${other}`, YANG);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain(CHEN_TEXT);
    expect((await t.http.post(rect(), item({ problem: "换个说法" }), YANG)).status).toBe(403);
    expect((await t.http.post(rect(), item({ problem: "换个说法" }), WU)).status).toBe(404);
  });

  it("a bad ref answers 200 with an empty form; posting one is a 400 with a Chinese message", async () => {
    const bad = [
      "garbage",
      `${live}:${uid(LIU)}:0000000000000000`,
      `${live}:${uid(WU)}:${parseCriticismRef(ref)!.key}`,
      `${over}:${uid(LIU)}:${parseCriticismRef(ref)!.key}`,
    ];
    for (const r of bad) {
      const res = await t.http.get(`${rect()}?criticism=${encodeURIComponent(r)}`, SEC);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`name="criticism" value=""`);
    }
    const wrong = await t.http.post(rect(), item({ criticism: bad[1] }), SEC);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("来源批评意见不在本支部组织生活会的批评记录中");
    const malformed = await t.http.post(rect(), item({ criticism: "garbage" }), SEC);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain("来源批评意见无效");
  });
});

describe("who reads a note (lifeRecordAccess), over HTTP and the WebSocket", () => {
  const cases: [string, string, "live" | "over", boolean][] = [
    ["the person", LIU, "over", true],
    ["a 支委 not on the list", ORG, "over", true],
    ["an attendee while in progress", YANG, "live", true],
    ["an attendee once it is over", YANG, "over", false],
    ["another branch", WU, "live", false],
    ["the 党委 without a grant", REVIEWER, "live", false],
  ];
  it.each(cases)("%s", async (_what, who, which, reads) => {
    const m = which === "live" ? live : over;
    const page = await t.http.get(`/meetings/${m}/criticism/${uid(LIU)}`, who);
    expect(page.status).toBe(reads ? 200 : 404);
    expect(await ws(criticismNoteDoc(m, uid(LIU)), who)).toBe(reads ? 101 : 404);
    expect(await ws(criticismAnswerDoc(m, uid(LIU)), who)).toBe(reads ? 101 : 404);
  });

  it("a 组织生活会's minutes follow the same rule once it is over", async () => {
    expect(await ws(meetingMinutesDoc(over), YANG)).toBe(404);
    expect(await ws(meetingMinutesDoc(over), ORG)).toBe(101);
    expect(await ws(meetingMinutesDoc(live), YANG)).toBe(101);
    expect(await (await t.http.get(`/meetings/${over}`, YANG)).text()).toContain("minutes-confidential");
  });
});
