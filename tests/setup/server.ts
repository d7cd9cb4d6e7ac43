import { startTongxin, type Tongxin } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createTestDatabase, type TestDatabase } from "./database";

export const DEMO_PASSWORD = "tongxin2026";

export interface TestServer {
  url: string;
  app: Tongxin;
  /** Stops the server (flushing documents) and starts it again on the same database and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Tongxin (built app, migrated and seeded database) on a free port. `env` adds or overrides
 * settings (e.g. small limits) on top of process.env.
 */
export async function startTestServer(options: { env?: Record<string, string> } = {}): Promise<TestServer> {
  const db: TestDatabase = await createTestDatabase();
  let port = 0;
  const boot = async () => {
    // Reminders off: they would add notifications (the seed's meetings are days ahead) to counts that
    // tests assert; tests/integration/reminders.test.ts runs them directly.
    const config = loadConfig({
      ...process.env,
      ...db.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      REMINDERS: "off",
      ...options.env,
    });
    const app = await startTongxin({ config, mode: "production" });
    const url = await app.listen();
    port = Number(new URL(url).port);
    return { app, url };
  };
  let current = await boot();
  const server: TestServer = {
    url: current.url,
    app: current.app,
    async restart() {
      await current.app.close();
      current = await boot();
      server.app = current.app;
      server.url = current.url;
    },
    async stop() {
      await current.app.close();
      await db.drop();
    },
  };
  return server;
}

/** Signs in through the real /login form action and returns the session cookie ("name=value"). */
export async function signIn(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    redirect: "manual",
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("tongxin_session="));
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return cookie.split(";")[0];
}
