import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);

// Two shards, each with its own app server and database copy on its own port, run side by side:
// one shard left half of the two cores idle while it waited on the browser or the server
// (docs/decisions/023). The specs of shard 2 are listed; every other spec, a new one too, runs in
// shard 1. The lists balance the measured spec times; E2E_SHARDS=1 runs everything on one server.
const SHARD_2 = [
  "votes",
  "attendance",
  "plan",
  "materials",
  "coedit",
  "import",
  "calendar",
  "org-tree",
  "settings",
].map((name) => `**/${name}.spec.ts`);
const shards = process.env.E2E_SHARDS === "1" ? 1 : 2;

// Debian's Chromium, never a downloaded browser. As root it needs --no-sandbox, and the
// background-networking flags keep it from reaching for the network.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: shards,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 8_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  outputDir: "test-results",
  use: {
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  projects: Array.from({ length: shards }, (_, i) => ({
    name: `desktop-${i + 1}`,
    ...(shards === 1 ? {} : i === 0 ? { testIgnore: SHARD_2 } : { testMatch: SHARD_2 }),
    use: {
      ...devices["Desktop Chrome"],
      launchOptions: chromium,
      channel: undefined,
      baseURL: `http://localhost:${PORT + i}`,
    },
  })),
  webServer: Array.from({ length: shards }, (_, i) => ({
    command: "node --import tsx tests/e2e/serve.ts",
    url: `http://localhost:${PORT + i}/healthz`,
    env: { PORT: String(PORT + i), ...(i > 0 ? { E2E_AFTER: `http://localhost:${PORT}/healthz` } : {}) },
    reuseExistingServer: false,
    // SIGTERM lets serve.ts close the app and drop its test database.
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
    timeout: 180_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
  })),
});
