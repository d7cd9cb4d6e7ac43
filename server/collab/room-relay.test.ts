import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import type { WebSocket } from "ws";
import type { RoomRelay } from "./cluster";
import type { DocStore } from "./persistence";
import { Room, type Conn } from "./room";
import { updateMessage } from "./protocol";

// A room with a cluster relay, against a fake store: what arrives from other nodes is applied with its
// own origin (never stored or published again), nothing is lost while the room loads, and our own
// updates are published only after they are stored.

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function paragraphUpdate(text: string, base?: Y.Doc): Uint8Array {
  const doc = base ?? new Y.Doc();
  const before = Y.encodeStateVector(doc);
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment("default").insert(doc.getXmlFragment("default").length, [p]);
  return Y.encodeStateAsUpdate(doc, before);
}

function fakeStore(loadGate: Promise<void>, stored: Uint8Array | null = null) {
  const appended: Uint8Array[] = [];
  const commits: (() => void)[] = [];
  const store = {
    load: vi.fn(async () => {
      await loadGate;
      return { state: stored, tail: 0 };
    }),
    append: vi.fn((_doc: string, data: Uint8Array) => {
      appended.push(data);
      return new Promise<void>((r) => commits.push(r));
    }),
    compact: vi.fn(async () => 0),
  };
  return { store: store as unknown as DocStore, appended, commits, raw: store };
}

function fakeRelay(ready: Promise<void> = Promise.resolve()) {
  return {
    ready,
    publishUpdate: vi.fn(),
    publishAwareness: vi.fn(),
    queryAwareness: vi.fn(),
    leave: vi.fn(),
  } satisfies RoomRelay;
}

function fakeConn(access: "read" | "write" = "write"): Conn & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const ws = { readyState: 1, OPEN: 1, send: (m: Uint8Array) => sent.push(m), close: vi.fn(), terminate: vi.fn() };
  return {
    ws: ws as unknown as WebSocket,
    user: { id: "u1", name: "刘洋", color: "#123456" },
    sessionId: "s1",
    access,
    clientIds: new Set(),
    pending: [],
    pendingBytes: 0,
    sent,
  };
}

const text = (room: Room) => room.doc.getXmlFragment("default").toString();
const tick = () => new Promise((r) => setImmediate(r));

describe("a room with a cluster relay", () => {
  it("reads the store only once the subscription is ready, and applies what arrived meanwhile", async () => {
    const subscribed = deferred();
    const gate = deferred();
    const base = new Y.Doc();
    const storedState = paragraphUpdate("已存：第一段", base);
    const { store, raw } = fakeStore(gate.promise, storedState);
    const relay = fakeRelay(subscribed.promise);
    const room = new Room("meeting.x.minutes", store, () => {}, undefined, { relay });

    await tick();
    expect(raw.load).not.toHaveBeenCalled();
    subscribed.resolve();
    await tick();
    expect(raw.load).toHaveBeenCalledTimes(1);

    // Another node stores and publishes two updates while our read is in flight; one of them the
    // read will also have (a duplicate), one it will not.
    room.receiveRemote(storedState);
    room.receiveRemote(paragraphUpdate("他处：加载时写入", base));
    gate.resolve();
    await room.ready;
    expect(text(room)).toContain("已存：第一段");
    expect(text(room)).toContain("他处：加载时写入");
    expect(text(room).match(/已存：第一段/g)).toHaveLength(1);
    expect(raw.append).not.toHaveBeenCalled();
    expect(relay.publishUpdate).not.toHaveBeenCalled();
    expect(relay.queryAwareness).toHaveBeenCalledTimes(1);
  });

  it("sends a remote update to every local connection without storing or publishing it", async () => {
    const { store, raw } = fakeStore(Promise.resolve());
    const relay = fakeRelay();
    const room = new Room("meeting.y.minutes", store, () => {}, undefined, { relay });
    await room.ready;
    const conn = fakeConn();
    room.add(conn);
    conn.sent.length = 0;
    const u = paragraphUpdate("他处的修改");
    room.receiveRemote(u);
    await room.settled();
    expect(conn.sent).toContainEqual(updateMessage(u));
    expect(raw.append).not.toHaveBeenCalled();
    expect(relay.publishUpdate).not.toHaveBeenCalled();
  });

  it("publishes a local update only after it is stored", async () => {
    const { store, commits } = fakeStore(Promise.resolve());
    const relay = fakeRelay();
    const room = new Room("meeting.z.minutes", store, () => {}, undefined, { relay });
    await room.ready;
    const conn = fakeConn();
    room.add(conn);
    Y.applyUpdate(room.doc, paragraphUpdate("本节点的修改"), conn);
    await tick();
    expect(relay.publishUpdate).not.toHaveBeenCalled();
    commits.forEach((c) => c());
    await room.settled();
    expect(relay.publishUpdate).toHaveBeenCalledTimes(1);
  });

  it("relays awareness of other nodes to local connections, never back, and drops a node's states when it goes", async () => {
    const { store } = fakeStore(Promise.resolve());
    const relay = fakeRelay();
    const room = new Room("meeting.w.minutes", store, () => {}, undefined, { relay });
    await room.ready;
    const conn = fakeConn();
    room.add(conn);

    const elsewhere = new awarenessProtocol.Awareness(new Y.Doc());
    elsewhere.setLocalState({ user: { id: "u2", name: "黄磊", color: "#654321" } });
    const update = awarenessProtocol.encodeAwarenessUpdate(elsewhere, [elsewhere.clientID]);
    room.receiveRemoteAwareness(update, "node-b");
    expect(room.awareness.getStates().get(elsewhere.clientID)).toMatchObject({ user: { name: "黄磊" } });
    expect(relay.publishAwareness).not.toHaveBeenCalled();

    room.dropNode("node-a");
    expect(room.awareness.getStates().has(elsewhere.clientID)).toBe(true);
    room.dropNode("node-b");
    expect(room.awareness.getStates().has(elsewhere.clientID)).toBe(false);
    expect(relay.publishAwareness).not.toHaveBeenCalled();
    elsewhere.destroy();
    room.destroy();
    expect(relay.leave).toHaveBeenCalledTimes(1);
  });
});
