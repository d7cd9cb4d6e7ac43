import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { DocStore } from "../../server/collab/persistence";
import { setLogLevel } from "../../server/logger";
import { Room, type Conn } from "../../server/collab/room";
import { MAX_MESSAGE_BYTES, RATE_BURST, RATE_PER_SECOND } from "../../server/collab/server";
import { startChildServer, type ChildServer } from "../setup/child";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from "../setup/private-postgres";
import { signIn } from "../setup/server";
import { appendParagraph, connectClient } from "../setup/yclient";
import { DEMO } from "../setup/demo";

// The live-document server under faults: the process killed (-9) while 20 official clients edit,
// PostgreSQL restarted underneath it, clients offline for a while, forged presence, read-only
// edits, and thousands of malformed messages from raw sockets. The server runs in its own process
// (tests/setup/child-entry.ts) so it can be killed, and so a crash shows as its exit, not ours.

type Client = ReturnType<typeof connectClient>;

const WRITERS = [DEMO.LIU, DEMO.CHEN, DEMO.HUANG]; // 刘洋, 陈静, 黄磊: co-editors of the minutes
const READER = DEMO.YANG; // 杨帆: a member of the branch, reads the minutes

/** Polls a condition (no fixed sleeps); heavier checks pass a longer interval. */
async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 25) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const MARKER = /k\d{2}n\d{4}/g;
const marker = (client: number, n: number) => `k${String(client).padStart(2, "0")}n${String(n).padStart(4, "0")}`;
const markersIn = (text: string) => text.match(MARKER) ?? [];
const ownerOf = (m: string) => Number(m.slice(1, 3));

function textOf(state: Uint8Array | null): string {
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  const text = doc.getXmlFragment("default").toString();
  doc.destroy();
  return text;
}

function duplicates(list: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of list) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}

/** The minutes of a new meeting of the branch, which the three writers co-edit; returns the document name. */
async function newMinutes(srv: ChildServer, title: string): Promise<string> {
  const [m] = await srv.query<{ id: string }>(
    `insert into meetings (org_id, kind, title, starts_at, ends_at, created_by)
     select o.id, 'general_assembly', $1, now() + interval '1 day', now() + interval '1 day 2 hours', u.id
     from organizations o, users u where o.name = '机关第一党支部' and u.username = '13800000001'
     returning id`,
    [title],
  );
  await srv.query(
    `insert into meeting_minutes_editors (meeting_id, user_id, added_by)
     select $1, id, id from users where username = any($2::text[])`,
    [m.id, WRITERS],
  );
  return meetingMinutesDoc(m.id);
}

// ---- raw protocol messages ----

function msg(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
const syncMsg = (step: number, payload: Uint8Array) =>
  msg((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, step);
    encoding.writeVarUint8Array(e, payload);
  });
const awarenessMsg = (entries: { clientId: number; clock: number; state: unknown }[]) =>
  msg((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(
      e,
      msg((a) => {
        encoding.writeVarUint(a, entries.length);
        for (const x of entries) {
          encoding.writeVarUint(a, x.clientId);
          encoding.writeVarUint(a, x.clock);
          encoding.writeVarString(a, JSON.stringify(x.state));
        }
      }),
    );
  });
const QUERY_AWARENESS = new Uint8Array([3]);

/** A Yjs update appending a paragraph, made on a scratch document. */
function paragraphUpdate(text: string, base?: Y.Doc): Uint8Array {
  const doc = base ?? new Y.Doc();
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (update = u);
  doc.on("update", grab);
  appendParagraph(doc, text);
  doc.off("update", grab);
  return update!;
}

interface RawSocket {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  received: Uint8Array[];
  isClosed: boolean;
  /**
   * Sends a presence state for this socket's own client id with the next clock, and resolves true
   * when the server echoes it back (so everything sent before it was accepted), false on close.
   */
  probe(): Promise<boolean>;
}

/** (client id, clock) pairs of an awareness message, or [] for anything else. */
function awarenessEntries(m: Uint8Array): [number, number][] {
  try {
    const d = decoding.createDecoder(m);
    if (decoding.readVarUint(d) !== 1) return [];
    const u = decoding.createDecoder(decoding.readVarUint8Array(d));
    const out: [number, number][] = [];
    for (let n = decoding.readVarUint(u); n > 0; n--) {
      out.push([decoding.readVarUint(u), decoding.readVarUint(u)]);
      decoding.readVarString(u);
    }
    return out;
  } catch {
    return [];
  }
}

