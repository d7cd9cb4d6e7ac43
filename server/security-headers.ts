import { randomBytes } from "node:crypto";
import type express from "express";
import { NONCE_BYTES } from "../shared/csp";

// Headers on every response: no framing by other origins (clickjacking), no content-type
// sniffing, no full addresses leaked to other sites. Pages add their Content-Security-Policy
// with the nonce made here (app/entry.server.tsx); file previews keep their own stricter one.

const DEFAULTS = {
  "X-Frame-Options": "SAMEORIGIN",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export function securityHeaders(opts: { nonce: boolean }): express.RequestHandler {
  return (_req, res, next) => {
    // Set as the headers go out, only where the response did not set its own (a file preview
    // sends a stricter policy; Remix appends a route's headers, which would double ours).
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      for (const [name, value] of Object.entries(DEFAULTS)) if (!this.hasHeader(name)) this.setHeader(name, value);
      return writeHead.apply(this, args);
    } as typeof writeHead;
    if (opts.nonce) res.locals.cspNonce = randomBytes(NONCE_BYTES).toString("base64");
    next();
  };
}
