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
    // A worker runs file after file in one process instead of a fresh one per file: the server's
    // modules (the Remix build, the services, PGlite's WebAssembly) are imported once per worker,
    // not once per file. On PostgreSQL that took the integration pass from 245 s to 172 s of CPU
    // (import time 141 s → 22 s; docs/decisions/023). Every file starts its own server on its own
    // database copy, and no test changes a module's state for the next file.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