// Above every client id the fuzzer makes up (< 2^30), so no fuzzed message can claim a probe's id.
let probeIds = 2 ** 30 + 1;

function rawSocket(srv: ChildServer, doc: string, cookie: string): RawSocket {
  const ws = new WebSocket(`${srv.url.replace(/^http/, "ws")}/collab/${doc}`, { headers: { cookie } });
  const probeId = probeIds++;
  let clock = 0;
  const echoes = new Map<number, () => void>();
  const raw: RawSocket = {
    ws,
    received: [],
    isClosed: false,
    probe() {
      const c = ++clock;
      const echoed = new Promise<boolean>((resolve) => echoes.set(c, () => resolve(true)));
      ws.send(awarenessMsg([{ clientId: probeId, clock: c, state: { probe: c } }]));
      return Promise.race([echoed, raw.closed.then(() => false)]);
    },
    opened: new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("close", () => reject(new Error("closed before opening")));
    }),
    closed: new Promise((resolve) =>
      ws.once("close", (code, reason) => {
        raw.isClosed = true;
        resolve({ code, reason: reason.toString() });
      }),
    ),
  };
  ws.on("error", () => {}); // the close event says what happened
  const handle = track({ destroy: () => ws.terminate() });
  ws.once("close", () => live.delete(handle));
  ws.on("message", (data: Buffer) => {
    const m = new Uint8Array(data);
    raw.received.push(m);
    for (const [id, c] of awarenessEntries(m)) if (id === probeId) echoes.get(c)?.();
  });
  return raw;
}

/** Reasons of permission-denied messages (auth, 0) among what a socket received. */
function denials(received: Uint8Array[]): string[] {
  const out: string[] = [];
  for (const m of received) {
    const d = decoding.createDecoder(m);
    if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) out.push(decoding.readVarString(d));
  }
  return out;
}

/** Clients and sockets a test opened: whatever it did not close is closed after it, failed or not. */
const live = new Set<{ destroy(): void }>();
function track<T extends { destroy(): void }>(c: T): T {
  const destroy = c.destroy.bind(c);
  c.destroy = () => {
    if (live.delete(c)) destroy();
  };
  live.add(c);
  return c;
}
afterEach(() => {
  for (const c of [...live]) c.destroy();
});

/** An official client that records the server's close codes. */
function watched(srv: ChildServer, doc: string, cookie: string) {
  const c = track(connectClient(srv.url, doc, cookie));
  const closes: number[] = [];
  c.provider.on("connection-close", (ev) => {
    if (ev) closes.push(ev.code);
  });
  return Object.assign(c, { closes });
}

/**
 * Each client appends a marker paragraph every `everyMs`, the clients staggered over the period so
 * that at any moment some edits are on the wire or being committed. Returns the stop function.
 */
function editContinuously(clients: Client[], written: string[][], everyMs = 100): () => void {
  const timers: NodeJS.Timeout[] = [];
  const starts = clients.map((c, i) =>
    setTimeout(
      () =>
        timers.push(
          setInterval(() => {
            const m = marker(i, written[i].length);
            written[i].push(m);
            appendParagraph(c.doc, m);
          }, everyMs),
        ),
      Math.floor((i * everyMs) / clients.length),
    ),
  );
  return () => {
    for (const t of starts) clearTimeout(t);
    for (const t of timers) clearInterval(t);
  };
}

const badMessages = (srv: ChildServer) => srv.logs.filter((l) => l.msg === "collab.bad_message");

// ---------------------------------------------------------------------------------------------

