import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startEntry } from "../setup/entry";
import { signIn } from "../setup/server";
import { lanAddress, lanLine } from "../../server/lan";
import { appendParagraph, connectClient, until } from "../setup/yclient";
import { DEMO } from "../setup/demo";

// The Node entry exactly as `npm start` runs it, in its own process.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
});
afterAll(async () => {
  await db?.drop();
});

const start = (env: Record<string, string> = {}) => startEntry(db, { env });
const exitCode = (p: ChildProcess) => new Promise<number | null>((r) => p.once("exit", (c) => r(c)));

describe("npm start's entry", () => {
  it("seeds once, prints the URL and each demo sign-in on its own line, and flushes edits on SIGTERM", async () => {
    const first = await start();
    const lines = first.output().split("\n");
    expect(lines.some((l) => l.includes("已创建演示支部"))).toBe(true);
    for (const [user, name, role] of [
      [DEMO.SEC, "王建国", "书记"],
      [DEMO.ORG, "李秀英", "组织委员"],
      [DEMO.LEADER, "张伟", "党小组长"],
    ]) {
      expect(
        lines.filter((l) => l.includes(user) && l.includes(name) && l.includes(role) && l.includes("tongxin2026")),
      ).toHaveLength(1);
    }
    // Bound to 127.0.0.1 here: the lines say a phone cannot reach it, and how to change that.
    expect(lines).toContain("  只在本机可访问 (HOST=127.0.0.1)；要让同一网络的手机访问，请设 HOST=0.0.0.0");
    const health = await (await fetch(`${first.url}/healthz`)).json();
    expect(health.status).toBe("ok");

    // An edit made just before shutdown must survive it.
    const cookie = await signIn(first.url, DEMO.LIU);
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
    const reader = connectClient(second.url, meetingMinutesDoc(meetingId), await signIn(second.url, DEMO.CHEN));
    await reader.synced();
    await until(() => reader.text().includes("散会前最后一句"), 3000, "the flushed edit");
    expect(reader.text().match(/散会前最后一句/g)).toHaveLength(1);
    reader.destroy();
    const exited2 = exitCode(second.proc);
    second.proc.kill("SIGINT");
    expect(await exited2).toBe(0);
  }, 150_000);
});

describe("the address a phone reaches", () => {
  it("prints the LAN address beside localhost when listening on every interface, and answers there", async () => {
    const lan = lanAddress();
    const app = await start({ HOST: "0.0.0.0" });
    try {
      const port = new URL(app.url).port;
      const lines = app.output().split("\n");
      expect(lines[1]).toBe(`同心 Tongxin 已启动: http://localhost:${port}`);
      if (!lan) {
        expect(lines[2]).toContain("未找到局域网地址");
        return;
      }
      expect(lines[2]).toBe(`  同一网络的手机访问 (LAN): http://${lan}:${port}`);
      const health = await (await fetch(`http://${lan}:${port}/healthz`)).json();
      expect(health.status).toBe("ok");
    } finally {
      expect(await app.stop()).toBe(0);
    }
  }, 60_000);

  it("picks the first non-internal IPv4 address, skipping loopback, link-local and container bridges", () => {
    const v4 = (address: string, internal = false) => ({
      address,
      internal,
      family: "IPv4" as const,
      netmask: "255.255.255.0",
      mac: "00:00:00:00:00:00",
      cidr: null,
    });
    expect(
      lanAddress({
        lo: [v4("127.0.0.1", true)],
        docker0: [v4("172.17.0.1")],
        eth1: [v4("169.254.3.4")],
        wlan0: [{ ...v4("fe80::1"), family: "IPv6", scopeid: 0 }, v4("192.168.1.23")],
      }),
    ).toBe("192.168.1.23");
    expect(lanAddress({ lo: [v4("127.0.0.1", true)] })).toBeNull();
    expect(lanLine("0.0.0.0", 3000, "10.1.2.3")).toBe("  同一网络的手机访问 (LAN): http://10.1.2.3:3000");
    expect(lanLine("10.9.9.9", 3000, "10.1.2.3")).toBe("  手机访问 (LAN): http://10.9.9.9:3000");
    expect(lanLine("::", 3000, null)).toContain("未找到局域网地址");
  });
});
