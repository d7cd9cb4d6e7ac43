import { describe, expect, it } from "vitest";
import { CollabMetrics, Counter, Histogram, Registry } from "./metrics";

describe("the Prometheus registry", () => {
  it("renders counters with labels, gauges and cumulative histogram buckets", () => {
    const r = new Registry();
    const c = r.add(new Counter("x_total", "Things"));
    c.inc({ reason: 'say "hi"' });
    c.inc({ reason: 'say "hi"' }, 2);
    const h = r.add(new Histogram("lat_seconds", "Latency", [0.1, 1]));
    h.observe(0.05);
    h.observe(0.5);
    h.observe(3);
    expect(r.render()).toBe(
      [
        "# HELP x_total Things",
        "# TYPE x_total counter",
        'x_total{reason="say \\"hi\\""} 3',
        "# HELP lat_seconds Latency",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{le="0.1"} 1',
        'lat_seconds_bucket{le="1"} 2',
        'lat_seconds_bucket{le="+Inf"} 3',
        "lat_seconds_sum 3.55",
        "lat_seconds_count 3",
        "",
      ].join("\n"),
    );
  });

  it("shows a counter that never moved as 0, and the server's gauges when observed", () => {
    const m = new CollabMetrics();
    m.observe({ connections: () => 3, documents: () => 2 });
    const out = m.registry.render();
    expect(out).toMatch(/^tongxin_collab_updates_received_total 0$/m);
    expect(out).toMatch(/^tongxin_collab_connections 3$/m);
    expect(out).toMatch(/^tongxin_collab_documents_loaded 2$/m);
    expect(out).not.toMatch(/redis_connected/);
  });
});
