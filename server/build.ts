import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// The server bundle also holds the services and auth code that routes import.
const SOURCES = ["app", "shared", "server", "db", "public", "remix.config.js", "vite.config.ts", "package.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** True when build/ is missing or older than any file the browser or server bundle is made from. */
export function buildIsStale(root: string): boolean {
  const out = path.join(root, "build/server/index.js");
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

/** Runs `remix vite:build` when the build is missing or stale. */
export function ensureBuild(root: string, log: (msg: string) => void = () => {}): void {
  if (!buildIsStale(root)) return;
  log("正在构建前端 (building the app)…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`构建失败 (build failed, exit ${r.status})`);
}