describe("Room: what a client receives is stored", () => {
  /** A connection whose socket records what the room sends it. */
  function fakeConn(access: "read" | "write"): Conn & { sent: Uint8Array[] } {
    const sent: Uint8Array[] = [];
    const ws = { OPEN: 1, readyState: 1, send: (m: Uint8Array) => sent.push(m), close() {}, terminate() {} };
    return {
      ws: ws as unknown as Conn["ws"],
      user: { id: "u", name: "测试", color: "#000" },
      sessionId: "s",
      access,
      clientIds: new Set(),
      pending: [],
      pendingBytes: 0,
      sent,
    };
  }

  /** The text a client would have after applying every sync answer and update it was sent. */
  function seenText(sent: Uint8Array[]): string {
    const doc = new Y.Doc();
    for (const m of sent) {
      const d = decoding.createDecoder(m);
      if (decoding.readVarUint(d) !== 0) continue;
      const step = decoding.readVarUint(d);
      if (step === 1 || step === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(d));
    }
    return doc.getXmlFragment("default").toString();
  }

  it("answers a sync request only with updates whose commit has completed", async () => {
    const commits: (() => void)[] = [];
    const store = {
      load: async () => ({ state: null, tail: 0 }),
      append: () => new Promise<void>((resolve) => commits.push(resolve)),
      compact: async () => 0,
    };
    const room = new Room("doc", store as unknown as DocStore, () => {});
    await room.ready;
    const writer = fakeConn("write");
    const late = fakeConn("write");
    room.add(writer);
    room.add(late);
    const source = new Y.Doc();
    room.receive(writer, syncMsg(2, paragraphUpdate("第一条", source)));
    // A client (re)connects and asks for everything while the first commit is in flight…
    room.receive(late, syncMsg(0, Y.encodeStateVector(new Y.Doc())));
    await new Promise((r) => setImmediate(r)); // (past any coalescing of the first broadcast)
    // …and a second edit arrives before that commit completes.
    room.receive(writer, syncMsg(2, paragraphUpdate("第二条", source)));
    expect(commits).toHaveLength(2);
    commits[0]();
    await waitFor(() => seenText(late.sent).includes("第一条"), 1000, "the first edit after its commit");
    expect(seenText(late.sent)).not.toContain("第二条"); // not stored yet
    commits[1]();
    await waitFor(() => seenText(late.sent).includes("第二条"), 1000, "the second edit after its commit");
    room.destroy();
  });
});

describe("DocStore: a failed write is retried while the database is away", () => {
  // The retries and the final failure are logged; here they are expected.
  beforeAll(() => setLogLevel("silent"));
  afterAll(() => setLogLevel("info"));

  /** Enough of postgres.js for DocStore.append: the sql(rows, …) helper and the tagged insert. */
  function fakeSql(fail: (attempt: number) => unknown) {
    const inserted: string[][] = [];
    let attempts = 0;
    const sql = (first: unknown, ...rest: unknown[]) => {
      if (!(Array.isArray(first) && "raw" in first)) return first; // sql(rows, "doc_name", "data")
      const err = fail(++attempts);
      if (err) return Promise.reject(err);
      inserted.push((rest[0] as { doc_name: string }[]).map((r) => r.doc_name));
      return Promise.resolve([]);
    };
    return {
      sql: sql as unknown as ConstructorParameters<typeof DocStore>[0],
      inserted,
      attempts: () => attempts,
    };
  }
  const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

  it("retries transient failures with backoff, keeping the order of batches", async () => {
    const f = fakeSql((n) => (n <= 3 ? refused() : null));
    const store = new DocStore(f.sql);
    const first = store.append("a", new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 50)); // the first batch is failing now
    const second = store.append("b", new Uint8Array([2]));
    await Promise.all([first, second]);
    expect(f.attempts()).toBe(5);
    expect(f.inserted).toEqual([["a"], ["b"]]);
  });

  it("fails at once on an error that a retry would not fix", async () => {
    const f = fakeSql(() => Object.assign(new Error("invalid input syntax"), { code: "22P02" }));
    await expect(new DocStore(f.sql).append("a", new Uint8Array([1]))).rejects.toThrow(/invalid input/);
    expect(f.attempts()).toBe(1);
  });

  it("gives up after its time bound, so the room fails and its clients resync", async () => {
    const f = fakeSql(() => refused());
    const started = Date.now();
    await expect(new DocStore(f.sql, { retryForMs: 600 }).append("a", new Uint8Array([1]))).rejects.toThrow(
      /ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(f.attempts()).toBeGreaterThan(1);
  });
});

