import * as Y from "yjs";
import type { Sql } from "../../db/client";
import { isTransientDbError } from "../../db/errors";
import { log } from "../logger";

interface Pending {
  docName: string;
  data: Uint8Array;
  byPerson: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Up to this many parts, a load merges them with Y.mergeUpdates; more are applied to a scratch Y.Doc. */
const MERGE_MAX_PARTS = 100;

/**
 * One update holding all of `parts` (a snapshot and the log after it, in order). Y.mergeUpdates is
 * quick for a snapshot and a short tail but grows quadratically with the number of updates (20,000
 * keystrokes took 16 s, 100,000 over ten minutes; bench/collab, docs/decisions/015); a long log is
 * applied to a scratch Y.Doc in one transaction instead (100,000 in about 0.5 s).
 */
export function foldUpdates(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  if (parts.length <= MERGE_MAX_PARTS) return Y.mergeUpdates(parts);
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const p of parts) Y.applyUpdate(doc, p);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * When the parts of a document were first stored: per Yjs client, checkpoints [clock reached, epoch
 * ms], ascending. An item (client, clock) was stored at the first checkpoint whose clock is past
 * its own. Exact for the update log; to the minute for what compaction folded (item_times).
 */
export type ItemTimes = Record<string, [number, number][]>;

/** Adds one stored update's items to `times` (updates must come in the order they were stored). */
export function noteItemTimes(times: ItemTimes, update: Uint8Array, at: number, minuteGrain = false) {
  for (const struct of Y.decodeUpdate(update).structs) {
    const key = String(struct.id.client);
    const end = struct.id.clock + struct.length;
    const list = (times[key] ??= []);
    const last = list[list.length - 1];
    if (last && end <= last[0]) continue; // already stored earlier (a resync, a repeat)
    if (last && minuteGrain && Math.floor(last[1] / 60_000) === Math.floor(at / 60_000)) last[0] = end;
    else list.push([end, at]);
  }
}

/** The time an item was first stored, or null if unknown. */
export function itemStoredAt(times: ItemTimes, client: number, clock: number): number | null {
  const list = times[String(client)];
  if (!list) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid][0] > clock) hi = mid;
    else lo = mid + 1;
  }
  return lo < list.length ? list[lo][1] : null;
}

/** Tail length past which a document's update log is folded into its snapshot. */
export const COMPACT_AFTER = 200;
/** How long a batch of updates is retried while the database is unreachable before its rooms fail. */
export const APPEND_RETRY_MS = 30_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Yjs documents in Postgres: an append-only update log plus a snapshot. Appends are group
 * committed: updates that arrive while a write is in flight go together in the next one, so a
 * busy server makes fewer, larger transactions instead of queueing one per keystroke.
 */
