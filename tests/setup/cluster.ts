import { randomBytes } from "node:crypto";
import { startTongxin, type Tongxin } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createTestDatabase, type TestDatabase } from "./database";

export interface TestNode {
  url: string;
  app: Tongxin;
}

export interface TestCluster {
  nodes: TestNode[];
  /** The Redis channel prefix of this run (unique, so parallel runs on one Redis stay apart). */
  prefix: string;
  stop(): Promise<void>;
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Several Tongxin nodes (built app) on one fresh PostgreSQL database, sharing live documents through
 * Redis. Needs TEST_DATABASE_URL: embedded PGlite takes one client only, so two nodes cannot share it.
 */
export async function startTestCluster(count = 2): Promise<TestCluster> {
  const db: TestDatabase = await createTestDatabase();
  if (!db.env.DATABASE_URL) throw new Error("a test cluster needs TEST_DATABASE_URL");
  const prefix = `tongxin-test-${Date.now()}-${randomBytes(3).toString("hex")}:`;
  const nodes: TestNode[] = [];
  // One after the other: the first migrates and seeds, the others find both done.
  for (let i = 0; i < count; i++) {
    const config = loadConfig({
      ...process.env,
      ...db.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      REMINDERS: "off",
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    const app = await startTongxin({ config, mode: "production" });
    nodes.push({ app, url: await app.listen() });
  }
  let stopped = false;
  return {
    nodes,
    prefix,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const n of nodes) await n.app.close();
      await db.drop();
    },
  };
}
