import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { signIn } from "../setup/server";
import {
  appendParagraph,
  awarenessMessage,
  connectClient,
  denials,
  paragraphUpdate,
  rawSocket,
  until,
  updateMessage,
} from "../setup/yclient";
import { xlsxBomb } from "../fixtures/xlsx-bomb";
import { DEMO, ORGS, withDemoServer } from "../setup/demo";

// No one user stalls the server: a document's size and one person's write rate are capped on the
// live channel, a presence state is capped, and the HTTP layer refuses bodies past their limit
// before buffering them (chunked ones too), and a zip-bomb roster is inflated under a cap.
// The collaboration limits are set small here; the HTTP ones keep their defaults.

const KiB = 1024;
const LIMITS = {
  DOC_MAX_BYTES: String(48 * KiB),
  WRITE_BURST_BYTES: String(32 * KiB),
  WRITE_BYTES_PER_MINUTE: String(16 * KiB * 60), // 16 KiB a second
  PRESENCE_MAX_BYTES: String(KiB),
};

const SEC = DEMO.SEC; // 王建国, 书记 of 机关第一党支部
const WRITERS = [DEMO.LIU, DEMO.CHEN, DEMO.HUANG]; // co-editors of the minutes
const READER = DEMO.YANG; // 杨帆: a member of the branch, reads the minutes

const t = withDemoServer({ env: LIMITS });

const opened = new Set<{ destroy(): void }>();
function track<T extends { destroy(): void }>(c: T): T {
  opened.add(c);
  return c;
}
afterEach(() => {
  for (const c of opened) c.destroy();
  opened.clear();
});

/** The minutes of a new meeting of the branch, co-edited by WRITERS. */
async function newMinutes(title: string): Promise<string> {
  const m = await t.meeting({
    org: ORGS.B1,
    title,
    inMin: 24 * 60,
    location: null,
    createdBy: SEC,
    host: null,
    editors: WRITERS,
  });
  return meetingMinutesDoc(m);
}

/** The document's text as stored (what a reload would show). */
async function storedText(doc: string): Promise<string> {
  await t.app.collab.store.flush();
  const { state } = await t.app.collab.store.load(doc);
  const d = new Y.Doc();
  if (state) Y.applyUpdate(d, state);
  const text = d.getXmlFragment("default").toString();
  d.destroy();
  return text;
}