export class DocStore {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private sql: Sql,
    private options: { retryForMs: number } = { retryForMs: APPEND_RETRY_MS },
  ) {}

  /** The stored state as one update (null for a new document) and the length of its tail. */
  async load(docName: string): Promise<{ state: Uint8Array | null; tail: number }> {
    // One statement, so one view of the database: a compaction by another node cannot fold rows
    // between reading the snapshot and reading the log after it.
    const rows = await this.sql<{ snapshot: boolean; data: Uint8Array }[]>`
      with snap as (select state, last_update_id from doc_snapshots where doc_name = ${docName})
      select true as snapshot, state as data, 0::bigint as id from snap
      union all
      select false, u.data, u.id from doc_updates u
      where u.doc_name = ${docName} and u.id > coalesce((select last_update_id from snap), 0)
      order by snapshot desc, id`;
    const parts = rows.map((r) => r.data);
    const tail = rows.filter((r) => !r.snapshot).length;
    if (parts.length === 0) return { state: null, tail: 0 };
    return { state: foldUpdates(parts), tail };
  }

  /** When each stored part of the document was first stored (folded history to the minute). */
  async itemTimes(docName: string): Promise<ItemTimes> {
    const rows = await this.sql<{ snapshot: boolean; data: Uint8Array | null; times: ItemTimes | null; at: Date }[]>`
      with snap as (select item_times, last_update_id, updated_at from doc_snapshots where doc_name = ${docName})
      select true as snapshot, null::bytea as data, item_times as times, updated_at as at, 0::bigint as id from snap
      union all
      select false, u.data, null, u.created_at, u.id from doc_updates u
      where u.doc_name = ${docName} and u.id > coalesce((select last_update_id from snap), 0)
      order by snapshot desc, id`;
    const times: ItemTimes = structuredClone(rows.find((r) => r.snapshot)?.times ?? {});
    for (const r of rows) if (!r.snapshot && r.data) noteItemTimes(times, r.data, r.at.getTime());
    return times;
  }

  /**
   * Resolves once the update is committed. `byPerson`: it came from an editor's connection, not
   * from the system (the seeded outline, the minutes header, a vote's decision).
   */
  append(docName: string, data: Uint8Array, byPerson = false): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ docName, data, byPerson, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Waits until everything appended so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    // Updates appended in the same microtask join the first batch; the rest of the event-loop turn's
    // go in the next one, as soon as this one commits. Not setImmediate: postgres.js sends a small
    // query on setImmediate itself, which from inside a check-phase callback waits for the next loop
    // iteration, behind a whole round of socket reads (docs/decisions/015).
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        try {
          await this.insertWithRetry(batch);
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

  /**
   * Inserts one batch. A lost connection or a restarting server (transient errors) is retried
   * with backoff for up to `retryForMs`; later batches wait behind it, so the order holds. A retry
   * after a commit whose answer was lost stores the updates twice, which Yjs ignores on load.
   */
  private async insertWithRetry(batch: Pending[]) {
    const rows = batch.map((p) => ({ doc_name: p.docName, data: Buffer.from(p.data), by_person: p.byPerson }));
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sql`insert into doc_updates ${this.sql(rows, "doc_name", "data", "by_person")}`;
        if (attempt > 1) log.info("collab.persist_recovered", { attempts: attempt, updates: batch.length });
        return;
      } catch (e) {
        const wait = Math.min(RETRY_MIN_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
        if (!isTransientDbError(e) || Date.now() - started + wait > this.options.retryForMs) throw e;
        log.warn("collab.persist_retry", { attempt, updates: batch.length, waitMs: wait, error: e });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Folds the update log into the snapshot, so a later load reads one row plus a short tail. Returns how many updates it folded. */
  async compact(docName: string): Promise<number> {
    return (await this.sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      await t`select pg_advisory_xact_lock(hashtext(${docName}))`;
      // Wait for appends in flight and hold new ones until commit: with several nodes writing, an
      // update whose id is below the last one folded could still commit afterwards and then be
      // skipped by every load (they read ids above the snapshot's). Compactions are rare and short.
      await t`lock table doc_updates in share row exclusive mode`;
      const snap = await t<
        { state: Uint8Array; last_update_id: string; item_times: ItemTimes; person_edited: boolean }[]
      >`select state, last_update_id, item_times, person_edited from doc_snapshots where doc_name = ${docName}`;
      const after = snap[0]?.last_update_id ?? "0";
      const rows = await t<{ id: string; data: Uint8Array; created_at: Date; by_person: boolean }[]>`
        select id, data, created_at, by_person from doc_updates where doc_name = ${docName} and id > ${after} order by id`;
      if (rows.length === 0) return 0;
      // Folding forgets when each update was stored: keep it, to the minute, beside the state.
      const times: ItemTimes = snap[0]?.item_times ?? {};
      for (const r of rows) noteItemTimes(times, r.data, r.created_at.getTime(), true);
      const doc = new Y.Doc();
      doc.transact(() => {
        if (snap[0]) Y.applyUpdate(doc, snap[0].state);
        for (const r of rows) Y.applyUpdate(doc, r.data);
      });
      const state = Buffer.from(Y.encodeStateAsUpdate(doc));
      doc.destroy();
      const last = rows[rows.length - 1].id;
      const personEdited = (snap[0]?.person_edited ?? false) || rows.some((r) => r.by_person);
      await t`
        insert into doc_snapshots (doc_name, state, last_update_id, updated_at, item_times, person_edited)
        values (${docName}, ${state}, ${last}, now(), ${t.json(times as never)}, ${personEdited})
        on conflict (doc_name) do update set state = excluded.state,
          last_update_id = excluded.last_update_id, updated_at = now(), item_times = excluded.item_times,
          person_edited = excluded.person_edited`;
      await t`delete from doc_updates where doc_name = ${docName} and id <= ${last}`;
      return rows.length;
    })) as number;
  }
}

// ------------------------------------------------------------------------------------------------
// Reads for the services. The update log and the snapshots are this module's tables: services ask
// these questions instead of reading them (and the view live_doc_person_edits, migration 016, is
// the read model for questions asked inside a larger query).

/**
 * The stored state of each document, by name, as one update: snapshot plus the updates after it,
 * for all names in one query. What a live room has not yet written (a fraction of a second) is not
 * seen; a name never stored is absent.
 */
export async function storedStates(sql: Sql, docNames: string[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (docNames.length === 0) return out;
  const rows = await sql<{ doc_name: string; data: Uint8Array }[]>`
    select doc_name, data from (
      select s.doc_name, s.state as data, 0 as part, 0::bigint as id from doc_snapshots s
      where s.doc_name = any(${docNames})
      union all
      select u.doc_name, u.data, 1 as part, u.id from doc_updates u left join doc_snapshots s on s.doc_name = u.doc_name
      where u.doc_name = any(${docNames}) and u.id > coalesce(s.last_update_id, 0)
    ) parts order by doc_name, part, id`;
  let name = "";
  let parts: Uint8Array[] = [];
  const finish = () => {
    if (parts.length > 0) out.set(name, foldUpdates(parts));
  };
  for (const r of rows) {
    if (r.doc_name !== name) {
      finish();
      name = r.doc_name;
      parts = [];
    }
    parts.push(r.data);
  }
  finish();
  return out;
}

/**
 * Stores what a person wrote outside a live room (the demo's minutes of its past meetings). The
 * document must not be open in a room: a room that loaded it before would not see this.
 */
export async function storeWritten(sql: Sql, docName: string, update: Uint8Array): Promise<void> {
  await sql`insert into doc_updates (doc_name, data, by_person) values (${docName}, ${Buffer.from(update)}, true)`;
}

/** Which of these documents a person has written in (not only the system's outline or header). */
export async function writtenByPeople(sql: Sql, docNames: string[]): Promise<Set<string>> {
  if (docNames.length === 0) return new Set();
  const rows = await sql<{ doc_name: string }[]>`
    select distinct doc_name from live_doc_person_edits where doc_name = any(${docNames})`;
  return new Set(rows.map((r) => r.doc_name));
}
