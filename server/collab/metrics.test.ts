import { describe, expect, it } from "vitest";
import { CollabMetrics } from "./metrics";

describe("the collaboration server's metrics", () => {
  it("shows a counter that never moved as 0, and the server's gauges when observed", async () => {
    const m = new CollabMetrics({ processMetrics: false });
    m.observe({ connections: () => 3, documents: () => 2 });
    const { body, contentType } = await m.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toMatch(/^tongxin_collab_updates_received_total 0$/m);
    expect(body).toMatch(/^tongxin_collab_connections 3$/m);
    expect(body).toMatch(/^tongxin_collab_documents_loaded 2$/m);
    expect(body).not.toMatch(/redis_connected/);
  });

  it("counts bytes, refusals by reason and latencies into cumulative buckets", async () => {
    const m = new CollabMetrics({ processMetrics: false });
    m.bytesSent.inc(120);
    m.bytesSent.inc(30);
    m.reject("read_only");
    m.reject("read_only");
    m.reject("too_large");
    m.persistSeconds.observe(0.003);
    m.persistSeconds.observe(0.3);
    const { body } = await m.render();
    expect(body).toMatch(/^tongxin_collab_sent_bytes_total 150$/m);
    expect(body).toMatch(/^tongxin_collab_rejected_messages_total\{reason="read_only"\} 2$/m);
    expect(body).toMatch(/^tongxin_collab_rejected_messages_total\{reason="too_large"\} 1$/m);
    expect(body).toMatch(/^tongxin_collab_persist_seconds_bucket\{le="0.005"\} 1$/m);
    expect(body).toMatch(/^tongxin_collab_persist_seconds_bucket\{le="0.5"\} 2$/m);
    expect(body).toMatch(/^tongxin_collab_persist_seconds_count 2$/m);
  });

  it("carries the process figures, event-loop lag among them, and two registries do not collide", async () => {
    const a = new CollabMetrics();
    const b = new CollabMetrics();
    const { body } = await a.render();
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m);
    expect((await b.render()).body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });
});
