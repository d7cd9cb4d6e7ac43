import path from "node:path";
import { openDatabase } from "../../db/client";
import { migrate } from "../../db/migrate";
import { loadConfig } from "../config";
import { seedDemo } from "../demo/seed";

// `npm run db:seed`: migrate, then create the demo branches if the database has no users yet.
// The demo lives in server/ because it schedules its meetings through the scheduling service
// (so its invitees follow the same rules as a secretary's). On the embedded database, stop the
// app first: PGlite serves one process at a time.
const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.DATA_DIR) });
try {
  await migrate(db.sql);
  const accounts = await seedDemo(db.sql, config.DEMO_PASSWORD);
  if (accounts.length === 0) console.log("数据库已有用户，未创建演示数据 (users exist; nothing seeded)");
  for (const a of accounts) console.log(`登录名 ${a.username}  ${a.displayName}（${a.role}）  密码 ${a.password}`);
} finally {
  await db.close();
}
