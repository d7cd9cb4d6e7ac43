import { beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { acceptInvitation } from "../../server/services/people/invitations";
import { createMember } from "../../server/services/people/members";
import { appendParagraph, connectClient, upgradeStatus } from "../setup/yclient";
import { DEMO, ORGS, withDemoServer, type Who } from "../setup/demo";

// A permission matrix over the real HTTP routes and the real WebSocket: one `it` per cell, so
// a failure names the role and the resource. Expectations follow shared/permissions.ts and the
// route code:
// - 200 the page (or the action's reply page) renders;
// - 403 the user may see the organisation / person but not manage it (manage pages, manage posts);
// - 404 the user may not see it (and /audit is 404 for anyone who does not manage the org);
// - 302 signed out: a redirect to /login?redirectTo=… (pages and posts alike);
// - ws: 101 accepted, 401 signed out, 404 hidden; edit: write (stored) / read (dropped) / - (no socket).
//
// Columns:
//   b1   GET /orgs/<机关第一党支部>          g1   GET /orgs/<第一党小组>
//   g2   GET /orgs/<第二党小组>              cm   GET /orgs/<同心示范单位党委>
//   b2   GET /orgs/<机关第二党支部>          mem  GET /orgs/<b1>/members
//   new  GET /orgs/<b1>/members/new         imp  GET /orgs/<b1>/import
//   aud  GET /orgs/<b1>/audit               liu  GET /members/<刘洋>
//   wu   GET /members/<吴刚>                 inv  POST /members/<赵敏> intent=invite
//   crt  POST /orgs intent=create (a 党小组 under b1)
//   mtg  GET /meetings/<b1's meeting>       ws   upgrade /collab/meeting.<id>.minutes
//   edit whether a connected client's edits are stored: the minutes are written by the 记录人 (李秀英),
//        the host (王建国), the branch's managers and the co-editors the host allowed (刘洋, in the demo
//        data); other members, and the 党委 above, read them
const TABLE = `
role          b1   g1   g2   cm   b2   mem  new  imp  aud  liu  wu   inv  crt  mtg  ws   edit
admin         200  200  200  200  200  200  200  200  200  200  200  200  200  200  101  read
secretary     200  200  200  404  404  200  200  200  200  200  404  200  200  200  101  write
orgMember     200  200  200  404  404  200  200  200  200  200  404  200  200  200  101  write
groupLeader   200  200  200  404  404  200  403  403  404  200  404  403  403  200  101  read
member        200  200  200  404  404  200  403  403  404  200  404  403  403  200  101  write
probationary  200  200  200  404  404  200  403  403  404  200  404  403  403  200  101  read
activist      200  200  200  404  404  200  403  403  404  200  404  403  403  200  101  read
outsider      404  404  404  404  200  404  404  404  404  404  200  404  404  404  404  -
signedOut     302  302  302  302  302  302  302  302  302  302  302  302  302  302  401  -
`;

const ROLE_INFO: Record<string, string> = {
  admin: "周志强 党委组织委员",
  secretary: "王建国 书记",
  orgMember: "李秀英 组织委员",
  groupLeader: "张伟 党小组长",
  member: "刘洋 党员",
  probationary: "赵敏 预备党员",
  activist: "入党积极分子（测试中创建）",
  outsider: "吴刚 第二支部党员",
  signedOut: "未登录",
};

const [header, ...body] = TABLE.trim()
  .split("\n")
  .map((l) => l.trim().split(/\s+/));
const COLUMNS = header.slice(1);
const CELLS = body.flatMap(([role, ...values]) => {
  if (values.length !== COLUMNS.length) throw new Error(`row ${role} has ${values.length} cells`);
  return values.map((expected, i) => ({ role, column: COLUMNS[i], expected }));
});

const USERNAMES: Record<string, string> = {
  admin: DEMO.REVIEWER,
  secretary: DEMO.SEC,
  orgMember: DEMO.ORG,
  groupLeader: DEMO.LEADER,
  member: DEMO.LIU,
  probationary: DEMO.ZHAO,
  outsider: DEMO.WU,
};
const ACTIVIST_USERNAME = "13900001234";
const ACTIVIST_PASSWORD = "jiji-fenzi-2026";

const t = withDemoServer();
const cookies: Record<string, string | null> = { signedOut: null };
const ids = {} as Record<"b1" | "g1" | "g2" | "cm" | "b2" | "liu" | "wu" | "zhao" | "meeting", string>;
const runId = Date.now().toString(36);

beforeAll(async () => {
  const sql = t.sql;
  ids.b1 = t.ids.org[ORGS.B1];
  ids.g1 = t.ids.org[ORGS.G1];
  ids.g2 = t.ids.org[ORGS.G2];
  ids.cm = t.ids.org[ORGS.COMMITTEE];
  ids.b2 = t.ids.org[ORGS.B2];
  ids.liu = t.ids.user[DEMO.LIU];
  ids.wu = t.ids.user[DEMO.WU];
  ids.zhao = t.ids.user[DEMO.ZHAO];
  // The demo's meeting to try (the branch's 组织生活会 keep their minutes confidential: another rule).
  [{ id: ids.meeting }] = await sql<{ id: string }[]>`select (meetings->>'try')::uuid as id from demo_layout`;

  // The 入党积极分子: added by the secretary through the service, activated with the code.
  const created = await createMember(sql, await t.actor(DEMO.SEC), {
    person: { displayName: "钱积极", category: "activist", probationStartedOn: null, probationEndsOn: null },
    username: ACTIVIST_USERNAME,
    orgId: ids.g1,
    role: "member",
    mobile: false,
  });
  await acceptInvitation(sql, { code: created.code, password: ACTIVIST_PASSWORD, address: "127.0.0.1" });
  cookies.activist = await t.http.signInAgain(ACTIVIST_USERNAME, ACTIVIST_PASSWORD);
  for (const [role, username] of Object.entries(USERNAMES)) cookies[role] = await t.http.cookie(username);
});

const headers = (cookie: string | null): Record<string, string> => (cookie ? { cookie } : {});
/** The request as this session (null: signed out). */
const as = (cookie: string | null): Who => (cookie ? { cookie } : null);

/** The status, with a redirect reported as 302 only when it goes to the sign-in page with a way back. */
function outcome(res: Response, path: string): string {
  if (res.status === 302 || res.status === 303) {
    const to = res.headers.get("location") ?? "";
    return to === `/login?redirectTo=${encodeURIComponent(path)}` ? "302" : `${res.status} → ${to}`;
  }
  return String(res.status);
}

/** A page's outcome for this session. */
async function getOutcome(path: string, cookie: string | null): Promise<string> {
  const res = await t.http.get(path, as(cookie));
  await res.arrayBuffer();
  return outcome(res, path);
}

/** The outcome of a same-origin form post to the page URL, as the browser sends it without JavaScript. */
async function postOutcome(path: string, fields: Record<string, string>, cookie: string | null): Promise<string> {
  const res = await t.http.post(path, fields, as(cookie));
  await res.arrayBuffer();
  return outcome(res, path);
}

const docName = () => meetingMinutesDoc(ids.meeting);
const wsUrl = () => `${t.url.replace(/^http/, "ws")}/collab/${docName()}`;

async function stored(marker: string): Promise<boolean> {
  const sql = t.sql;
  const needle = Buffer.from(marker);
  const updates = await sql<{ data: Uint8Array }[]>`select data from doc_updates where doc_name = ${docName()}`;
  const snaps = await sql<{ state: Uint8Array }[]>`select state from doc_snapshots where doc_name = ${docName()}`;
  return [...updates.map((r) => r.data), ...snaps.map((r) => r.state)].some((b) => Buffer.from(b).includes(needle));
}

/** Connects with the official client, edits, and reports whether the edit was stored or refused. */
async function editOutcome(role: string, cookie: string | null): Promise<string> {
  if ((await upgradeStatus(wsUrl(), headers(cookie))) !== 101) return "-";
  const client = connectClient(t.url, docName(), cookie);
  try {
    await client.synced();
    const denials: string[] = [];
    (client.provider.ws as unknown as WebSocket).addEventListener("message", (ev: { data: unknown }) => {
      const d = decoding.createDecoder(new Uint8Array(ev.data as ArrayBuffer));
      if (decoding.readVarUint(d) === 2 && decoding.readVarUint(d) === 0) denials.push(decoding.readVarString(d));
    });
    const marker = `矩阵-${role}-${runId}`;
    appendParagraph(client.doc, marker);
    let isStored = false;
    const start = Date.now();
    while (Date.now() - start < 5000) {
      if (denials.length > 0) break;
      if ((isStored = await stored(marker))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (isStored && denials.length === 0) return "write";
    if (denials.length > 0) {
      expect(denials[0]).toContain("只读");
      // The refused edit must not have reached the database either.
      await new Promise((r) => setTimeout(r, 100));
      return (await stored(marker)) ? "read-but-stored" : "read";
    }
    return "timeout";
  } finally {
    client.destroy();
  }
}

const ACTIONS: Record<string, (role: string, cookie: string | null) => Promise<string>> = {
  b1: (_r, c) => getOutcome(`/orgs/${ids.b1}`, c),
  g1: (_r, c) => getOutcome(`/orgs/${ids.g1}`, c),
  g2: (_r, c) => getOutcome(`/orgs/${ids.g2}`, c),
  cm: (_r, c) => getOutcome(`/orgs/${ids.cm}`, c),
  b2: (_r, c) => getOutcome(`/orgs/${ids.b2}`, c),
  mem: (_r, c) => getOutcome(`/orgs/${ids.b1}/members`, c),
  new: (_r, c) => getOutcome(`/orgs/${ids.b1}/members/new`, c),
  imp: (_r, c) => getOutcome(`/orgs/${ids.b1}/import`, c),
  aud: (_r, c) => getOutcome(`/orgs/${ids.b1}/audit`, c),
  liu: (_r, c) => getOutcome(`/members/${ids.liu}`, c),
  wu: (_r, c) => getOutcome(`/members/${ids.wu}`, c),
  inv: (_r, c) => postOutcome(`/members/${ids.zhao}`, { intent: "invite" }, c),
  crt: (r, c) =>
    postOutcome(`/orgs`, { intent: "create", parentId: ids.b1, kind: "group", name: `测试小组-${r}-${runId}` }, c),
  mtg: (_r, c) => getOutcome(`/meetings/${ids.meeting}`, c),
  ws: async (_r, c) => String(await upgradeStatus(wsUrl(), headers(c))),
  edit: editOutcome,
};

describe("permission matrix over HTTP and the collaboration socket", () => {
  it("has an action for every column", () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...COLUMNS].sort());
  });

  it.each(CELLS)("$role × $column → $expected", async ({ role, column, expected }) => {
    const got = await ACTIONS[column](role, cookies[role]);
    expect(got, `${ROLE_INFO[role]} / ${column}`).toBe(expected);
  });
});

describe("side effects of the matrix posts", () => {
  it("created a group only for the managers, and no group for anyone refused", async () => {
    const rows = await t.sql<{ name: string }[]>`
      select name from organizations where parent_id = ${ids.b1} and name like ${"测试小组-%-" + runId}`;
    const creators = rows.map((r) => r.name.split("-")[1]).sort();
    expect(creators).toEqual(
      CELLS.filter((c) => c.column === "crt" && c.expected === "200")
        .map((c) => c.role)
        .sort(),
    );
  });
});
