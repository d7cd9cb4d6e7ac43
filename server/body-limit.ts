import type { IncomingMessage } from "node:http";
import type express from "express";
import { STATIC_PAGE_POLICY } from "../shared/csp";
import {
  MATERIALS_UPLOAD_MAX_BYTES,
  MATERIALS_UPLOAD_TOO_LARGE,
  REFLECTION_SUBMIT_MAX_BYTES,
  REFLECTION_TOO_LARGE,
  ROSTER_TOO_LARGE,
  ROSTER_UPLOAD_MAX_BYTES,
} from "../shared/upload-limits";
import { log } from "./logger";

// Request bodies have a size limit, checked before anything reads them (docs/decisions/017): Remix
// reads a form whole into memory, and one anonymous 400 MB POST to /login took the process from
// 1.35 to 5 GB. A body that declares its length is refused on the spot when that is too much; one
// sent in chunks (no Content-Length) is counted as it arrives and held here, never more than its
// limit, until it is complete, so Remix only ever sees a body that fits. Too large: 413 and a short
// page in Chinese, and Remix never runs.

/** Larger bodies some pages post, for signed-in users (an anonymous upload is refused by the route anyway). */
const UPLOADS: { path: RegExp; maxBytes: number; message: string }[] = [
  // `.data`: the same action posted by Remix's client (single fetch).
  {
    path: /^\/meetings\/[^/]+\/edit(\.data)?\/?$/,
    maxBytes: MATERIALS_UPLOAD_MAX_BYTES,
    message: MATERIALS_UPLOAD_TOO_LARGE,
  },
  { path: /^\/orgs\/[^/]+\/import(\.data)?\/?$/, maxBytes: ROSTER_UPLOAD_MAX_BYTES, message: ROSTER_TOO_LARGE },
  {
    // The author's live document posted with the submit form (心得体会, 对照检查材料).
    path: /^\/meetings\/[^/]+\/(reflection|examination)(\.data)?\/?$/,
    maxBytes: REFLECTION_SUBMIT_MAX_BYTES,
    message: REFLECTION_TOO_LARGE,
  },
];

/**
 * After a 413 the rest of the body is read and thrown away (no memory), so a browser still sending
 * it gets to show the page instead of a reset connection; past this long the connection is cut.
 */
const DISCARD_FOR_MS = 5_000;

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The limit for a request: its upload rule for a signed-in user, else the form limit. */
function limitFor(path: string, signedIn: boolean, formMaxBytes: number) {
  const rule = signedIn ? UPLOADS.find((u) => u.path.test(path)) : undefined;
  if (rule) return { maxBytes: Math.max(rule.maxBytes, formMaxBytes), message: rule.message };
  return { maxBytes: formMaxBytes, message: `提交的内容过大（超过 ${mb(formMaxBytes)}），未被接受。请精简后再试。` };
}

/**
 * Mount after the session middleware (it needs to know whether the user is signed in) and before
 * anything that reads the body.
 */
export function bodyLimit({ formMaxBytes }: { formMaxBytes: number }): express.RequestHandler {
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next(); // nothing reads their bodies
    const declared = req.headers["content-length"];
    const chunked = declared === undefined && req.headers["transfer-encoding"] !== undefined;
    if (declared === undefined && !chunked) return next();
    const { maxBytes, message } = limitFor(req.path, Boolean(res.locals.user), formMaxBytes);
    const tooLarge = (received: number) => {
      log.warn("http.body_too_large", { method: req.method, path: req.path, bytes: received, limit: maxBytes });
      refuse(req, res, message);
    };
    if (!chunked) {
      const length = Number(declared);
      return length > maxBytes ? tooLarge(length) : next();
    }
    holdBody(req, maxBytes, (fits, received) => (fits ? next() : tooLarge(received)));
  };
}

type Pushable = IncomingMessage & { push(chunk: Buffer | null): boolean };

/**
 * Collects a chunked body as Node's HTTP parser hands it over (the parser calls the request's
 * `push`), counting it, and gives it to the request stream only once it is complete and within
 * `maxBytes`. Past the limit what is held is dropped, and the rest is thrown away as it arrives.
 */
function holdBody(req: IncomingMessage, maxBytes: number, done: (fits: boolean, received: number) => void) {
  const stream = req as Pushable;
  // What arrived while the session was looked up is already in the stream's buffer.
  let received = stream.readableLength;
  if (received > maxBytes) return done(false, received);
  if (req.complete) return done(true, received);
  const push = stream.push;
  const held: Buffer[] = [];
  let over = false;
  stream.push = (chunk: Buffer | null) => {
    if (chunk === null) {
      stream.push = push;
      if (!over) {
        for (const c of held) push.call(stream, c);
        held.length = 0;
        setImmediate(() => done(true, received)); // outside the parser's callback
      }
      return push.call(stream, null);
    }
    if (over) return true;
    received += chunk.length;
    if (received > maxBytes) {
      over = true;
      held.length = 0;
      done(false, received);
      return true;
    }
    held.push(chunk);
    return true; // keep reading: the parser pauses the socket only when this says so
  };
  // The parser paused the socket if the stream's buffer filled up during the session lookup.
  req.socket.resume();
}

/** Answers 413 with a short page, and throws away the rest of the body for a while. */
function refuse(req: IncomingMessage, res: express.Response, message: string) {
  if (!req.complete) {
    const cut = setTimeout(() => req.socket.destroy(), DISCARD_FOR_MS);
    cut.unref();
    // A kept-alive socket serves later requests: take the listener off again.
    const clear = () => {
      clearTimeout(cut);
      req.socket.off("close", clear);
    };
    req.once("end", clear);
    req.socket.once("close", clear);
  }
  const back = sameOriginReferer(req) ?? "/";
  res
    .status(413)
    .set("Content-Security-Policy", STATIC_PAGE_POLICY)
    .type("html")
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>内容过大 · 同心</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1.25rem;color:#1f2329"><h1 style="font-size:1.25rem">内容过大</h1><p style="color:#646a73;line-height:1.7">${escapeHtml(message)}</p><p><a href="${escapeHtml(back)}" style="color:#b4232a">返回</a></p></body></html>`,
    );
}

/** The page the form was on, when it is ours (a path only). */
function sameOriginReferer(req: IncomingMessage): string | null {
  try {
    const ref = new URL(req.headers.referer ?? "");
    return ref.host === req.headers.host ? ref.pathname + ref.search : null;
  } catch {
    return null;
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c as "&"]);
