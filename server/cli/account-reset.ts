import { existsSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "../../db/client";
import { loadConfig } from "../config";
import { DomainError } from "../services/errors";
import { RESET_HOURS, resetByOperator } from "../services/people/password-reset";

// `npm run account:reset -- <登录名>`: the operator's password reset, for the people of the top
// organisation (nobody sits above them to do it in the app) or anyone locked out of it. It prints
// a one-time code; the reset is audited (actor: the operator) and the holder is notified. On the
// embedded database stop the app first: PGlite serves one process at a time.
const username = process.argv[2]?.trim();
if (!username) {
  console.error("用法 usage: npm run account:reset -- <登录名>");
  process.exit(2);
}
const config = loadConfig();
const dataDir = path.resolve(config.DATA_DIR);
// Opening PGlite on a missing directory would create an empty database and find nobody.
if (!config.DATABASE_URL && !existsSync(path.join(dataDir, "PG_VERSION"))) {
  console.error(`没有找到数据库：${dataDir} 不是 PGlite 数据目录（请检查 DATA_DIR 或 DATABASE_URL）。`);
  process.exit(1);
}
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
try {
  const r = await resetByOperator(db.sql, username);
  const link = config.PUBLIC_URL ? `${config.PUBLIC_URL.replace(/\/$/, "")}/invite/${r.code}` : `/invite/${r.code}`;
  console.log(
    [
      `已为 ${r.displayName}（登录名 ${r.username}${r.orgNames.length ? "，" + r.orgNames.join("、") : ""}）生成重置密码的一次性码：`,
      "",
      `  ${r.code}`,
      "",
      `${RESET_HOURS} 小时内有效，仅可使用一次；本人打开 ${link}（或在“输入邀请码”页输入此码）设置新密码。`,
      "原密码在新密码设置后失效；本人已收到站内通知，此操作已记入审计日志。",
    ].join("\n"),
  );
} catch (e) {
  if (!(e instanceof DomainError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await db.close();
}
