import type express from "express";
import { sendErrorPage } from "./error-page";

// What reaches the app at all. Pages are read with GET (and HEAD) and forms are posted with
// POST as a browser sends them; anything else is refused here, in Chinese, before a route
// could trip over it (a 500, or the framework's English).

const METHODS = new Set(["GET", "HEAD", "POST"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

export const inputGuard: express.RequestHandler = (req, res, next) => {
  if (!METHODS.has(req.method)) {
    res.set("Allow", "GET, HEAD, POST");
    return sendErrorPage(res, 405, "不支持的请求方式", "页面只能打开或提交表单。");
  }
  // Broken percent-escapes (%ff, half a character) and NUL bytes in the address.
  let path: string;
  let query: string;
  try {
    const raw = req.originalUrl;
    const q = raw.indexOf("?");
    path = decodeURIComponent(q < 0 ? raw : raw.slice(0, q));
    query = q < 0 ? "" : decodeURIComponent(raw.slice(q + 1).replace(/\+/g, " "));
  } catch {
    return sendErrorPage(res, 400, "网址有误", "网址中有无法识别的字符，请检查链接是否完整。");
  }
  if (path.includes("\0") || query.includes("\0"))
    return sendErrorPage(res, 400, "网址有误", "网址中有无法识别的字符（空字符），请检查链接是否完整。");
  if (req.method === "POST") {
    // An empty post without a type (a bare sign-out button from a script) is an empty form.
    if (req.headers["content-type"] === undefined && Number(req.headers["content-length"] ?? 0) === 0)
      req.headers["content-type"] = "application/x-www-form-urlencoded";
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!FORM_TYPES.includes(type))
      return sendErrorPage(res, 415, "无法处理的提交", "这里只接受网页表单的提交，请在页面上填写后再提交。");
  }
  next();
};

/** A form's url-encoded body carries a NUL byte (as %00 or raw): no text field may hold one. */
export function formHasNul(body: string): boolean {
  return body.includes("\0") || /%00/i.test(body);
}
