import { AsyncLocalStorage } from "node:async_hooks";
import type express from "express";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
// Public functions of the Express adapter that its index does not re-export (the package has no
// exports map): the same two calls its own createRequestHandler makes.
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { isBadDataError, isTransientDbError } from "../db/errors";
import { sendErrorPage } from "./error-page";
import { formHasNul } from "./input-guard";
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
        const request = createRemixRequest(req, res);
        // No text field may hold a NUL byte (PostgreSQL cannot store one): refused as a whole.
        if (
          req.method === "POST" &&
          req.is("application/x-www-form-urlencoded") &&
          formHasNul(await request.clone().text())
        )
          return sendErrorPage(res, 400, "无法保存", "提交的内容中有无法识别的字符（空字符），请删除后再提交。");
        const response = await requestErrors.run(errors, () => handle(request, getLoadContext(req, res)));
        // Input the checks before it let through but the database refused as malformed (a value
        // out of range, an impossible date): the person's input, not a fault of ours.
        if (response.status >= 500 && errors.length > 0 && errors.every(isBadDataError)) {
          log.warn("http.bad_data", { path: req.path, error: errors[0] });
          return sendErrorPage(res, 400, "无法保存", "提交的内容格式有误，无法保存，请检查后再试。");
        }
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
