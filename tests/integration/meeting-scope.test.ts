import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database, type Sql } from "../../db/client";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { buildMeeting, DEMO, demoIds, type DemoIds } from "../setup/demo";

// How often one page request reads its meeting (docs/decisions/029-meeting-scope.md): the built
// app's loaders run with a `sql` that records every statement, and the statements that load the
// meeting's row with its organisation are counted. One request, one load (loadMeetingScope's
// per-request memo), however many services the loader calls.

const root = path.resolve(import.meta.dirname, "../..");

type Loader = (args: { request: Request; context: unknown; params: Record<string, string> }) => Promise<unknown>;

let tdb: TestDatabase;
let db: Database;
let ids: DemoIds;
let routes: Record<string, { module: { loader?: Loader } }>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.DATA_DIR });
  ids = await demoIds(db.sql);
  const build = (await import(pathToFileURL(path.join(root, "build/server/index.js")).href)) as {
    routes: typeof routes;
  };
  routes = build.routes;
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

/** A `sql` that records the text of each statement it is given (fragments too; they start with no verb). */
function recording(sql: Sql, log: string[]): Sql {
  const wrap = (target: Sql): Sql =>
    new Proxy(target, {
      apply(fn, self, args: unknown[]) {
        const strings = args[0] as TemplateStringsArray | undefined;
        if (Array.isArray(strings) && "raw" in strings) log.push(strings.join("$").replace(/\s+/g, " ").trim());
        return Reflect.apply(fn, self, args);
      },
      get(t, key, recv) {
        if (key === "begin")
          return (cb: (tx: Sql) => unknown) => t.begin((tx) => cb(wrap(tx as unknown as Sql)) as never);
        return Reflect.get(t, key, recv);
      },
    });
  return wrap(sql);
}

const STATEMENT = /^(select|with|insert|update|delete)\b/i;
/** A statement that reads one meeting's row by its id (with or without its organisation). */
const MEETING_LOAD = /\bfrom meetings(?: (\w+))?\b(?:(?!\bfrom\b).)*\bwhere (?:\w+\.)?id = \$/i;
/** Of those, the ones joined with its organisation (the six copies' query, now loadMeetingScope's). */
const WITH_ORG = /\bfrom meetings (\w+) join organizations o on o\.id = \1\.org_id\b/i;
/** The organisation chain above one organisation (orgPaths / orgChains). */
const ORG_CHAIN = /with recursive up as/i;

async function run(routeId: string, username: string, meetingId: string) {
  const log: string[] = [];
  const loader = routes[routeId].module.loader!;
  const user = { id: ids.user[username], displayName: username, username };
  const context = {
    services: {
      sql: recording(db.sql, log),
      dbKind: db.kind,
      live: { presentUsers: async () => [], sessionChanged: async () => {} },
      log: { info() {}, warn() {}, error() {} },
      limits: { rosterInflateMaxBytes: 1 },
    },
    user,
    session: null,
    clientAddress: "127.0.0.1",
  };
  const url = `http://127.0.0.1/meetings/${meetingId}`;
  await loader({ request: new Request(url), context, params: { meetingId } });
  const statements = log.filter((s) => STATEMENT.test(s));
  return {
    statements: statements.length,
    meetingLoads: statements.filter((s) => MEETING_LOAD.test(s)).length,
    withOrg: statements.filter((s) => MEETING_LOAD.test(s) && WITH_ORG.test(s)).length,
    orgChains: statements.filter((s) => ORG_CHAIN.test(s)).length,
  };
}

describe("one meeting load per request", () => {
  it("counts the meeting's loads on the pages that call several services for one meeting", async () => {
    const meetingId = await buildMeeting(db.sql, ids, {
      org: "机关第一党支部",
      started: true,
      recorder: DEMO.ORG,
      attendees: [DEMO.SEC, DEMO.ORG, DEMO.LIU, DEMO.CHEN, DEMO.HUANG],
      agenda: ["学习党章", "讨论"],
    });
    const pages: [string, string][] = [
      ["routes/meetings.$meetingId", DEMO.SEC],
      ["routes/meetings.$meetingId", DEMO.LIU],
      ["routes/meetings.$meetingId_.votes", DEMO.SEC],
      ["routes/meetings.$meetingId_.attendance", DEMO.SEC],
      ["routes/meetings.$meetingId_.edit", DEMO.SEC],
      ["routes/meetings.$meetingId_.reflections._index", DEMO.SEC],
      ["routes/meetings.$meetingId_.reflection", DEMO.LIU],
    ];
    const figures: Record<string, Awaited<ReturnType<typeof run>>> = {};
    for (const [route, who] of pages) figures[`${route} (${who})`] = await run(route, who, meetingId);
    console.log(JSON.stringify(figures, null, 1));
    for (const f of Object.values(figures)) {
      expect(f.meetingLoads).toBe(1);
    }
  });
});
