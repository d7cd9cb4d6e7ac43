import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { openDatabase, type Database } from "../../db/client";
import { migrate } from "../../db/migrate";
import { DocStore, itemStoredAt } from "../../server/collab/persistence";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let tdb: TestDatabase;
let db: Database;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
  await migrate(db.sql);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

function edits(n: number) {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const t = doc.getText("t");
  for (let i = 0; i < n; i++) t.insert(t.length, `第${i}条；`);
  return { doc, updates };
}

describe("DocStore", () => {
  it("loads nothing for a new document", async () => {
    expect(await new DocStore(db.sql).load("meeting.new.minutes")).toEqual({ state: null, tail: 0 });
  });

  it("group-commits concurrent appends and loads them back in order", async () => {
    const store = new DocStore(db.sql);
    const { doc, updates } = edits(300);
    await Promise.all(updates.map((u) => store.append("doc-a", u)));
    const { state, tail } = await store.load("doc-a");
    expect(tail).toBe(300);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, state!);
    expect(loaded.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("compacts the log into a snapshot without changing the document, and keeps later appends", async () => {
    const store = new DocStore(db.sql);
    const { doc, updates } = edits(50);
    for (const u of updates.slice(0, 40)) await store.append("doc-b", u);
    await store.compact("doc-b");
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from doc_updates where doc_name = 'doc-b'`;
    expect(n).toBe(0);
    for (const u of updates.slice(40)) await store.append("doc-b", u);
    const { state, tail } = await store.load("doc-b");
    expect(tail).toBe(10);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, state!);
    expect(loaded.getText("t").toString()).toBe(doc.getText("t").toString());
  });

  it("flush waits for every pending append", async () => {
    const store = new DocStore(db.sql);
    const { updates } = edits(20);
    for (const u of updates) void store.append("doc-c", u);
    await store.flush();
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from doc_updates where doc_name = 'doc-c'`;
    expect(n).toBe(20);
  });

  it("remembers when each part was stored, also after compaction (to the minute)", async () => {
    const store = new DocStore(db.sql);
    const doc = new Y.Doc();
    const t = doc.getText("t");
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    t.insert(0, "先写的一句。");
    await store.append("doc-times", updates[0]);
    await db.sql`update doc_updates set created_at = '2026-01-01T08:00:10Z' where doc_name = 'doc-times'`;
    t.insert(t.length, "后来补的一句。");
    await store.append("doc-times", updates[1]);
    const client = doc.clientID;
    const early = Date.parse("2026-01-01T08:00:10Z");
    let times = await store.itemTimes("doc-times");
    expect(itemStoredAt(times, client, 0)).toBe(early);
    const late = itemStoredAt(times, client, 7)!;
    expect(late).toBeGreaterThan(early);
    expect(itemStoredAt(times, client, 999)).toBeNull();
    expect(itemStoredAt(times, 12345, 0)).toBeNull();
    await store.compact("doc-times");
    times = await store.itemTimes("doc-times");
    expect(itemStoredAt(times, client, 0)).toBe(early);
    expect(Math.abs(itemStoredAt(times, client, 7)! - late)).toBeLessThan(60_000);
  });
});
