import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { appendParagraph, connectClient, until, upgradeStatus } from "../setup/yclient";
import { DEMO, withDemoServer } from "../setup/demo";

const t = withDemoServer();
let docName: string;

beforeAll(async () => {
  const [m] = await t.sql<{ id: string }[]>`select id from meetings limit 1`;
  docName = meetingMinutesDoc(m.id);
});

async function scrape() {
  const res = await t.http.get("/metrics", null);
  return { res, text: await res.text() };
}

/** The sum of a metric's samples (all label sets), from the text format. */
function value(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

describe("/metrics", () => {
  it("answers in Prometheus text format without signing in", async () => {
    const { res, text } = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain;/);
    expect(res.headers.get("content-type")).toContain("version=0.0.4");
    // prom-client separates the families with a blank line, which the format allows.
    const lines = text
      .trimEnd()
      .split("\n")
      .filter((l) => l !== "");
    for (const line of lines) {
      if (line.startsWith("#")) expect(line).toMatch(/^# (HELP|TYPE) [a-z_:][a-z0-9_:]* .+$/);
      else
        // prom-client writes a histogram without samples (the event-loop lag just after a reset) as
        // "Nan"; Prometheus reads NaN in any case.
        expect(line).toMatch(
          /^[a-z_:][a-z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)+\})? (-?[0-9.e+-]+|NaN|Nan|\+Inf|-Inf)$/,
        );
    }
    for (const name of [
      "tongxin_collab_connections",
      "tongxin_collab_documents_loaded",
      "tongxin_collab_updates_received_total",
      "tongxin_collab_persist_seconds",
      "tongxin_collab_broadcast_seconds",
      "tongxin_collab_received_bytes_total",
      "tongxin_collab_sent_bytes_total",
      "tongxin_collab_rejected_messages_total",
    ])
      expect(text).toContain(`# TYPE ${name} `);
    // A single node without REDIS_URL has no Redis figures.
    expect(text).not.toContain("redis_connected");
  });

  it("moves after edits, and never shows users or documents", async () => {
    const before = (await scrape()).text;
    const a = connectClient(t.url, docName, await t.http.cookie(DEMO.SEC));
    const b = connectClient(t.url, docName, await t.http.cookie(DEMO.ORG));
    await Promise.all([a.synced(), b.synced()]);
    appendParagraph(a.doc, "指标：第一条");
    appendParagraph(a.doc, "指标：第二条");
    await until(() => b.text().includes("指标：第二条"), 5000, "the edits on the other client");

    const after = (await scrape()).text;
    expect(value(after, "tongxin_collab_connections")).toBeGreaterThanOrEqual(2);
    expect(value(after, "tongxin_collab_documents_loaded")).toBeGreaterThanOrEqual(1);
    expect(value(after, "tongxin_collab_updates_received_total")).toBeGreaterThanOrEqual(
      value(before, "tongxin_collab_updates_received_total") + 2,
    );
    expect(value(after, "tongxin_collab_persist_seconds_count")).toBeGreaterThan(
      value(before, "tongxin_collab_persist_seconds_count"),
    );
    expect(value(after, "tongxin_collab_broadcast_seconds_count")).toBeGreaterThan(
      value(before, "tongxin_collab_broadcast_seconds_count"),
    );
    expect(value(after, "tongxin_collab_received_bytes_total")).toBeGreaterThan(
      value(before, "tongxin_collab_received_bytes_total"),
    );
    expect(value(after, "tongxin_collab_sent_bytes_total")).toBeGreaterThan(
      value(before, "tongxin_collab_sent_bytes_total"),
    );

    const u = { id: t.ids.user[DEMO.SEC] };
    for (const secret of [u.id, "王建国", DEMO.SEC, docName, "指标"]) expect(after).not.toContain(secret);
    a.destroy();
    b.destroy();
  });

  it("counts rejected messages and refused upgrades by reason", async () => {
    const before = (await scrape()).text;
    const cookie = await t.http.cookie(DEMO.SEC);
    const url = `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
    const ws = new WebSocket(url, { headers: { cookie } });
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    ws.send("not binary");
    expect(await closed).toBe(1008);
    expect(await upgradeStatus(url)).toBe(401);

    const after = (await scrape()).text;
    const sample = (t: string, line: string) => Number(t.match(new RegExp(`^${line} (\\S+)$`, "m"))?.[1] ?? 0);
    expect(sample(after, 'tongxin_collab_rejected_messages_total\\{reason="text_frame"\\}')).toBe(
      sample(before, 'tongxin_collab_rejected_messages_total\\{reason="text_frame"\\}') + 1,
    );
    expect(sample(after, 'tongxin_collab_upgrades_rejected_total\\{status="401"\\}')).toBe(
      sample(before, 'tongxin_collab_upgrades_rejected_total\\{status="401"\\}') + 1,
    );
  });
});
