import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";

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
