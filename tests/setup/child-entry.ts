// A Tongxin in its own process, for tests that kill it (SIGKILL) or watch it survive a fault:
// started by tests/setup/child.ts with `node --import tsx`, configured by the environment it gets
// (PORT, DATABASE_URL or DATA_DIR, HOLD_LOADS, …). It prints `TONGXIN_URL <url>` once it listens, and answers
// the parent over the IPC channel:
//   { id, op: "query", text, params }  → { id, rows }          (the app's own connection)
//   { id, op: "hold-loads" }           → { id }                (documents stop loading until released)
//   { id, op: "release-loads" }        → { id }
//   { id, op: "load", doc }            → { id, state: Uint8Array | null }   (the stored document)
import { startTongxin } from "../../server/app";
import { loadConfig } from "../../server/config";

interface Request {
  id: number;
  op: "query" | "hold-loads" | "release-loads" | "load";
  text?: string;
  params?: unknown[];
  doc?: string;
}

const config = loadConfig({ ...process.env, HOST: "127.0.0.1", REMINDERS: "off" });
const app = await startTongxin({ config, mode: "production" });

// A gate in front of DocStore.load: while held, a room that opens stays "loading", so a test can
// act during that window deterministically.
const store = app.collab.store;
const load = store.load.bind(store);
let gate: { promise: Promise<void>; open: () => void } | null = null;
const hold = () => {
  if (gate) return;
  let open = () => {};
  const promise = new Promise<void>((r) => (open = r));
  gate = { promise, open };
};
// HOLD_LOADS=1: held from the start, e.g. to read the stored state before reconnecting clients add to it.
if (process.env.HOLD_LOADS === "1") hold();
store.load = async (docName) => {
  if (gate) await gate.promise;
  return load(docName);
};

const url = await app.listen();

process.on("message", (m: Request) => {
  const answer = (body: Record<string, unknown>) => process.send?.({ id: m.id, ...body });
  const run = async () => {
    switch (m.op) {
      case "query":
        return { rows: [...(await app.db.sql.unsafe(m.text!, (m.params ?? []) as never[]))] };
      case "hold-loads":
        hold();
        return {};
      case "release-loads":
        gate?.open();
        gate = null;
        return {};
      case "load": {
        const { state } = await load(m.doc!);
        return { state };
      }
    }
  };
  run().then(answer, (e: unknown) => answer({ error: e instanceof Error ? e.message : String(e) }));
});

process.on("SIGTERM", () => {
  void app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

console.log(`TONGXIN_URL ${url}`);
