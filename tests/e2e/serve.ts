import type { RequestListener, Server } from "node:http";
import type { Sql } from "../../db/client";
import { startTongxin } from "../../server/app";
import { ensureBuild } from "../../server/build";
import { loadConfig } from "../../server/config";
import { createTestDatabase } from "../setup/database";
import { sendRectificationReminders } from "../../server/services/life/rectification-reminders";

// The app for the browser tests: the production build on a fresh, seeded database
// (PGlite, or a new database on TEST_DATABASE_URL's server), removed again on exit.
// A second shard's server waits for the first to answer, so only one of them builds the app or
// the database template when those are stale (playwright.config.ts).
if (process.env.E2E_AFTER) await firstShardUp(process.env.E2E_AFTER);
ensureBuild(process.cwd(), (m) => console.log(m));
const db = await createTestDatabase();
// Reminders off, so the seed's upcoming meetings add no notifications the specs do not expect.
const config = loadConfig({ ...process.env, ...db.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", REMINDERS: "off" });
const app = await startTongxin({ config, mode: "production" });
exposeSql(app.server, app.db.sql);
console.log(`e2e server on ${await app.listen()}`);

const stop = async () => {
  await app.close();
  await db.drop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

/**
 * Test only: POST /__e2e/sql with {"query": "...", "params": [...]} runs one statement on this
 * server's database and answers its rows as JSON, so a spec can set up what no page makes yet
 * (a meeting about to start and its list of invitees). Answered before the app sees the request;
 * this server listens on 127.0.0.1 and exists only for the browser tests.
 */
function exposeSql(server: Server, sql: Sql) {
  const app = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    // Test only: one run of the 整改清单 reminders (the timer is off here), answering what it sent.
    if (req.url === "/__e2e/rectification-reminders" && req.method === "POST") {
      sendRectificationReminders(sql)
        .then((sent) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(sent)))
        .catch((e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(e.message));
      return;
    }
    if (req.url !== "/__e2e/sql" || req.method !== "POST") {
      for (const l of app) l(req, res);
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const { query, params = [] } = JSON.parse(body) as { query: string; params?: unknown[] };
      sql
        .unsafe(query, params as never[])
        .then((rows) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows)))
        .catch((e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(e.message));
    });
  });
}

async function firstShardUp(url: string) {
  for (let i = 0; i < 340; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the first e2e server (${url}) never answered`);
}
