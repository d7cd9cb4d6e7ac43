import * as Y from "yjs";
import type { Sql } from "../../db/client";
import { log } from "../logger";

interface Pending {
  docName: string;
  data: Uint8Array;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Tail length past which a document's update log is folded into its snapshot. */
export const COMPACT_AFTER = 200;

/**
 * Yjs documents in Postgres: an append-only update log plus a snapshot. Appends are group
 * committed: updates that arrive while a write is in flight go together in the next one, so a
 * busy server makes fewer, larger transactions instead of queueing one per keystroke.
 */
export class DocStore {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private sql: Sql) {}

  /** The stored state as one update (null for a new document) and the length of its tail. */
  async load(docName: string): Promise<{ state: Uint8Array | null; tail: number }> {
    const snap = await this.sql<{ state: Uint8Array; last_update_id: string }[]>`
      select state, last_update_id from doc_snapshots where doc_name = ${docName}`;
    const after = snap[0]?.last_update_id ?? "0";
    const rows = await this.sql<{ data: Uint8Array }[]>`
      select data from doc_updates where doc_name = ${docName} and id > ${after} order by id`;
    const parts = [...(snap[0] ? [snap[0].state] : []), ...rows.map((r) => r.data)];
    if (parts.length === 0) return { state: null, tail: 0 };
    return { state: parts.length === 1 ? parts[0] : Y.mergeUpdates(parts), tail: rows.length };
  }

  /** Resolves once the update is committed. */
  append(docName: string, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ docName, data, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Waits until everything appended so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    // Let updates that arrive in the same tick join the first batch.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        try {
          const rows = batch.map((p) => ({ doc_name: p.docName, data: Buffer.from(p.data) }));
          await this.sql`insert into doc_updates ${this.sql(rows, "doc_name", "data")}`;
          for (const p of batch) p.resolve();
        } catch (e) {
          log.error("collab.persist_failed", { error: e, updates: batch.length });
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /** Folds the update log into the snapshot, so a later load reads one row plus a short tail. Returns how many updates it folded. */
  async compact(docName: string): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      await t`select pg_advisory_xact_lock(hashtext(${docName}))`;
      const snap = await t<{ state: Uint8Array; last_update_id: string }[]>`
        select state, last_update_id from doc_snapshots where doc_name = ${docName}`;
      const after = snap[0]?.last_update_id ?? "0";
      const rows = await t<{ id: string; data: Uint8Array }[]>`
        select id, data from doc_updates where doc_name = ${docName} and id > ${after} order by id`;
      if (rows.length === 0) return 0;
      const doc = new Y.Doc();
      if (snap[0]) Y.applyUpdate(doc, snap[0].state);
      for (const r of rows) Y.applyUpdate(doc, r.data);
      const state = Buffer.from(Y.encodeStateAsUpdate(doc));
      doc.destroy();
      const last = rows[rows.length - 1].id;
      await t`
        insert into doc_snapshots (doc_name, state, last_update_id, updated_at)
        values (${docName}, ${state}, ${last}, now())
        on conflict (doc_name) do update set state = excluded.state,
          last_update_id = excluded.last_update_id, updated_at = now()`;
      await t`delete from doc_updates where doc_name = ${docName} and id <= ${last}`;
      return rows.length;
    })) as number;
  }
}
