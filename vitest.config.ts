import { defineConfig } from "vitest/config";

// Vitest has its own config so it neither loads the Remix plugin nor picks up Playwright specs.
export default defineConfig({
  test: {
    include: ["tests/integration/**/*.test.ts", "shared/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts"],
    globalSetup: ["tests/setup/build.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
