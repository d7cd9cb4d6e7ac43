import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, startTestServer, type TestServer } from "../setup/server";
import { DEMO } from "../setup/demo";

// After a PostgreSQL restart (or a failover, or an administrator's pg_terminate_backend), every
// pooled connection of the app is dead, and postgres.js may report that on the next query through
// one of them (ECONNRESET, CONNECTION_CLOSED, or a 57P01 left over from the termination). The session
// lookup is tried again (db/errors.ts), and so is a page read whose loader met such an error
// (server/remix-handler.ts); a write is never repeated.
const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)("pages after the app's database connections were terminated", () => {
  let s: TestServer;
  let admin: postgres.Sql;
  let cookie: string;
  let database: string;

  beforeAll(async () => {
    s = await startTestServer();
    admin = postgres(serverUrl!, { max: 2, onnotice: () => {} });
    cookie = await signIn(s.url, DEMO.SEC);
    [{ database }] = await s.app.db.sql<{ database: string }[]>`select current_database() as database`;
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await s?.stop();
  });

  const page = (path: string) => fetch(`${s.url}${path}`, { headers: { cookie }, redirect: "manual" });

  /** Opens several pooled connections, then terminates all of them on the server side. */
  async function killConnections() {
    await Promise.all(["/", "/calendar", "/me", "/notifications", "/calendar", "/me"].map(page));
    const killed = await admin<{ pid: number }[]>`
      select pg_terminate_backend(pid) as pid from pg_stat_activity
      where datname = ${database} and application_name = 'tongxin' and pid <> pg_backend_pid()`;
    expect(killed.length).toBeGreaterThan(0);
  }

  it("a page without a session, whose loader queries the database", async () => {
    const invite = () => fetch(`${s.url}/invite/7K3M-Q9TX-4HRB`, { redirect: "manual" });
    expect((await invite()).status).toBe(410); // a well-formed code that no invitation has: a query says so
    for (let round = 0; round < 3; round++) {
      await killConnections();
      const responses = await Promise.all([invite(), invite(), invite(), invite()]);
      expect(responses.map((r) => r.status)).toEqual([410, 410, 410, 410]);
    }
  }, 60_000);

  it("a loader whose connection is terminated under it: the page is read again, not an error page", async () => {
    const invite = () => fetch(`${s.url}/invite/7K3M-Q9TX-4HRB`, { redirect: "manual" });
    // The loader's query waits on a lock we hold, so we know which backend to terminate.
    const url = new URL(serverUrl!);
    url.pathname = `/${database}`;
    const locker = postgres(url.href, { max: 1, onnotice: () => {} });
    try {
      // (The request's promise is returned in an object: returned bare, begin() would wait for it before COMMIT.)
      const { pending } = await locker.begin(async (tx) => {
        await tx`lock table invitations in access exclusive mode`;
        const pending = invite();
        let victims: { pid: number }[] = [];
        for (let i = 0; i < 100 && victims.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
          victims = await admin<{ pid: number }[]>`
            select pid from pg_stat_activity
            where datname = ${database} and application_name = 'tongxin' and wait_event_type = 'Lock'`;
        }
        expect(victims).toHaveLength(1);
        await admin`select pg_terminate_backend(${victims[0].pid})`;
        return { pending };
      });
      const res = await pending;
      expect(res.status).toBe(410);
      expect(await res.text()).not.toContain("出错了");
    } finally {
      await locker.end();
    }
  }, 60_000);

  it("serves the next pages normally, with the session and the loaders' queries", async () => {
    for (let round = 0; round < 3; round++) {
      await killConnections();
      const responses = await Promise.all(["/", "/calendar", "/me", "/notifications"].map(page));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const html = await responses[0].text();
      expect(html).toContain("同心");
      expect(html).not.toContain("出错了");
    }
  }, 60_000);
});
