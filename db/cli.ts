import path from "node:path";
import { loadConfig } from "../server/config";
import { openDatabase } from "./client";
import { migrate } from "./migrate";
import { seedDemo } from "./seed";

// `npm run db:migrate` / `npm run db:seed`. On the embedded database, stop the app first:
// PGlite serves one process at a time.
const command = process.argv[2];
const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.DATA_DIR) });
try {
  const { applied, version } = await migrate(db.sql);
  console.log(applied.length ? `已应用迁移 applied: ${applied.join(", ")}` : "数据库已是最新 (up to date)");
  console.log(`迁移版本 version: ${version}`);
  if (command === "seed") {
    const accounts = await seedDemo(db.sql, config.DEMO_PASSWORD);
    if (accounts.length === 0) console.log("数据库已有用户，未创建演示数据 (users exist; nothing seeded)");
    for (const a of accounts) console.log(`登录名 ${a.username}  ${a.displayName}（${a.role}）  密码 ${a.password}`);
  } else if (command !== "migrate") {
    console.error("用法 usage: tsx db/cli.ts migrate|seed");
    process.exitCode = 2;
  }
} finally {
  await db.close();
}
