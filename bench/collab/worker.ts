import WebSocket from "ws";
import { Histogram, type HistogramData } from "./histogram";
import {
  MSG_AUTH,
  MSG_AWARENESS,
  MSG_HOCUS_SYNC_REPLY,
  MSG_SYNC,
  OwnDoc,
  STEP1,
  STEP2,
  UPDATE,
  awarenessMessage,
  awarenessUpdate,
  hocusAuthMessage,
  marker,
  nowUs,
  parse,
  scanMarkers,
  syncMessage,
  type Dialect,
} from "./wire";

// One load-generator process (started by bench/collab/run.ts with child_process.fork). It holds
// some of the light clients of a scenario, connects them, makes each edit on its own timer, and
// records for every marker it receives from another client the time since it was sent. It talks
// to the harness over the IPC channel only; see the message types below.

export interface ClientSpec {
  /** Index in the whole scenario; also picks the Yjs client id. */
  gid: number;
  url: string;
  docName: string;
  /** Index of the client within its document (the marker's sender number). */
  local: number;
  /** Number of clients in the document. */
  docSize: number;
  /** Server nodes the document's clients are spread over (client `local` is on node local % nodes). */
  nodes: number;
  headers: Record<string, string>;
  clientId: number;
}

export type ToWorker =
  | {
      t: "setup";
      dialect: Dialect;
      clients: ClientSpec[];
      intervalMs: number;
      awarenessOnEdit: boolean;
      concurrency: number;
      connectTimeoutMs: number;
    }
  | { t: "clock" }
  | { t: "go"; startUs: number; warmEndUs: number; endUs: number }
  | { t: "poll" }
  | { t: "finish" };

export interface DocCounts {
  sent: number;
  unique: number;
  dup: number;
  reorder: number;
}

export interface WorkerResult {
  t: "result";
  hist: HistogramData;
  crossHist: HistogramData;
  docs: Record<string, DocCounts>;
  /** Update messages that carried at least one marker of another client, and those markers. */
  updateMsgs: number;
  markers: number;
  /** Markers of the receiving client itself (a server that sends an update back to its sender). */
  selfEchoes: number;
  awarenessMsgs: number;
  bytesReceived: number;
  closedEarly: number;
  denied: number;
  cpuSeconds: number;
}

export type FromWorker =
  | { t: "ready"; connected: number; failed: number; errors: string[]; connectMs: number[] }
  | { t: "clock"; us: number }
  | { t: "poll"; unique: number; sent: number }
  | WorkerResult;

const send = (m: FromWorker) => process.send!(m);

let dialect: Dialect = "y";
let intervalMs = 500;
let awarenessOnEdit = false;
let warmEndUs = Infinity;
let endUs = Infinity;
let finishing = false;
const hist = new Histogram();
/** Deliveries whose sender is connected to another node than the receiver (several nodes only). */
const crossHist = new Histogram();
const stats = { updateMsgs: 0, markers: 0, selfEchoes: 0, awarenessMsgs: 0, bytes: 0, closedEarly: 0, denied: 0 };
const clients: Client[] = [];
let cpuAtGo: NodeJS.CpuUsage | null = null;

class Client {
  ws!: WebSocket;
  own: OwnDoc;
  seq = 0;
  synced = false;
  private next: Int32Array;
  private max: Int32Array;
  private extra: (Set<number> | undefined)[];
  unique = 0;
  dup = 0;
  reorder = 0;
  private awarenessClock = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(readonly spec: ClientSpec) {
    this.own = new OwnDoc(spec.clientId);
    this.next = new Int32Array(spec.docSize);
    this.max = new Int32Array(spec.docSize).fill(-1);
    this.extra = new Array(spec.docSize);
  }

