import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";

/** The official y-websocket client, in Node, sending the given session cookie on the upgrade. */
export function connectClient(baseUrl: string, docName: string, cookie: string | null) {
  const doc = new Y.Doc();
  const headers = cookie ? { cookie } : {};
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, "ws") + "/collab", docName, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return {
    doc,
    provider,
    text: () => doc.getXmlFragment("default").toString(),
    synced: () =>
      new Promise<void>((resolve) => {
        if (provider.synced) return resolve();
        provider.once("sync", (s: boolean) => s && resolve());
      }),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Appends a paragraph of text, the way the editor writes it into the shared fragment. */
export function appendParagraph(doc: Y.Doc, text: string) {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  const f = doc.getXmlFragment("default");
  f.insert(f.length, [p]);
}

export async function until(cond: () => boolean, timeoutMs = 5000, what = "condition") {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Opens a raw WebSocket and resolves with the HTTP status of a refused upgrade (or 101). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", (e) => reject(e));
  });
}

// ---- raw wire protocol, for what the official client would never send ----

function wire(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** A sync "update" message (type 0, step 2) carrying a Yjs update. */
export const updateMessage = (update: Uint8Array) =>
  wire((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, update);
  });

/** An awareness message (type 1) with the given states. */
export const awarenessMessage = (entries: { clientId: number; clock: number; state: unknown }[]) =>
  wire((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(
      e,
      wire((a) => {
        encoding.writeVarUint(a, entries.length);
        for (const x of entries) {
          encoding.writeVarUint(a, x.clientId);
          encoding.writeVarUint(a, x.clock);
          encoding.writeVarString(a, JSON.stringify(x.state));
        }
      }),
    );
  });

/** The Yjs update a paragraph of `text` appended to `base` (or a new document) makes. */
export function paragraphUpdate(text: string, base: Y.Doc = new Y.Doc()): Uint8Array {
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (update = u);
  base.on("update", grab);
  appendParagraph(base, text);
  base.off("update", grab);
  return update!;
}

/** Reasons of the permission-denied (auth) messages among what a socket received. */
export function denials(received: Uint8Array[]): string[] {
  const out: string[] = [];
  for (const m of received) {
    const d = decoding.createDecoder(m);
    if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) out.push(decoding.readVarString(d));
  }
  return out;
}

/** A plain WebSocket to a live document that records what it receives and how it closes. */
export function rawSocket(baseUrl: string, docName: string, cookie: string) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${docName}`, { headers: { cookie } });
  const received: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => received.push(new Uint8Array(data)));
  ws.on("error", () => {}); // the close event says what happened
  return {
    ws,
    received,
    opened: new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    }),
    closed: new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
    destroy: () => ws.terminate(),
  };
}
