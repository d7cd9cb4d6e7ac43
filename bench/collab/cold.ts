import WebSocket from "ws";
import * as Y from "yjs";
import type { Sql } from "../../db/client";
import { EDITOR_FIELD } from "../../shared/editor/extensions";
import {
  MSG_HOCUS_SYNC_REPLY,
  MSG_SYNC,
  OwnDoc,
  STEP1,
  STEP2,
  hocusAuthMessage,
  parse,
  syncMessage,
  type Dialect,
} from "./wire";

// Cold open: a document whose log holds many small updates, opened by one client.

/**
 * `n` updates of someone typing the minutes: one character each (Chinese, 3 bytes in UTF-8),
 * a new paragraph every 60 characters, and the author changing every 2,000 updates (five people
 * taking turns), as the stock editor would store them through our server.
 */
export function typingUpdates(n: number): Uint8Array[] {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(EDITOR_FIELD);
  const out: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => out.push(u));
  const chars = "会议记录同志们认真学习了支部工作条例并结合实际交流了体会大家一致认为要加强组织建设";
  let text: Y.XmlText | null = null;
  let col = 0;
  while (out.length < n) {
    if (out.length % 2000 === 0) doc.clientID = 1000 + ((out.length / 2000) % 5);
    if (!text || col >= 60) {
      const p = new Y.XmlElement("paragraph");
      text = new Y.XmlText();
      p.insert(0, [text]);
      fragment.insert(fragment.length, [p]);
      col = 0;
      continue;
    }
    text.insert(text.length, chars[(out.length * 7) % chars.length]);
    col++;
  }
  doc.destroy();
  return out.slice(0, n);
}

/** Appends the updates to doc_updates as the server would have, in chunks of multi-row inserts. */
export async function storeUpdates(sql: Sql, docName: string, updates: Uint8Array[]) {
  for (let i = 0; i < updates.length; i += 2000) {
    const rows = updates.slice(i, i + 2000).map((u) => ({ doc_name: docName, data: Buffer.from(u) }));
    await sql`insert into doc_updates ${sql(rows, "doc_name", "data")}`;
  }
}

export interface OpenTiming {
  /** From `new WebSocket` to the upgrade's answer (authentication and authorisation included). */
  upgradeMs: number;
  /** To the SyncStep2 answering our SyncStep1: the client has the document. */
  syncMs: number;
  /** Size of that SyncStep2. */
  bytes: number;
  ws: WebSocket;
}

/** Opens one document with a light client and times the first sync. */
export function timeOpen(
  url: string,
  headers: Record<string, string>,
  docName: string,
  dialect: Dialect,
  timeoutMs = 300_000,
): Promise<OpenTiming> {
  const own = new OwnDoc(7_000_000 + Math.floor(Math.random() * 1_000_000));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let upgradeMs = NaN;
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    const timer = setTimeout(() => {
      reject(new Error(`no sync within ${timeoutMs} ms`));
      ws.terminate();
    }, timeoutMs);
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade answered ${res.statusCode}`));
    });
    ws.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on("open", () => {
      upgradeMs = performance.now() - t0;
      if (dialect === "hocus") ws.send(hocusAuthMessage(docName, "bench"));
      ws.send(syncMessage(dialect, docName, STEP1, own.stateVector()));
    });
    ws.on("message", (data: Buffer) => {
      const m = parse(dialect, data);
      if (m.type !== MSG_SYNC && m.type !== MSG_HOCUS_SYNC_REPLY) return;
      if (m.step === STEP1) ws.send(syncMessage(dialect, docName, STEP2, own.diff(m.payload!)));
      else if (m.step === STEP2) {
        clearTimeout(timer);
        resolve({ upgradeMs, syncMs: performance.now() - t0, bytes: data.byteLength, ws });
      }
    });
  });
}
