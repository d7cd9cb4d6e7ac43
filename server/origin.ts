import type { IncomingHttpHeaders } from "node:http";

/**
 * Whether a request comes from our own pages. Browsers send Origin on form posts and
 * WebSocket handshakes; a missing one (a non-browser client, which carries no cookie of ours
 * from another site) passes, and "null" (sandboxed or privacy-stripped) does not.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
