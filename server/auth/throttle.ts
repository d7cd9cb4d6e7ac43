import type { Sql } from "../../db/client";
import type { Config } from "../config";

// Guessing a secret (a password, an attendance code) is slowed down, never locked out: a lock
// would let anyone shut the owner out by failing on purpose (docs/decisions/018). Counts live in
// the database (auth_throttle), so every app node sees the same ones, and an attempt is reserved
// (its row locked, the attempt counted as a failure) before the secret is checked, so parallel
// attempts cannot all pass the check that came before any of them failed.

/**
 * A streak of failures on one key: the first `free` pass at once; from then on each further
 * attempt waits `firstDelaySeconds`, doubling per failure up to `maxDelaySeconds`. A streak is
 * forgotten after `forgetAfterSeconds` without a failure (counted from the end of any delay).
 */
export interface DelayRule {
  kind: "delay";
  free: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  forgetAfterSeconds: number;
}

/** At most `max` failures per window of `windowSeconds`, from the first failure in it. */
export interface WindowRule {
  kind: "window";
  max: number;
  windowSeconds: number;
}

export type Rule = DelayRule | WindowRule;

export interface Slot {
  key: string;
  rule: Rule;
}

export interface Throttle {
  /** Per account, for browsers without a device cookie for it. */
  account: DelayRule;
  /** Per device cookie (a stolen one is slowed down like an account). */
  device: DelayRule;
  /** Per client address, whatever the account and cookie. */
  address: WindowRule;
  /** Per person and meeting, for the 6-digit attendance code. */
  attendanceCode: DelayRule;
  deviceDays: number;
  cookieSecure: boolean;
  /** Password verifications since start: the expensive step the throttle bounds (tests read it). */
  passwordChecks: number;
}

/**
 * Wrong 6-digit attendance codes, per person and meeting: a typo or two pass, then 30 s doubling;
 * forgotten a minute after the last wrong one (or the end of its wait).
 */
export const attendanceCodeRule = (free = 5, maxDelaySeconds = 300): DelayRule => ({
  kind: "delay",
  free,
  firstDelaySeconds: 30,
  maxDelaySeconds,
  forgetAfterSeconds: 60,
});

export function createThrottle(config: Config): Throttle {
  const login: DelayRule = {
    kind: "delay",
    free: config.LOGIN_FREE_FAILURES,
    firstDelaySeconds: 1,
    maxDelaySeconds: config.LOGIN_MAX_DELAY_SECONDS,
    forgetAfterSeconds: 15 * 60,
  };
  return {
    account: login,
    device: login,
    address: {
      kind: "window",
      max: config.LOGIN_ADDRESS_FAILURES,
      windowSeconds: config.LOGIN_ADDRESS_WINDOW_MINUTES * 60,
    },
    attendanceCode: attendanceCodeRule(config.CHECKIN_CODE_FREE_FAILURES, config.CHECKIN_CODE_MAX_DELAY_SECONDS),
    deviceDays: config.LOGIN_DEVICE_DAYS,
    cookieSecure: config.cookieSecure,
    passwordChecks: 0,
  };
}

/** The wait after the n-th failure of a streak (0: none). */
export function delayAfter(rule: DelayRule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.firstDelaySeconds * 2 ** (failures - rule.free), rule.maxDelaySeconds);
}

export type Reservation = { ok: true } | { ok: false; key: string; retryAfterSeconds: number };

/** Longest a password or code check may take: a delay slot is held this much longer meanwhile. */
const IN_FLIGHT_SECONDS = 10;

interface Row {
  key: string;
  failures: number;
  windowAge: number;
  wait: number | null;
  quiet: number | null;
}

// Database time throughout (clock_timestamp, not the transaction's start), so nodes with skewed
// clocks agree and a wait for a lock does not shorten a delay.
const rowColumns = (sql: Sql) => sql`
  key, failures,
  extract(epoch from clock_timestamp() - window_started_at)::float8 as "windowAge",
  extract(epoch from next_attempt_at - clock_timestamp())::float8 as wait,
  extract(epoch from clock_timestamp() - greatest(last_failure_at, next_attempt_at))::float8 as quiet`;

const windowOver = (rule: WindowRule, row: Row) => row.windowAge > rule.windowSeconds;

