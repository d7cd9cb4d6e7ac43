// The Content-Security-Policy of the app's pages. Scripts run only from our own origin or with the
// page's nonce (Remix's inline hydration scripts carry it); styles may be inline (React's style
// attributes, the editor's); nothing is framed by another origin; forms post only to us; live
// documents connect to our own WebSocket endpoint.

export const NONCE_BYTES = 16;

export function pagePolicy(nonce: string, host: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join("; ");
}

/** For pages without any script (the plain error pages). */
export const STATIC_PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'";
