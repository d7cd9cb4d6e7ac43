import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { signIn } from "../setup/server";
import { appendParagraph, connectClient, until } from "../setup/yclient";

// The Node entry exactly as `npm start` runs it, in its own process.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await db?.drop();
});

function start(): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, ...db.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /已启动: (http:\/\/\S+)/.exec(out);
      if (m && /\n\n$/.test(out)) {
        clearInterval(t);
        resolve({ proc, url: m[1], output: () => out });
      }
    }, 50);
    proc.once("exit", (code) => {
      clearInterval(t);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
}

const exitCode = (p: ChildProcess) => new Promise<number | null>((r) => p.once("exit", (c) => r(c)));

describe("npm start's entry", () => {
  it("seeds once, prints the URL and each demo sign-in on its own line, and flushes edits on SIGTERM", async () => {
    const first = await start();
    const lines = first.output().split("\n");
    expect(lines.some((l) => l.includes("已创建演示支部"))).toBe(true);
    for (const [user, name, role] of [
      ["13800000001", "王建国", "书记"],
      ["13800000002", "李秀英", "组织委员"],
      ["13800000003", "张伟", "党小组长"],
    ]) {
      expect(
        lines.filter((l) => l.includes(user) && l.includes(name) && l.includes(role) && l.includes("tongxin2026")),
      ).toHaveLength(1);
    }
    const health = await (await fetch(`${first.url}/healthz`)).json();
    expect(health.status).toBe("ok");

    // An edit made just before shutdown must survive it.
    const cookie = await signIn(first.url, "13800000004");
    const home = await (await fetch(`${first.url}/`, { headers: { cookie } })).text();
    const meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(home)![1];
    const client = connectClient(first.url, meetingMinutesDoc(meetingId), cookie);
    await client.synced();
    appendParagraph(client.doc, "散会前最后一句");
    await new Promise((r) => setTimeout(r, 50));
    const exited = exitCode(first.proc);
    first.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    client.destroy();

    const second = await start();
    expect(second.output()).not.toContain("已创建演示支部");
    expect(second.output()).toMatch(/登录名 13800000001\s+王建国（书记）\s+密码 tongxin2026/);
    const reader = connectClient(second.url, meetingMinutesDoc(meetingId), await signIn(second.url, "13800000005"));
    await reader.synced();
    await until(() => reader.text().includes("散会前最后一句"), 3000, "the flushed edit");
    expect(reader.text().match(/散会前最后一句/g)).toHaveLength(1);
    reader.destroy();
    const exited2 = exitCode(second.proc);
    second.proc.kill("SIGINT");
    expect(await exited2).toBe(0);
  }, 150_000);
});
