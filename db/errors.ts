/**
 * Database errors worth retrying: the connection (postgres.js and Node socket codes, SQLSTATE class
 * 08), a server shutting down, restarting or out of resources (57P01–57P03, class 53), and
 * serialization or deadlock failures. Anything else (a bad statement, bad data) is final.
 */
export function isTransientDbError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return (
    code.startsWith("08") ||
    code.startsWith("53") ||
    ["57P01", "57P02", "57P03", "40001", "40P01"].includes(code) ||
    TRANSIENT_CODES.has(code)
  );
}

const TRANSIENT_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOENT", // a server on a Unix socket that is restarting (its socket file is gone meanwhile)
]);

/**
 * Runs an idempotent read again after a transient failure, waiting `waitsMs[i]` before retry i+1:
 * the first query after a PostgreSQL restart may still meet a connection the server closed.
 */
export async function retryTransient<T>(run: () => Promise<T>, waitsMs: readonly number[] = [100, 400]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= waitsMs.length || !isTransientDbError(e)) throw e;
      await new Promise((r) => setTimeout(r, waitsMs[attempt]));
    }
  }
}

/**
 * The database refused a value itself (SQLSTATE class 22: an invalid uuid or date, a NUL byte, a
 * number out of range), or an address could not be decoded: bad input that got past the forms'
 * checks, answered as a 400, not a fault.
 */
export function isBadDataError(e: unknown): boolean {
  if (e instanceof URIError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22");
}
