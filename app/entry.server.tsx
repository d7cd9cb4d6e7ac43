import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { pagePolicy } from "../shared/csp";
import { NonceContext } from "./nonce";

// Remix's default Node entry, plus the Content-Security-Policy: the server makes a nonce for each
// request (server/security-headers.ts), Remix's inline scripts carry it, and the page's policy
// allows only those. Bots get the whole page at once; browsers get the shell as soon as it is ready.

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  if (nonce) headers.set("Content-Security-Policy", pagePolicy(nonce, new URL(request.url).host));
  const whole = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const ready = () => {
      shellRendered = true;
      const body = withoutStrayNulBytes();
      headers.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        ...(whole ? { onAllReady: ready } : { onShellReady: ready }),
        onShellError: reject,
        onError(error: unknown) {
          status = 500;
          // Errors in the shell reject and are logged by Remix; later ones only here.
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * React 18's Node renderer encodes text into a 2048-byte buffer and, when a multi-byte character
 * (every Chinese one) would cross its end, stops short yet sends the whole buffer: up to three NUL
 * bytes appear in the page (facebook/react#24985, fixed by #26228 after 18.3.1, which Remix 2
 * pins). A page never holds a NUL of its own (forms refuse them), so they are dropped here.
 */
function withoutStrayNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--;
      done(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}
