import path from "node:path";
import { loadConfig } from "../server/config";
import { openDatabase } from "./client";
import { migrate } from "./migrate";

// `npm run db:migrate` (the demo seed is server/cli/demo-seed.ts: it uses the scheduling service). On the embedded database, stop the app first:
// PGlite serves one process at a time.
const command = process.argv[2];
const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.DATA_DIR) });
try {
  const { applied, version } = await migrate(db.sql);
  console.log(applied.length ? `已应用迁移 applied: ${applied.join(", ")}` : "数据库已是最新 (up to date)");
  console.log(`迁移版本 version: ${version}`);
  if (command !== "migrate") {
    console.error("用法 usage: tsx db/cli.ts migrate");
    process.exitCode = 2;
  }
} finally {
  await db.close();
}