/** Waits until the document as stored contains `text`. */
async function untilStored(doc: string, text: string, timeoutMs = 5000) {
  const started = Date.now();
  while (!(await storedText(doc)).includes(text)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for "${text}" to be stored`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A paragraph of about `kib` KiB (a three-byte character repeated), tagged so it can be found. */
const filler = (tag: string, kib: number) => tag + "拒".repeat(Math.floor((kib * KiB) / 3));

/** How a raw socket was closed by the server, or "open" if it was not within `ms`. */
const closeOf = async (r: ReturnType<typeof rawSocket>, ms = 5000) =>
  Promise.race([r.closed.then((c) => c.code), new Promise<string>((ok) => setTimeout(() => ok("open"), ms))]);

/** Opens a raw socket and waits until the server has greeted it (the document is loaded). */
async function raw(doc: string, user: string) {
  const r = track(rawSocket(t.url, doc, await t.http.cookie(user)));
  await r.opened;
  await until(() => r.received.length > 0, 5000, "the server's greeting");
  return r;
}

describe("live documents: size and write-rate caps", () => {
  it("refuses an update that would take the document past its cap: not stored, not broadcast, the writer told", async () => {
    const doc = await newMinutes("文档大小上限");
    const watcher = track(connectClient(t.url, doc, await t.http.cookie(READER)));
    await watcher.synced();

    const first = await raw(doc, WRITERS[0]);
    first.ws.send(updateMessage(paragraphUpdate(filler("甲", 30))));
    await until(() => watcher.text().includes("甲"), 5000, "the first 30 KiB at the reader");

    // 30 KiB stored; 20 more would pass 48 KiB.
    const second = await raw(doc, WRITERS[1]);
    second.ws.send(updateMessage(paragraphUpdate(filler("乙", 20))));
    await until(() => denials(second.received).length > 0 || second.ws.readyState !== 1, 5000, "an answer").catch(
      () => {},
    );

    // Updates go out in order: the reader getting a later edit shows the refused one never went out.
    first.ws.send(updateMessage(paragraphUpdate("之后的一段")));
    await until(() => watcher.text().includes("之后的一段"), 5000, "the later edit at the reader");
    expect(watcher.text()).not.toContain("乙");
    const stored = await storedText(doc);
    expect(stored).toContain("甲");
    expect(stored).toContain("之后的一段");
    expect(stored).not.toContain("乙");
    // The writer is told why, and the connection closes with the "keep it, retry later" code.
    expect(denials(second.received).join()).toContain("内容过大");
    expect(await closeOf(second)).toBe(4513);
  });

  it("refuses one update larger than the burst as too large, even on an empty document", async () => {
    const doc = await newMinutes("单次写入过大");
    const w = await raw(doc, WRITERS[0]);
    w.ws.send(updateMessage(paragraphUpdate(filler("丙", 40))));
    const code = await closeOf(w, 2000);
    expect(await storedText(doc)).not.toContain("丙");
    expect(denials(w.received).join()).toContain("内容过大");
    expect(code).toBe(4513);
  });

  it("caps one person's writes: a burst past the limit is refused, and the client's retry gets in once the rate allows", async () => {
    const doc = await newMinutes("写入速率");
    const w = await raw(doc, WRITERS[2]);
    w.ws.send(updateMessage(paragraphUpdate(filler("丁", 20))));
    w.ws.send(updateMessage(paragraphUpdate(filler("戊", 20)))); // 40 KiB at once: past the 32 KiB burst
    const code = await closeOf(w, 2000);
    await untilStored(doc, "丁");
    expect(await storedText(doc)).not.toContain("戊");
    expect(denials(w.received).join()).toContain("写入过于频繁");
    expect(code).toBe(4529);

    // Through the official client: the second burst is refused and kept on the client, whose
    // reconnect sends it again and gets it stored once the bucket has refilled (16 KiB a second).
    const other = await newMinutes("写入速率（官方客户端）");
    const client = track(connectClient(t.url, other, await t.http.cookie(WRITERS[1])));
    const closes: number[] = [];
    client.provider.on("connection-close", (ev) => ev && closes.push(ev.code));
    await client.synced();
    appendParagraph(client.doc, filler("己", 20));
    appendParagraph(client.doc, filler("庚", 20));
    await until(() => closes.includes(4529), 5000, "the refusal of the second burst");
    expect(client.text()).toContain("庚"); // kept on the client
    await untilStored(other, "庚", 15_000);
    expect(await storedText(other)).toContain("己");
    // And a small edit within the rate goes straight in.
    appendParagraph(client.doc, "限速之后的小修改");
    await untilStored(other, "限速之后的小修改");
  });
});

describe("presence: one state is capped", () => {
  it("drops an oversized presence state (not kept, not forwarded) and closes its connection", async () => {
    const doc = await newMinutes("在线状态上限");
    const watcher = track(connectClient(t.url, doc, await t.http.cookie(WRITERS[0])));
    await watcher.synced();
    const states = () => [...watcher.provider.awareness.getStates().values()] as Record<string, unknown>[];

    const big = await raw(doc, READER);
    big.ws.send(awarenessMessage([{ clientId: 777001, clock: 1, state: { junk: "x".repeat(3 * KiB) } }]));
    // A normal one sent after it is forwarded, so the big one would have arrived first.
    const small = await raw(doc, READER);
    small.ws.send(awarenessMessage([{ clientId: 777002, clock: 1, state: { cursor: null, note: "small" } }]));
    await until(() => states().some((st) => st.note === "small"), 5000, "the small state at the watcher");
    expect(states().some((st) => "junk" in st)).toBe(false);
    expect(t.app.collab.rooms.get(doc)?.awareness.getStates().has(777001)).toBe(false);
    expect(await closeOf(big)).toBe(1008);
  });
});

describe("HTTP bodies past their limit get 413 before they are buffered", () => {
  const post = (path: string, init: RequestInit & { duplex?: "half" }) =>
    fetch(`${t.url}${path}`, { method: "POST", redirect: "manual", ...init });

  /** A body sent in chunks, without Content-Length. */
  function chunked(total: number, first = ""): ReadableStream<Uint8Array> {
    let sent = 0;
    const head = new TextEncoder().encode(first);
    return new ReadableStream({
      pull(c) {
        if (sent === 0 && head.length > 0) {
          c.enqueue(head);
          sent += head.length;
          return;
        }
        if (sent >= total) return c.close();
        const n = Math.min(64 * KiB, total - sent);
        c.enqueue(new Uint8Array(n).fill(0x61));
        sent += n;
      },
    });
  }

  it("a 2 MB form post to /login is refused with 413 and a short Chinese page", async () => {
    const body = new URLSearchParams({ username: "x".repeat(2_000_000), password: "y" });
    const res = await post("/login", { body });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("内容过大");
  });

  it("a chunked 2 MB form post (no Content-Length) is cut off with 413 too", async () => {
    const res = await post("/login", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: chunked(2_000_000, "username="),
      duplex: "half",
    });
    expect(res.status).toBe(413);
  });

  it("a chunked roster upload past its limit is refused with 413", async () => {
    const boundary = "----tongxin-limit-test";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const res = await post(`/orgs/${t.ids.org[ORGS.B1]}/import`, {
      headers: {
        cookie: await t.http.cookie(SEC),
        origin: t.url,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body: chunked(3 * 1024 * 1024, head),
      duplex: "half",
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("2 MB");
  });

  it("a normal roster upload and a normal sign-in (also chunked) still work", async () => {
    const form = new FormData();
    form.set("file", new Blob(["姓名,手机号\n冯雪,13900000201\n"], { type: "text/csv" }), "roster.csv");
    const res = await post(`/orgs/${t.ids.org[ORGS.B1]}/import`, {
      headers: { cookie: await t.http.cookie(SEC), origin: t.url },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("冯雪");
    expect(await signIn(t.url, READER)).toMatch(/^tongxin_session=/);
    // A chunked form within the limit is held until complete and then reaches the action whole.
    const body = new TextEncoder().encode(
      new URLSearchParams({ username: READER, password: "tongxin2026" }).toString(),
    );
    const chunkedSignIn = await post("/login", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new ReadableStream({
        start(c) {
          c.enqueue(body.subarray(0, 10));
          c.enqueue(body.subarray(10));
          c.close();
        },
      }),
      duplex: "half",
    });
    expect(chunkedSignIn.status).toBe(302);
    expect(chunkedSignIn.headers.getSetCookie().some((c) => c.startsWith("tongxin_session="))).toBe(true);
  });

  it("a zip-bomb .xlsx roster is refused quickly with a Chinese message", async () => {
    const bomb = await xlsxBomb(300 * 1024 * 1024); // about 1 MB that inflates to 300 MB
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bomb)]), "roster.xlsx");
    const started = performance.now();
    const res = await post(`/orgs/${t.ids.org[ORGS.B1]}/import`, {
      headers: { cookie: await t.http.cookie(SEC), origin: t.url },
      body: form,
    });
    const ms = performance.now() - started;
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).toContain("解压后过大");
    // Unbounded, it takes several seconds of inflating and parsing; capped, a fraction of one.
    expect(ms).toBeLessThan(3000);
  });
});
