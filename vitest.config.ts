import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Vitest has its own config so it neither loads the Remix plugin nor picks up Playwright specs.
export default defineConfig({
  test: {
    include: ["tests/integration/**/*.test.ts", "shared/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts"],
    globalSetup: ["tests/setup/build.ts"],
    environment: "node",
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one on the 2-core CI machine. A test
    // file mostly waits on its in-process server and database, so two files at once keep both
    // cores busy (measured in docs/decisions/023).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
