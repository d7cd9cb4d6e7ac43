import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** Whether a proxy at this address is believed (Express's compiled `trust proxy` setting). */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The scheme the member's browser used: https when this server speaks TLS itself, or when a
 * trusted proxy in front of it says so (X-Forwarded-Proto); http otherwise.
 */
export function requestScheme(req: IncomingMessage, trust: TrustProxy): "http" | "https" {
  if ((req.socket as TLSSocket).encrypted) return "https";
  const forwarded = req.headers["x-forwarded-proto"];
  if (typeof forwarded === "string" && trust(req.socket.remoteAddress ?? "", 0))
    return forwarded.split(",")[0].trim().toLowerCase() === "https" ? "https" : "http";
  return "http";
}

/**
 * Whether a request comes from our own pages: its Origin has our host and the scheme the browser
 * used (an http:// page of the same host is another origin). Browsers send Origin on form posts
 * and WebSocket handshakes; a missing one (a non-browser client, which carries no cookie of ours
 * from another site) passes, and "null" (sandboxed or privacy-stripped) does not.
 */
export function isSameOrigin(req: IncomingMessage, trust: TrustProxy): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.host === req.headers.host && u.protocol === `${requestScheme(req, trust)}:`;
  } catch {
    return false;
  }
}
