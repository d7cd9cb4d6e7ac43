import type express from "express";
import { STATIC_PAGE_POLICY } from "../shared/csp";

// A plain page in Chinese for answers given outside Remix (a refused method or content type, a
// broken address, an oversized body, the database away): the app's colours, no script, no
// stack trace, and never the English text of the framework underneath.

export function sendErrorPage(
  res: express.Response,
  status: number,
  title: string,
  text: string,
  link: "home" | "reload" = "home",
) {
  const [href, label] = link === "reload" ? ["", "刷新"] : ["/", "返回首页"];
  res
    .status(status)
    .set("Content-Security-Policy", STATIC_PAGE_POLICY)
    .type("html")
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · 同心</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1.25rem;color:#1f2329"><h1 style="font-size:1.25rem">${title}</h1><p style="color:#5c626b;line-height:1.7">${text}</p><p><a href="${href}" style="color:#b4232a">${label}</a></p></body></html>`,
    );
}