describe("a live server under faults and abuse", () => {
  let tdb: TestDatabase;
  let srv: ChildServer;
  let docName: string;
  const cookies: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tdb = await createTestDatabase();
    srv = await startChildServer({ env: tdb.env });
    docName = await newMinutes(srv, "健壮性测试");
    for (const u of await srv.query<{ id: string; username: string }>(`select id, username from users`))
      ids[u.username] = u.id;
    for (const u of [...WRITERS, READER]) cookies[u] = await signIn(srv.url, u);
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
    await tdb?.drop();
  });

  const [LIU, CHEN, HUANG] = WRITERS;

  it("a client offline for a while with local edits reconnects and converges", async () => {
    const a = watched(srv, docName, cookies[LIU]);
    const b = watched(srv, docName, cookies[HUANG]);
    await Promise.all([a.synced(), b.synced()]);
    a.provider.disconnect();
    await waitFor(() => !a.provider.wsconnected, 5000, "a to go offline");

    appendParagraph(a.doc, "离线时甲写的第一段");
    appendParagraph(b.doc, "乙在线写的一段");
    appendParagraph(a.doc, "离线时甲写的第二段");
    await waitFor(async () => textOf(await srv.load(docName)).includes("乙在线写的一段"), 10_000, "b's edit stored");
    expect(a.text()).not.toContain("乙在线写的一段");

    a.provider.connect();
    await waitFor(
      () => a.text() === b.text() && a.text().includes("乙在线写的一段") && b.text().includes("离线时甲写的第二段"),
      10_000,
      "both clients to converge",
    );
    for (const t of ["离线时甲写的第一段", "离线时甲写的第二段", "乙在线写的一段"])
      expect(a.text().split(t)).toHaveLength(2);
    await waitFor(async () => textOf(await srv.load(docName)) === a.text(), 10_000, "the merged state stored");
    a.destroy();
    b.destroy();
  });

  it("a read-only connection's edits reach neither the database nor other clients", async () => {
    const writer = watched(srv, docName, cookies[LIU]);
    await writer.synced();
    const reader = rawSocket(srv, docName, cookies[READER]);
    await reader.opened;
    // Straight through the protocol, as an update and as a sync answer.
    reader.ws.send(syncMsg(2, paragraphUpdate("只读者的更新")));
    reader.ws.send(syncMsg(1, paragraphUpdate("只读者的同步答复")));
    await waitFor(() => denials(reader.received).length === 2, 5000, "two permission-denied answers");
    expect(denials(reader.received)[0]).toContain("只读");
    expect(reader.isClosed).toBe(false);
    // The writer's next edit reaches the reader's socket, and nothing of the reader's reached the writer.
    appendParagraph(writer.doc, "写入者的哨兵");
    await waitFor(
      () => reader.received.some((m) => Buffer.from(m).includes(Buffer.from("写入者的哨兵"))),
      5000,
      "the writer's edit at the reader",
    );
    expect(writer.text()).not.toContain("只读者");
    const rows = await srv.query<{ data: Uint8Array }>(`select data from doc_updates where doc_name = $1`, [docName]);
    expect(rows.some((r) => Buffer.from(r.data).includes(Buffer.from("只读者")))).toBe(false);
    expect(textOf(await srv.load(docName))).not.toContain("只读者");
    reader.ws.close();
    writer.destroy();
  });

  it("binds presence to the connection's user: no forged identity, no taking over another client id", async () => {
    const observer = watched(srv, docName, cookies[HUANG]);
    const victim = watched(srv, docName, cookies[CHEN]);
    await Promise.all([observer.synced(), victim.synced()]);
    victim.provider.awareness.setLocalStateField("cursor", { anchor: 1 });
    const victimId = victim.doc.clientID;
    await waitFor(
      () => observer.provider.awareness.getStates().get(victimId)?.cursor?.anchor === 1,
      5000,
      "the victim's presence at the observer",
    );

    const forger = rawSocket(srv, docName, cookies[LIU]);
    await forger.opened;
    const mine = 0x7a11ce;
    const someoneElse = { id: ids[HUANG], name: "假冒", color: "#ff0000" };
    forger.ws.send(awarenessMsg([{ clientId: mine, clock: 1, state: { user: someoneElse } }]));
    // Another connection's client id: overwritten with a higher clock, then removed.
    forger.ws.send(awarenessMsg([{ clientId: victimId, clock: 1000, state: { user: someoneElse, cursor: null } }]));
    forger.ws.send(awarenessMsg([{ clientId: victimId, clock: 1001, state: null }]));
    // Sent last on the same socket: once the observer sees it, the server has handled the two above.
    forger.ws.send(awarenessMsg([{ clientId: mine, clock: 2, state: { user: someoneElse, seq: "done" } }]));
    await waitFor(
      () => observer.provider.awareness.getStates().get(mine)?.seq === "done",
      5000,
      "the forger's last state",
    );

    for (const view of [observer, victim]) {
      const forged = view.provider.awareness.getStates().get(mine)!;
      expect(forged.user).toMatchObject({ id: ids[LIU], name: "刘洋" });
    }
    const kept = observer.provider.awareness.getStates().get(victimId);
    expect(kept?.user).toMatchObject({ id: ids[CHEN], name: "陈静" });
    expect(kept?.cursor).toEqual({ anchor: 1 });
    expect(observer.provider.awareness.meta.get(victimId)?.clock).toBeLessThan(1000);
    expect(forger.isClosed).toBe(false);
    forger.ws.close();

    // A state that is not an object could not carry the bound user: refused.
    for (const odd of [5, "假冒", [someoneElse]]) {
      const s = rawSocket(srv, docName, cookies[LIU]);
      await s.opened;
      s.ws.send(awarenessMsg([{ clientId: mine + 1, clock: 1, state: odd }]));
      expect((await s.closed).code).toBe(1008);
    }
    expect(observer.provider.awareness.getStates().has(mine + 1)).toBe(false);
    observer.destroy();
    victim.destroy();
  });

  it("closes a connection whose message exceeds MAX_MESSAGE_BYTES with 1009, and only that one", async () => {
    const good = watched(srv, docName, cookies[HUANG]);
    await good.synced();
    const big = rawSocket(srv, docName, cookies[LIU]);
    await big.opened;
    const payload = new Uint8Array(MAX_MESSAGE_BYTES + 1);
    big.ws.send(payload);
    expect((await big.closed).code).toBe(1009);
    await waitFor(() => badMessages(srv).some((l) => l.reason === "too_large"), 5000, "the logged reason");
    appendParagraph(good.doc, "超大消息之后");
    await waitFor(async () => textOf(await srv.load(docName)).includes("超大消息之后"), 5000, "an edit stored");
    expect(good.closes).toEqual([]);
    good.destroy();
  });

  it("closes a connection that sends faster than its rate limit (1008), and only that one; a burst within it passes", async () => {
    const good = watched(srv, docName, cookies[HUANG]);
    await good.synced();
    // Within the burst allowance: a reconnecting client's catch-up, say.
    const calm = rawSocket(srv, docName, cookies[LIU]);
    await calm.opened;
    for (let i = 0; i < RATE_BURST / 2; i++) calm.ws.send(new Uint8Array([3])); // query awareness
    expect(await calm.probe()).toBe(true);
    expect(calm.isClosed).toBe(false);
    // Far past it: a flood.
    const flood = rawSocket(srv, docName, cookies[LIU]);
    await flood.opened;
    for (let i = 0; i < RATE_BURST * 3; i++) flood.ws.send(new Uint8Array([3]));
    expect((await flood.closed).code).toBe(1008);
    await waitFor(
      () => badMessages(srv).some((l) => l.reason === `more than ${RATE_PER_SECOND} messages a second`),
      5000,
      "the logged reason",
    );
    appendParagraph(good.doc, "限流之后");
    await waitFor(async () => textOf(await srv.load(docName)).includes("限流之后"), 5000, "an edit stored");
    expect(good.closes).toEqual([]);
    expect(calm.isClosed).toBe(false);
    calm.ws.close();
    good.destroy();
  });

  it("while a document loads: too many messages, or a bad one, close only that connection", async () => {
    const doc2 = await newMinutes(srv, "加载中测试");
    await srv.holdLoads();
    try {
      const honest = watched(srv, doc2, cookies[HUANG]);
      const flood = rawSocket(srv, doc2, cookies[LIU]);
      const bad = rawSocket(srv, doc2, cookies[CHEN]);
      await Promise.all([flood.opened, bad.opened]);
      await waitFor(() => honest.provider.wsconnected, 10_000, "the honest client connected (still loading)");
      for (let i = 0; i < 250; i++) flood.ws.send(QUERY_AWARENESS);
      expect((await flood.closed).code).toBe(1008);
      expect(badMessages(srv).some((l) => l.doc === doc2 && /before the document loaded/.test(String(l.reason)))).toBe(
        true,
      );
      // Queued while loading, found bad once the document is there.
      bad.ws.send(new Uint8Array([0x7f, 1, 2]));
      bad.ws.send(syncMsg(0, new Uint8Array([0xff, 0xff, 0xff]))); // a truncated state vector
      expect(honest.provider.synced).toBe(false);
      await srv.releaseLoads();
      await honest.synced();
      expect((await bad.closed).code).toBe(1008);
      appendParagraph(honest.doc, "加载之后的编辑");
      await waitFor(async () => textOf(await srv.load(doc2)).includes("加载之后的编辑"), 5000, "an edit stored");
      expect(honest.closes).toEqual([]);
      expect(srv.exit).toBeNull();
      honest.destroy();
    } finally {
      await srv.releaseLoads();
    }
  });

  it("survives thousands of random and malformed messages; an honest client keeps syncing throughout", async () => {
    const TOTAL = 2000;
    const rand = mulberry32(20260611);
    const gen = fuzzMessages(rand);
    const good = watched(srv, docName, cookies[HUANG]);
    const peer = watched(srv, docName, cookies[LIU]);
    await Promise.all([good.synced(), peer.synced()]);
    const badBefore = badMessages(srv).length;

    // The honest editor writes all along; its peer must see every line.
    const written: string[] = [];
    const ticker = setInterval(() => {
      const line = `诚实编辑第${written.length}行`;
      written.push(line);
      appendParagraph(good.doc, line);
    }, 50);

    let sent = 0;
    let accepted = 0;
    const kinds = new Map<string, number>();
    const closes = new Map<number, number>();
    const worker = async (cookie: string) => {
      while (sent < TOTAL) {
        const sock = rawSocket(srv, docName, cookie);
        await sock.opened;
        while (sent < TOTAL && !sock.isClosed) {
          const m = gen();
          sent++;
          kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
          sock.ws.send(m.data, { binary: !m.text });
          // The probe comes back only if the message before it was accepted; otherwise the socket closes.
          if (await sock.probe()) accepted++;
        }
        if (!sock.isClosed) sock.ws.close();
        const { code } = await sock.closed;
        closes.set(code, (closes.get(code) ?? 0) + 1);
      }
    };
    try {
      await Promise.all([cookies[CHEN], cookies[LIU], cookies[CHEN], cookies[READER]].map(worker));
    } finally {
      clearInterval(ticker);
    }

    console.info(`fuzz: ${sent} messages, ${accepted} accepted, ${closes.get(1008) ?? 0} refused (1008);`, kinds);
    expect(srv.exit).toBeNull();
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    // Every refusal was a policy close (1008) with its reason logged; the rest were our own closes (1005).
    const refused = closes.get(1008) ?? 0;
    expect([...closes.keys()].filter((c) => c !== 1008 && c !== 1005)).toEqual([]);
    expect(refused).toBeGreaterThan(TOTAL / 4);
    expect(refused + accepted).toBe(TOTAL);
    await waitFor(() => badMessages(srv).length - badBefore >= refused, 5000, "a log line per refusal");
    expect(
      badMessages(srv)
        .slice(badBefore)
        .every((l) => typeof l.reason === "string" && l.reason !== ""),
    ).toBe(true);
    // The honest pair never lost its connection and saw everything.
    await waitFor(() => written.every((l) => peer.text().includes(l)), 10_000, "every honest line at the peer");
    expect(good.closes).toEqual([]);
    expect(peer.closes).toEqual([]);
    good.destroy();
    peer.destroy();
  }, 240_000);

  it("kill -9 while 20 clients edit: what anyone received was stored, all converge, nothing twice", async () => {
    const N = 20;
    process.setMaxListeners(N + 10); // each official client registers an exit handler
    const clients: Client[] = Array.from({ length: N }, (_, i) =>
      track(connectClient(srv.url, docName, cookies[WRITERS[i % WRITERS.length]])),
    );
    await Promise.all(clients.map((c) => c.synced()));
    const written: string[][] = clients.map(() => []);
    const stopEditing = editContinuously(clients, written);
    const foreign = (i: number) => markersIn(clients[i].text()).filter((m) => ownerOf(m) !== i);
    try {
      await waitFor(() => clients.every((_, i) => foreign(i).length >= 100), 60_000, "edits flowing", 100);

      // Mid-stream: right after one client's edit went out, while it and others are in flight.
      const sender = clients[N / 2];
      await new Promise<void>((resolve) => {
        const sent = (_u: Uint8Array, origin: unknown) => {
          if (origin === sender.provider) return; // from the server, not typed here
          sender.doc.off("update", sent);
          setImmediate(resolve);
        };
        sender.doc.on("update", sent);
      });
      await srv.kill();
      const writtenAtKill = written.flat().length;
      await waitFor(() => clients.every((c) => !c.provider.wsconnected), 10_000, "every client to see the server gone");
      // Only the server could have given a client another client's marker, and only after storing it.
      const received = new Set(clients.flatMap((_, i) => foreign(i)));

      // Same data, same port, documents held from loading: what is stored now is what the killed process stored.
      srv = await startChildServer({ env: tdb.env, port: srv.port, holdLoads: true });
      const stored = markersIn(textOf(await srv.load(docName)));
      const storedSet = new Set(stored);
      const lost = [...received].filter((m) => !storedSet.has(m));
      console.info(
        `kill -9: ${writtenAtKill} markers written before the kill, ${received.size} of them received by other clients, ${storedSet.size} stored`,
      );
      expect(received.size).toBeGreaterThan(0);
      expect(lost, `${lost.length} of ${received.size} received markers not stored`).toEqual([]);
      expect(duplicates(stored)).toEqual([]);
      await srv.releaseLoads();

      // The official clients reconnect by themselves; they keep editing for a while after.
      await waitFor(() => clients.every((c) => c.provider.wsconnected && c.provider.synced), 60_000, "reconnect", 100);
      const after = written.map((w) => w.length);
      await waitFor(() => written.every((w, i) => w.length >= after[i] + 5), 10_000, "edits after reconnecting", 100);
    } finally {
      stopEditing();
    }

    await expectConvergedAndStored(srv, docName, clients, written, 60_000);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------

// The machine's shared PostgreSQL (5432) is never touched: the test starts one of its own.
const pgMissing = privatePostgresUnavailable();
if (pgMissing) console.warn(`skipping the PostgreSQL restart test: ${pgMissing}`);

describe.skipIf(pgMissing !== null)("PostgreSQL restarts while clients edit", () => {
  let pg: PrivatePostgres | null = null;
  let why = "";
  let srv: ChildServer;
  let dataDir: string;
  let docName: string;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    const started = await startPrivatePostgres();
    if ("unavailable" in started) {
      why = started.unavailable;
      console.warn(`skipping the PostgreSQL restart test: ${why}`);
      return;
    }
    pg = started;
    dataDir = mkdtempSync(path.join(tmpdir(), "tongxin-unused-"));
    srv = await startChildServer({ env: { DATABASE_URL: pg.url, DATA_DIR: dataDir } });
    docName = await newMinutes(srv, "健壮性测试");
    for (const u of WRITERS) cookies[u] = await signIn(srv.url, u);
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
    await pg?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the server stays up, retries its writes and loses nothing; no client is dropped", async (ctx) => {
    if (!pg) return ctx.skip(why);
    const N = 6;
    const clients = Array.from({ length: N }, (_, i) => watched(srv, docName, cookies[WRITERS[i % WRITERS.length]]));
    await Promise.all(clients.map((c) => c.synced()));
    const written: string[][] = clients.map(() => []);
    const stopEditing = editContinuously(clients, written);
    const foreign = (i: number) => markersIn(clients[i].text()).filter((m) => ownerOf(m) !== i).length;
    const retries = () => srv.logs.filter((l) => l.msg === "collab.persist_retry").length;
    try {
      await waitFor(() => clients.every((_, i) => foreign(i) >= 20), 30_000, "edits flowing", 50);

      await pg.stop();
      const stoppedAt = Date.now();
      await waitFor(() => retries() >= 3 && Date.now() - stoppedAt >= 3000, 20_000, "the server to retry", 50);
      const seen = clients.map((_, i) => foreign(i));
      // A page meanwhile: 503 with a message in Chinese, not a 500.
      const down = await fetch(`${srv.url}/`, { headers: { cookie: cookies[WRITERS[0]] }, redirect: "manual" });
      expect(down.status).toBe(503);
      expect(await down.text()).toContain("数据库暂时连接不上");
      await pg.start();
      // The first page after the restart works: a read that meets a connection the restart closed is retried.
      const up = await fetch(`${srv.url}/`, { headers: { cookie: cookies[WRITERS[0]] }, redirect: "manual" });
      expect(up.status).toBe(200);

      // The retried batch commits and broadcasts resume for everyone.
      await waitFor(() => clients.every((_, i) => foreign(i) >= seen[i] + 20), 30_000, "broadcasts to resume", 50);
    } finally {
      stopEditing();
    }
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    const causes = new Map<string, number>();
    for (const l of srv.logs.filter((l) => l.msg === "collab.persist_retry")) {
      const m = String((l.error as { message?: string } | undefined)?.message);
      causes.set(m, (causes.get(m) ?? 0) + 1);
    }
    console.info(`PostgreSQL restart: ${retries()} retried writes`, causes);

    await expectConvergedAndStored(srv, docName, clients, written, 30_000);
    expect(srv.exit).toBeNull();
    for (const c of clients) expect(c.closes).toEqual([]);
    expect(srv.logs.some((l) => l.msg === "collab.room_failed" || l.msg === "collab.persist_failed")).toBe(false);
    for (const c of clients) c.destroy();
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

/**
 * Every client ends with the same text holding every marker written (each once), and that text is
 * what the server has stored.
 */
async function expectConvergedAndStored(
  srv: ChildServer,
  docName: string,
  clients: { text(): string }[],
  written: string[][],
  timeoutMs: number,
) {
  const allSorted = JSON.stringify(written.flat().sort());
  await waitFor(
    () => {
      const first = clients[0].text();
      return clients.every((c) => c.text() === first) && JSON.stringify(markersIn(first).sort()) === allSorted;
    },
    timeoutMs,
    "all clients to converge on every marker",
    100,
  );
  const final = clients[0].text();
  expect(duplicates(markersIn(final))).toEqual([]);
  await waitFor(async () => textOf(await srv.load(docName)) === final, 20_000, "the converged state stored", 100);
}

/** A small seeded PRNG, so a failing fuzz run can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random, truncated and malformed messages of every kind the protocol has, and some it has not. */
function fuzzMessages(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const pick = <T>(xs: T[]) => xs[int(xs.length)];
  // Real messages to cut and corrupt.
  const base = new Y.Doc();
  const updates = Array.from({ length: 8 }, (_, i) => paragraphUpdate(`模糊测试素材${i}`, base));
  const valid = (): Uint8Array =>
    pick([
      () => syncMsg(0, Y.encodeStateVector(base)),
      () => syncMsg(1, pick(updates)),
      () => syncMsg(2, pick(updates)),
      () => awarenessMsg([{ clientId: int(2 ** 30), clock: int(100), state: { user: { name: "x" }, c: int(9) } }]),
      () => QUERY_AWARENESS,
    ])();
  const hugeVarint = () => Uint8Array.from([...Array.from({ length: 9 + int(4) }, () => 0xff), 0x7f]);
  const kinds: [string, () => { data: Uint8Array | string; text?: boolean }][] = [
    ["random bytes", () => ({ data: bytes(int(64)) })],
    ["random bytes, sync type", () => ({ data: Uint8Array.from([0, int(4), ...bytes(int(40))]) })],
    ["random bytes, awareness type", () => ({ data: Uint8Array.from([1, ...bytes(int(40))]) })],
    ["empty", () => ({ data: new Uint8Array(0) })],
    [
      "truncated valid",
      () => {
        const m = valid();
        return { data: m.slice(0, Math.max(1, int(m.length))) };
      },
    ],
    ["huge type varint", () => ({ data: hugeVarint() })],
    ["huge sync step", () => ({ data: Uint8Array.from([0, ...hugeVarint()]) })],
    ["huge length", () => ({ data: Uint8Array.from([0, 2, ...hugeVarint(), 1, 2, 3]) })],
    ["length past the end", () => ({ data: Uint8Array.from([0, 2, 0xff, 0xff, 0x03, 1, 2, 3]) })],
    ["huge awareness count", () => ({ data: Uint8Array.from([1, 12, ...hugeVarint(), 1]) })],
    ["unknown type", () => ({ data: Uint8Array.from([4 + int(120), ...bytes(int(10))]) })],
    ["unknown sync step", () => ({ data: syncMsg(3 + int(100), pick(updates)) })],
    [
      "corrupted update",
      () => {
        const u = pick(updates).slice();
        for (let k = 0; k < 1 + int(4); k++) u[int(u.length)] = int(256);
        return { data: syncMsg(pick([1, 2]), u) };
      },
    ],
    ["truncated update", () => ({ data: syncMsg(2, pick(updates).slice(0, 1 + int(20))) })],
    ["random update", () => ({ data: syncMsg(2, bytes(1 + int(48))) })],
    ["random state vector", () => ({ data: syncMsg(0, bytes(1 + int(24))) })],
    [
      "awareness with bad JSON",
      () => ({
        data: msg((e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint8Array(
            e,
            msg((a) => {
              encoding.writeVarUint(a, 1);
              encoding.writeVarUint(a, int(1000));
              encoding.writeVarUint(a, 1);
              encoding.writeVarString(a, pick(["{", '{"user":', "\u0000", "[1,", "nul"]));
            }),
          );
        }),
      }),
    ],
    [
      "awareness with an odd state",
      () => ({ data: awarenessMsg([{ clientId: int(2 ** 30), clock: 1, state: pick([5, "假冒", [1, 2], true]) }]) }),
    ],
    ["text frame", () => ({ data: pick(["hello", "\u0000\u0001", JSON.stringify({ type: "sync" })]), text: true })],
    ["valid", () => ({ data: valid() })],
  ];
  return () => {
    const [kind, make] = pick(kinds);
    return { kind, ...make() };
  };
}
