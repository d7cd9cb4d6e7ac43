import { CHINA_TIME_ZONE } from "../shared/time";
import { demoSignIns } from "./demo/seed";
import { startTongxin } from "./app";
import { ensureBuild } from "./build";
import { loadConfig } from "./config";
import { lanLine } from "./lan";
import { log } from "./logger";

// The Node entry: `npm start` (build if needed, then serve the build) or `npm run dev` (Vite).
async function main() {
  const dev = process.argv.includes("--dev");
  const config = loadConfig({ ...process.env, NODE_ENV: dev ? "development" : (process.env.NODE_ENV ?? "production") });
  const root = process.cwd();
  if (!dev) ensureBuild(root, (m) => console.log(m));

  const app = await startTongxin({ config, mode: dev ? "development" : "production", root });
  const url = await app.listen();

  const lines = [
    "",
    `同心 Tongxin 已启动: ${url}`,
    // A phone on the same network cannot open localhost: the LAN address, unless PUBLIC_URL says where.
    ...(config.PUBLIC_URL ? [] : [lanLine(config.HOST, Number(new URL(url).port))]),
    `  数据库 database: ${app.db.kind === "pglite" ? `内置 PGlite (${config.DATA_DIR})` : "PostgreSQL (DATABASE_URL)"}`,
  ];
  const demo =
    app.seeded.length > 0 || !config.SEED_DEMO ? app.seeded : await demoSignIns(app.db.sql, config.DEMO_PASSWORD);
  if (demo.length > 0) {
    lines.push(
      app.seeded.length > 0
        ? "  已创建演示支部「机关第一党支部」「机关第二党支部」，演示账号 (demo sign-ins):"
        : "  演示账号 (demo sign-ins):",
    );
    for (const a of demo) lines.push(`    登录名 ${a.username}  ${a.displayName}（${a.role}）  密码 ${a.password}`);
  }
  if (app.demo) {
    const at = app.demo.startsAt.toLocaleTimeString("zh-CN", {
      timeZone: CHINA_TIME_ZONE,
      hour: "2-digit",
      minute: "2-digit",
    });
    lines.push(
      `  演示会议「${app.demo.title}」${at} 开始，现在就能开会：`,
      "    书记登录后在首页打开它，点「开始会议」；成员用手机打开上面的局域网地址登录，输入会上显示的签到码，一起写会议记录",
    );
  }
  console.log(lines.join("\n") + "\n");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("server.stopping", { signal });
    const force = setTimeout(() => {
      log.error("server.stop_timeout");
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await app.close();
      log.info("server.stopped");
      process.exit(0);
    } catch (e) {
      log.error("server.stop_failed", { error: e });
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
