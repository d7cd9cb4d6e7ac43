import { AsyncLocalStorage } from "node:async_hooks";
import type express from "express";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
// Public functions of the Express adapter that its index does not re-export (the package has no
// exports map): the same two calls its own createRequestHandler makes.
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { isTransientDbError } from "../db/errors";
import { log } from "./logger";

/** Waits before handling a page read again after a database connection was lost. */
const RETRY_WAITS_MS = [100, 400];

/** The errors Remix reported while handling the current request. */
const requestErrors = new AsyncLocalStorage<unknown[]>();

type Build = ServerBuild | (() => Promise<ServerBuild>);

/** Remix's error hook, also noting each error for the retry below. */
function noteErrors(build: ServerBuild): ServerBuild {
  const own = build.entry.module.handleError;
  const handleError: typeof own = (error, args) => {
    requestErrors.getStore()?.push(error);
    if (own) own(error, args);
    else if (!args.request.signal.aborted)
      (isTransientDbError(error) ? log.warn : log.error)("remix.error", { url: args.request.url, error });
  };
  return { ...build, entry: { ...build.entry, module: { ...build.entry.module, handleError } } };
}

/**
 * `@remix-run/express`'s handler, plus one thing: a GET or HEAD whose loaders failed only because a
 * database connection was lost (after a PostgreSQL restart a pooled connection can fail once, see
 * db/errors.ts) is handled again, twice at most, before an error page is sent. Writes never are.
 */
export function remixHandler(options: {
  build: Build;
  mode: string;
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext;
}): express.RequestHandler {
  const { build, mode, getLoadContext } = options;
  const handle = createRequestHandler(
    typeof build === "function" ? async () => noteErrors(await build()) : noteErrors(build),
    mode,
  );
  return async (req, res, next) => {
    const waits = req.method === "GET" || req.method === "HEAD" ? RETRY_WAITS_MS : [];
    try {
      for (let attempt = 0; ; attempt++) {
        const errors: unknown[] = [];
        const response = await requestErrors.run(errors, () =>
          handle(createRemixRequest(req, res), getLoadContext(req, res)),
        );
        if (response.status >= 500 && attempt < waits.length && errors.some(isTransientDbError)) {
          log.warn("http.retry", { path: req.path, attempt: attempt + 1 });
          await new Promise((r) => setTimeout(r, waits[attempt]));
          continue;
        }
        await sendRemixResponse(res, response);
        return;
      }
    } catch (e) {
      next(e);
    }
  };
}