/** Seconds until this slot takes another attempt, or 0. */
function waitFor(rule: Rule, row: Row | undefined): number {
  if (!row) return 0;
  if (rule.kind === "window")
    return !windowOver(rule, row) && row.failures >= rule.max ? rule.windowSeconds - row.windowAge : 0;
  return row.wait !== null && row.wait > 0 ? row.wait : 0;
}

const refusal = (key: string, seconds: number): Reservation => ({
  ok: false,
  key,
  retryAfterSeconds: Math.max(1, Math.ceil(seconds)),
});

class Refused extends Error {
  constructor(readonly reservation: Reservation) {
    super("throttled");
  }
}

/**
 * Reserves one attempt on every slot before the secret is checked: either all slots count it (as
 * a failure, until `attemptSucceeded`) or none does, and the first slot holding attempts back is
 * returned with its wait. A delay slot whose streak has reached the free attempts is held until
 * `attemptFailed` starts its delay, so attempts arriving during a check wait for its outcome.
 * Callers list slots in a fixed order of kinds (address before account), so two attempts never
 * lock the same rows in opposite orders.
 */
export async function reserveAttempt(sql: Sql, slots: Slot[]): Promise<Reservation> {
  // Most attempts during a delay end here, on a plain read, without queueing for the row lock.
  const seen = await sql<
    Row[]
  >`select ${rowColumns(sql)} from auth_throttle where key = any(${slots.map((s) => s.key)})`;
  for (const { key, rule } of slots) {
    const wait = waitFor(
      rule,
      seen.find((r) => r.key === key),
    );
    if (wait > 0) return refusal(key, wait);
  }
  let sweep = false;
  try {
    await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      for (const { key, rule } of slots) {
        await t`insert into auth_throttle (key) values (${key}) on conflict (key) do nothing`;
        const [row] = await t<Row[]>`select ${rowColumns(t)} from auth_throttle where key = ${key} for update`;
        const wait = waitFor(rule, row);
        if (wait > 0) throw new Refused(refusal(key, wait));
        if (rule.kind === "window") {
          const fresh = windowOver(rule, row);
          await t`
            update auth_throttle set failures = ${fresh ? 1 : row.failures + 1}, updated_at = clock_timestamp()
              ${fresh ? t`, window_started_at = clock_timestamp()` : t``}
            where key = ${key}`;
          if (fresh) sweep = true;
        } else {
          const streak = row.quiet === null || row.quiet > rule.forgetAfterSeconds ? 0 : row.failures;
          const hold = delayAfter(rule, streak + 1);
          await t`
            update auth_throttle set failures = ${streak + 1}, last_failure_at = clock_timestamp(),
              updated_at = clock_timestamp(),
              next_attempt_at = ${hold > 0 ? t`clock_timestamp() + make_interval(secs => ${hold + IN_FLIGHT_SECONDS})` : null}
            where key = ${key}`;
        }
      }
    });
  } catch (e) {
    if (e instanceof Refused) return e.reservation;
    throw e;
  }
  // Rows nobody tried for a day are dropped now and then (when a window rolls over), outside
  // the transaction so it never waits on another attempt's locks while holding its own.
  if (sweep) await sql`delete from auth_throttle where updated_at < now() - interval '1 day'`;
  return { ok: true };
}

/** The secret was wrong: a delay slot past its free attempts waits from now on. */
export async function attemptFailed(sql: Sql, slots: Slot[]): Promise<void> {
  for (const { key, rule } of slots) {
    if (rule.kind !== "delay") continue;
    await sql`
      update auth_throttle set next_attempt_at = clock_timestamp() + make_interval(secs =>
        least(${rule.firstDelaySeconds} * power(2, failures - ${rule.free}), ${rule.maxDelaySeconds}))
      where key = ${key} and failures >= ${rule.free}`;
  }
}

/**
 * The secret was right: a delay slot's streak ends; a window slot gives back the attempt it
 * reserved (the window counts failures, not sign-ins).
 */
export async function attemptSucceeded(sql: Sql, slots: Slot[]): Promise<void> {
  const streaks = slots.filter((s) => s.rule.kind === "delay").map((s) => s.key);
  const windows = slots.filter((s) => s.rule.kind === "window").map((s) => s.key);
  if (streaks.length > 0) await sql`delete from auth_throttle where key = any(${streaks})`;
  if (windows.length > 0)
    await sql`update auth_throttle set failures = greatest(failures - 1, 0) where key = any(${windows})`;
}
