import { randomBytes } from "node:crypto";
import type express from "express";
import { NONCE_BYTES } from "../shared/csp";

// Headers on every response: no framing by other origins (clickjacking), no content-type
// sniffing, no full addresses leaked to other sites. Pages add their Content-Security-Policy
// with the nonce made here (app/entry.server.tsx); file previews keep their own stricter one.

export function securityHeaders(opts: { nonce: boolean }): express.RequestHandler {
  return (_req, res, next) => {
    res.set({
      "X-Frame-Options": "SAMEORIGIN",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    if (opts.nonce) res.locals.cspNonce = randomBytes(NONCE_BYTES).toString("base64");
    next();
  };
}
