import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

// The y-websocket wire protocol as a light load-generator client speaks it, without y-websocket's
// provider and without a full Y.Doc of the shared document. Two dialects:
//
// - "y": the stock protocol (Tongxin, @y/websocket-server): [varUint type][...].
// - "hocus": Hocuspocus 2+ puts the document name in front of every message
//   ([varString name][varUint type][...]) and wants an Auth (token) message first.
//
// Every edit carries a marker "~B<sender>.<seq>.<sentUs>~" (ASCII), inserted into a root Y.Text
// of the client's own small Y.Doc. That doc only ever holds the client's own insertions, so each
// update it emits is valid for the shared document (its items refer only to the client's earlier
// items) and the client never has to integrate anyone else's. Receivers find markers by scanning
// the update's bytes: a Yjs V1 update stores a ContentString as UTF-8 in one piece, and a merged
// update (Y.mergeUpdates) keeps each string whole or concatenates a client's adjacent strings, so
// every marker stays contiguous. `markersViaYjs` (Y.decodeUpdate) is the slow reference the
// harness checks the scanner against.

export type Dialect = "y" | "hocus";

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;
/** Hocuspocus: a sync reply (SyncStep2 answering our SyncStep1). */
export const MSG_HOCUS_SYNC_REPLY = 4;
/** Hocuspocus: acknowledgement of an update we sent. */
export const MSG_HOCUS_SYNC_STATUS = 8;
export const STEP1 = 0;
export const STEP2 = 1;
export const UPDATE = 2;

/** Name of the root Y.Text the markers go into (TipTap's content lives elsewhere, in "default"). */
export const MARKER_TEXT = "bench";

function begin(dialect: Dialect, docName: string, type: number): encoding.Encoder {
  const e = encoding.createEncoder();
  if (dialect === "hocus") encoding.writeVarString(e, docName);
  encoding.writeVarUint(e, type);
  return e;
}

export function syncMessage(dialect: Dialect, docName: string, step: number, payload: Uint8Array): Uint8Array {
  const e = begin(dialect, docName, MSG_SYNC);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

export function awarenessMessage(dialect: Dialect, docName: string, update: Uint8Array): Uint8Array {
  const e = begin(dialect, docName, MSG_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Hocuspocus's first message: Auth / Token (any token: the bench server has no onAuthenticate). */
export function hocusAuthMessage(docName: string, token: string): Uint8Array {
  const e = begin("hocus", docName, MSG_AUTH);
  encoding.writeVarUint(e, 0); // AuthMessageType.Token
  encoding.writeVarString(e, token);
  return encoding.toUint8Array(e);
}

/** One client's awareness state as an awareness update (what y-protocols' Awareness encodes). */
export function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}

/** What a received message is, after the dialect's prefix. */
export interface Parsed {
  type: number;
  /** For sync messages: the step and where its payload (varUint8Array) begins. */
  step: number;
  payload: Uint8Array | null;
}

export function parse(dialect: Dialect, data: Uint8Array): Parsed {
  const d = decoding.createDecoder(data);
  if (dialect === "hocus") decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  if (type === MSG_SYNC || type === MSG_HOCUS_SYNC_REPLY) {
    const step = decoding.readVarUint(d);
    return { type, step, payload: decoding.readVarUint8Array(d) };
  }
  return { type, step: -1, payload: null };
}

// ---------------------------------------------------------------------------------------------
// Markers

export interface Marker {
  sender: number;
  seq: number;
  sentUs: number;
}

export function marker(sender: number, seq: number, sentUs: number): string {
  return `~B${sender}.${seq}.${sentUs}~`;
}

const TILDE = 0x7e;
const B = 0x42;
const DOT = 0x2e;

/**
 * Calls `found` for every marker in the bytes. Allocation-free: a byte scan for "~B", then three
 * decimal numbers separated by "." and closed by "~"; anything else is skipped.
 */
export function scanMarkers(buf: Uint8Array, found: (sender: number, seq: number, sentUs: number) => void): number {
  let n = 0;
  const end = buf.length;
  let i = 0;
  while (i < end - 7) {
    if (buf[i] !== TILDE || buf[i + 1] !== B) {
      i++;
      continue;
    }
    let j = i + 2;
    const nums = [0, 0, 0];
    let ok = true;
    for (let k = 0; k < 3; k++) {
      const start = j;
      let v = 0;
      while (j < end && buf[j] >= 0x30 && buf[j] <= 0x39) v = v * 10 + (buf[j++] - 0x30);
      if (j === start || j >= end || buf[j] !== (k < 2 ? DOT : TILDE)) {
        ok = false;
        break;
      }
      nums[k] = v;
      j++;
    }
    if (ok) {
      found(nums[0], nums[1], nums[2]);
      n++;
      i = j;
    } else i++;
  }
  return n;
}

/** The same markers through Yjs's own decoder (slow; used to check the scanner). */
export function markersViaYjs(update: Uint8Array): Marker[] {
  const out: Marker[] = [];
  for (const s of Y.decodeUpdate(update).structs) {
    if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentString)) continue;
    for (const m of s.content.str.matchAll(/~B(\d+)\.(\d+)\.(\d+)~/g))
      out.push({ sender: Number(m[1]), seq: Number(m[2]), sentUs: Number(m[3]) });
  }
  return out;
}

/** The machine-wide monotonic clock (CLOCK_MONOTONIC) in microseconds: comparable across processes on one Linux machine. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * The light client's own document: only its own insertions. Each `edit` returns the update that
 * carries the new marker (one Item with one ContentString).
 */
export class OwnDoc {
  private doc: Y.Doc;
  private text: Y.Text;
  private last: Uint8Array | null = null;

  constructor(clientId: number) {
    this.doc = new Y.Doc({ gc: true });
    this.doc.clientID = clientId;
    this.text = this.doc.getText(MARKER_TEXT);
    this.doc.on("update", (u: Uint8Array) => (this.last = u));
  }

  edit(content: string): Uint8Array {
    this.last = null;
    this.text.insert(this.text.length, content);
    if (!this.last) throw new Error("no update emitted");
    return this.last;
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /** What the server lacks of our doc, given its state vector (SyncStep2). */
  diff(serverStateVector: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, serverStateVector);
  }
}
