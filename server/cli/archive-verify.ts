import { existsSync } from "node:fs";
import path from "node:path";
import { openDatabase } from "../../db/client";
import { loadConfig } from "../config";
import { verifyChain } from "../services/archive/chain";

// `npm run archive:verify [-- <组织 id>]`: recomputes every sealed record's SHA-256 from its stored
// text and walks each organisation's chain (docs/decisions/038). Prints the result; exits 1 and
// names every record that no longer matches. On the embedded database stop the app first: PGlite
// serves one process at a time.
const orgId = process.argv[2]?.trim() || undefined;
const config = loadConfig();
const dataDir = path.resolve(config.DATA_DIR);
if (!config.DATABASE_URL && !existsSync(path.join(dataDir, "PG_VERSION"))) {
  console.error(`没有找到数据库：${dataDir} 不是 PGlite 数据目录（请检查 DATA_DIR 或 DATABASE_URL）。`);
  process.exit(1);
}
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir });
try {
  const r = await verifyChain(db.sql, orgId);
  if (r.broken.length === 0) {
    console.log(`会议记录校验通过：${r.organisations} 个组织，${r.records} 条封存记录，内容与摘要一致，链接完整。`);
  } else {
    console.error(`会议记录校验未通过：${r.records} 条封存记录中 ${r.broken.length} 条不一致。`);
    for (const b of r.broken)
      console.error(
        `  · ${b.title ?? "（会议已不存在）"}  会议 ${b.meetingId} 第 ${b.version} 版，组织 ${b.orgId} 链序 ${b.chainSeq}：${b.problems.join("；")}`,
      );
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