  connect(timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.spec.url, { headers: this.spec.headers, perMessageDeflate: false });
      this.ws = ws;
      ws.binaryType = "nodebuffer";
      const timer = setTimeout(() => {
        reject(new Error(`no sync within ${timeoutMs} ms`));
        ws.terminate();
      }, timeoutMs);
      ws.on("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`upgrade answered ${res.statusCode}`));
        ws.terminate();
      });
      ws.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.on("open", () => {
        const name = this.spec.docName;
        if (dialect === "hocus") ws.send(hocusAuthMessage(name, "bench"));
        ws.send(syncMessage(dialect, name, STEP1, this.own.stateVector()));
        this.sendAwareness();
      });
      ws.on("close", () => {
        if (!finishing && this.synced) stats.closedEarly++;
      });
      ws.on("message", (data: Buffer) => {
        const at = nowUs();
        stats.bytes += data.byteLength;
        const m = parse(dialect, data);
        if (m.type === MSG_SYNC || m.type === MSG_HOCUS_SYNC_REPLY) {
          if (m.step === STEP1) ws.send(syncMessage(dialect, this.spec.docName, STEP2, this.own.diff(m.payload!)));
          else if (m.step === STEP2) {
            if (!this.synced) {
              this.synced = true;
              clearTimeout(timer);
              resolve(performance.now() - t0);
            }
          } else if (m.step === UPDATE) this.received(m.payload!, at);
        } else if (m.type === MSG_AWARENESS) stats.awarenessMsgs++;
        else if (m.type === MSG_AUTH && dialect === "y") stats.denied++; // permission denied (read-only)
      });
    });
  }

  private received(update: Uint8Array, at: number) {
    let others = 0;
    scanMarkers(update, (sender, seq, sentUs) => {
      if (sender === this.spec.local) {
        stats.selfEchoes++;
        return;
      }
      if (sender >= this.spec.docSize) return;
      others++;
      const next = this.next[sender];
      const ex = this.extra[sender];
      if (seq < next || ex?.has(seq)) {
        this.dup++;
        return;
      }
      this.unique++;
      if (seq < this.max[sender]) this.reorder++;
      else this.max[sender] = seq;
      if (seq === next) {
        let n = next + 1;
        while (ex?.delete(n)) n++;
        this.next[sender] = n;
      } else (this.extra[sender] ??= new Set()).add(seq);
      if (sentUs >= warmEndUs && sentUs < endUs) {
        hist.add(at - sentUs);
        const nodes = this.spec.nodes;
        if (nodes > 1 && sender % nodes !== this.spec.local % nodes) crossHist.add(at - sentUs);
      }
    });
    if (others > 0) {
      stats.updateMsgs++;
      stats.markers += others;
    }
  }

  private sendAwareness(cursor: number | null = null) {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const state = { user: { name: `bench ${this.spec.gid}`, color: "#3366cc" }, cursor };
    const u = awarenessUpdate(this.spec.clientId, ++this.awarenessClock, state);
    this.ws.send(awarenessMessage(dialect, this.spec.docName, u));
  }

  start(startUs: number) {
    const offsetUs = Math.random() * intervalMs * 1000;
    let k = 0;
    const tick = () => {
      const due = startUs + offsetUs + k * intervalMs * 1000;
      if (due >= endUs || finishing) return;
      const wait = (due - nowUs()) / 1000;
      const t = setTimeout(
        () => {
          this.edit();
          k++;
          tick();
        },
        Math.max(0, wait),
      );
      this.timers[0] = t;
    };
    tick();
    // y-protocols' Awareness renews the local state every 15 s; so do we, at a random phase.
    const renew = setTimeout(() => {
      this.sendAwareness();
      this.timers[1] = setInterval(() => this.sendAwareness(), 15_000);
    }, Math.random() * 15_000);
    this.timers[2] = renew;
  }

  private edit() {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const seq = this.seq++;
    const update = this.own.edit(marker(this.spec.local, seq, nowUs()));
    this.ws.send(syncMessage(dialect, this.spec.docName, UPDATE, update));
    if (awarenessOnEdit) this.sendAwareness(seq);
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
  }
}

async function setup(m: Extract<ToWorker, { t: "setup" }>) {
  dialect = m.dialect;
  intervalMs = m.intervalMs;
  awarenessOnEdit = m.awarenessOnEdit;
  for (const spec of m.clients) clients.push(new Client(spec));
  const errors: string[] = [];
  const connectMs: number[] = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(m.concurrency, clients.length) }, async () => {
      while (next < clients.length) {
        const c = clients[next++];
        try {
          connectMs.push(await c.connect(m.connectTimeoutMs));
        } catch (e) {
          failed++;
          if (errors.length < 5) errors.push(`${c.spec.docName} #${c.spec.local}: ${(e as Error).message}`);
        }
      }
    }),
  );
  send({ t: "ready", connected: clients.length - failed, failed, errors, connectMs });
}

function totals() {
  let unique = 0;
  let sent = 0;
  for (const c of clients) {
    unique += c.unique;
    sent += c.seq;
  }
  return { unique, sent };
}

async function finish() {
  finishing = true;
  const cpu = cpuAtGo ? process.cpuUsage(cpuAtGo) : process.cpuUsage();
  const docs: Record<string, DocCounts> = {};
  for (const c of clients) {
    c.stop();
    const d = (docs[c.spec.docName] ??= { sent: 0, unique: 0, dup: 0, reorder: 0 });
    d.sent += c.seq;
    d.unique += c.unique;
    d.dup += c.dup;
    d.reorder += c.reorder;
  }
  const result: WorkerResult = {
    t: "result",
    hist: hist.toJSON(),
    crossHist: crossHist.toJSON(),
    docs,
    updateMsgs: stats.updateMsgs,
    markers: stats.markers,
    selfEchoes: stats.selfEchoes,
    awarenessMsgs: stats.awarenessMsgs,
    bytesReceived: stats.bytes,
    closedEarly: stats.closedEarly,
    denied: stats.denied,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  send(result);
  for (const c of clients) c.ws?.terminate();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on("message", (m: ToWorker) => {
  switch (m.t) {
    case "setup":
      void setup(m);
      return;
    case "clock":
      send({ t: "clock", us: nowUs() });
      return;
    case "go":
      warmEndUs = m.warmEndUs;
      endUs = m.endUs;
      cpuAtGo = process.cpuUsage();
      for (const c of clients) if (c.synced) c.start(m.startUs);
      return;
    case "poll":
      send({ t: "poll", ...totals() });
      return;
    case "finish":
      void finish();
      return;
  }
});
process.on("disconnect", () => process.exit(0));
