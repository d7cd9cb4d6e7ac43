import type { Sql } from "../../db/client";

// Failed sign-ins are counted in the database (so every app node sees them) per account and
// per client address. Past the limit within the window, the key is locked for LOCK_MINUTES.
export const LIMITS = {
  account: { failures: 5, windowMinutes: 15, lockMinutes: 15 },
  address: { failures: 30, windowMinutes: 15, lockMinutes: 15 },
} as const;

export type ThrottleKey = { kind: keyof typeof LIMITS; value: string };

const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value}`;

/** Minutes left on the longest active lock among the keys, or 0. */
export async function lockedFor(sql: Sql, keys: ThrottleKey[]): Promise<number> {
  const rows = await sql<{ seconds: number }[]>`
    select greatest(0, extract(epoch from max(locked_until) - now()))::float8 as seconds
    from login_failures where key = any(${keys.map(keyOf)}) and locked_until > now()`;
  const s = rows[0]?.seconds ?? 0;
  return s > 0 ? Math.ceil(s / 60) : 0;
}

export async function recordFailure(sql: Sql, keys: ThrottleKey[]): Promise<void> {
  for (const k of keys) {
    const l = LIMITS[k.kind];
    await sql`
      insert into login_failures as f (key, failures, window_started_at)
      values (${keyOf(k)}, 1, now())
      on conflict (key) do update set
        failures = case when f.window_started_at < now() - make_interval(mins => ${l.windowMinutes})
                        then 1 else f.failures + 1 end,
        window_started_at = case when f.window_started_at < now() - make_interval(mins => ${l.windowMinutes})
                                 then now() else f.window_started_at end`;
    await sql`
      update login_failures set locked_until = now() + make_interval(mins => ${l.lockMinutes}),
        failures = 0, window_started_at = now()
      where key = ${keyOf(k)} and failures >= ${l.failures}`;
  }
}

export async function clearFailures(sql: Sql, key: ThrottleKey): Promise<void> {
  await sql`delete from login_failures where key = ${keyOf(key)}`;
}
