import { afterAll, beforeAll } from "vitest";
import type { Sql } from "../../db/client";
import type { Actor } from "../../server/services/actor";
import { loadSubject } from "../../server/services/people/subjects";
import { signIn, startTestServer, type TestServer } from "./server";

// The demo branch as tests know it (server/demo/seed.ts), ids looked up once per server, an HTTP
// actor that signs in once per person and posts forms the way a browser does without JavaScript,
// a meeting written straight into the tables, and the per-file preamble that starts it all.

export const DEMO = {
  SEC: "13800000001", // 王建国 书记, also an ordinary member of 第一党小组
  ORG: "13800000002", // 李秀英 组织委员
  LEADER: "13800000003", // 张伟 第一党小组长
  LIU: "13800000004", // 刘洋
  CHEN: "13800000005", // 陈静
  YANG: "13800000006", // 杨帆 (第二党小组)
  ZHAO: "13800000007", // 赵敏 预备党员
  HUANG: "13800000008", // 黄磊
  REVIEWER: "13800000009", // 周志强 党委组织委员
  SUN: "13800000010", // 孙丽 机关第二党支部书记
  WU: "13800000011", // 吴刚 机关第二党支部
  ZHENG: "13800000012", // 郑华 流动党员 (第二党小组)
  FENG: "13800000013", // 冯雪 (第一党小组), not activated: no password yet
} as const;

export const ORGS = {
  COMMITTEE: "同心示范单位党委",
  B1: "机关第一党支部",
  G1: "第一党小组",
  G2: "第二党小组",
  B2: "机关第二党支部",
} as const;

export const MIN = 60_000;

export interface DemoIds {
  /** By username. */
  user: Record<string, string>;
  /** By organisation name. */
  org: Record<string, string>;
  /** Display name (张伟) by user id. */
  name: Record<string, string>;
}

export async function demoIds(sql: Sql): Promise<DemoIds> {
  const user: Record<string, string> = {};
  const org: Record<string, string> = {};
  const name: Record<string, string> = {};
  for (const u of await sql<{ id: string; username: string; display_name: string }[]>`
    select id, username, display_name from users`) {
    user[u.username] = u.id;
    name[u.id] = u.display_name;
  }
  for (const o of await sql<{ id: string; name: string }[]>`select id, name from organizations`) org[o.name] = o.id;
  return { user, org, name };
}

/** A response read once: status, content type, redirect target and text. */
async function read(res: Response) {
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    location: res.headers.get("location"),
    text: await res.text(),
  };
}

/** A body as a browser posts it: form fields (urlencoded), a multipart FormData, or raw. */
export type PostBody = Record<string, string> | URLSearchParams | FormData;

export interface RequestOptions {
  /** Added to (or replacing) the defaults: the session cookie, a same-origin `origin`, the content type. */
  headers?: Record<string, string>;
}

/**
 * Who a request is from: a demo username (signed in once, cached), null (signed out), or `{ cookie }`
 * for a session the test signed in itself (a second device, an old password).
 */
export type Who = string | null | { cookie: string };

/** Requests as signed-in people (one sign-in each, cached) or signed out (`who` null). */
export function httpActors(s: TestServer) {
  const cookies = new Map<string, Promise<string>>();
  const cookie = (who: string) => {
    let c = cookies.get(who);
    if (!c) cookies.set(who, (c = signIn(s.url, who)));
    return c;
  };
  const headers = async (who: Who, extra: Record<string, string> = {}) => ({
    ...(!who ? {} : { cookie: typeof who === "string" ? await cookie(who) : who.cookie }),
    ...extra,
  });
  const post = async (path: string, body: PostBody, who: Who, options: RequestOptions = {}) =>
    fetch(`${s.url}${path}`, {
      method: "POST",
      headers: await headers(who, {
        origin: s.url,
        // FormData sets its own multipart boundary.
        ...(body instanceof FormData ? {} : { "content-type": "application/x-www-form-urlencoded" }),
        ...options.headers,
      }),
      body: body instanceof FormData || body instanceof URLSearchParams ? body : new URLSearchParams(body),
      redirect: "manual",
    });
  return {
    cookie,
    /** Signs in again (e.g. with a new password) and uses that session for `who` from now on. */
    signInAgain: (who: string, password?: string) => {
      const c = signIn(s.url, who, password);
      cookies.set(who, c);
      return c;
    },
    get: async (path: string, who: Who, options: RequestOptions = {}) =>
      fetch(`${s.url}${path}`, { headers: await headers(who, options.headers), redirect: "manual" }),
    /** A form post as a browser sends it without JavaScript (same origin); FormData goes as multipart. */
    post,
    /** A JSON body posted the way the app's fetchers do (same origin). */
    postJson: async (path: string, value: unknown, who: Who, options: RequestOptions = {}) =>
      fetch(`${s.url}${path}`, {
        method: "POST",
        headers: await headers(who, { origin: s.url, "content-type": "application/json", ...options.headers }),
        body: JSON.stringify(value),
        redirect: "manual",
      }),
    /** `post`, with the answer read: status, content type, where it redirects to, and the text. */
    submit: async (path: string, body: PostBody, who: Who, options: RequestOptions = {}) =>
      read(await post(path, body, who, options)),
    /** `get`, with the answer read as `submit` does. */
    getText: async (path: string, who: Who, options: RequestOptions = {}) =>
      read(await fetch(`${s.url}${path}`, { headers: await headers(who, options.headers), redirect: "manual" })),
  };
}

export type HttpActors = ReturnType<typeof httpActors>;

/** Someone on a meeting: a demo username, or `{ id }` for a person a test made itself. */
export type Person = string | { id: string };

/** An invitee, with the attendance row the test wants already written (`status`). */
export type Invitee = Person | { user: Person; status?: "present" | "late" | "left_early" | "leave" | "absent" };

export interface MeetingSpec {
  /** Organisation name (ORGS), or `{ id }`. */
  org: string | { id: string };
  kind?: string;
  title?: string;
  /** Minutes from now to the start (negative: already begun); `start` instead gives the moment. */
  inMin?: number;
  start?: Date;
  minutes?: number;
  /** Default 党员活动室; null for none. */
  location?: string | null;
  onlineUrl?: string | null;
  status?: "scheduled" | "planned" | "cancelled";
  cancelledReason?: string | null;
  /** Default DEMO.SEC; null for none. */
  createdBy?: Person | null;
  /** Default DEMO.SEC; null for none. */
  host?: Person | null;
  recorder?: Person | null;
  attendees?: Invitee[];
  guests?: Invitee[];
  editors?: Person[];
  /** The session began at the start (`true`) or at this moment. */
  started?: boolean | Date;
  /** The session ended (at the end, or now if that is earlier), or at this moment. */
  ended?: boolean | Date;
  agenda?: string[];
}

/** A meeting written straight into the tables (usernames for people), returning its id. */
export async function buildMeeting(sql: Sql, ids: DemoIds, spec: MeetingSpec): Promise<string> {
  const start = spec.start ?? new Date(Date.now() + (spec.inMin ?? 5) * MIN);
  const end = new Date(start.getTime() + (spec.minutes ?? 120) * MIN);
  const uid = (u: Person | null | undefined) => (u == null ? null : typeof u === "string" ? ids.user[u] : u.id);
  const orgId = typeof spec.org === "string" ? ids.org[spec.org] : spec.org.id;
  const startedAt = spec.started instanceof Date ? spec.started : spec.started || spec.ended ? start : null;
  const endedAt =
    spec.ended instanceof Date ? spec.ended : spec.ended ? new Date(Math.min(Date.now(), end.getTime())) : null;
  const [m] = await sql<{ id: string }[]>`
    insert into meetings (org_id, kind, title, starts_at, ends_at, location, online_url, status, cancelled_reason,
      created_by, host_id, recorder_id, session_started_at, session_ended_at)
    values (${orgId}, ${spec.kind ?? "general_assembly"}, ${spec.title ?? "测试会议"}, ${start}, ${end},
      ${spec.location === undefined ? "党员活动室" : spec.location}, ${spec.onlineUrl ?? null},
      ${spec.status ?? "scheduled"}, ${spec.cancelledReason ?? null},
      ${uid(spec.createdBy === undefined ? DEMO.SEC : spec.createdBy)},
      ${uid(spec.host === undefined ? DEMO.SEC : spec.host)}, ${uid(spec.recorder)}, ${startedAt}, ${endedAt})
    returning id`;
  for (const [list, role] of [
    [spec.attendees ?? [], "attendee"],
    [spec.guests ?? [], "guest"],
  ] as const)
    for (const i of list) {
      const [who, status] = typeof i === "object" && "user" in i ? [i.user, i.status] : [i, undefined];
      await sql`insert into meeting_invitees (meeting_id, user_id, role) values (${m.id}, ${uid(who)}, ${role})`;
      if (status)
        await sql`insert into attendance (meeting_id, user_id, status, via) values (${m.id}, ${uid(who)}, ${status}, 'code')`;
    }
  for (const u of spec.editors ?? [])
    await sql`insert into meeting_minutes_editors (meeting_id, user_id, added_by) values (${m.id}, ${uid(u)}, ${ids.user[DEMO.SEC]})`;
  for (const [i, title] of (spec.agenda ?? []).entries())
    await sql`insert into meeting_agenda_items (meeting_id, position, title) values (${m.id}, ${i}, ${title})`;
  return m.id;
}

export interface DemoServer {
  /** The running server (after beforeAll). */
  readonly s: TestServer;
  readonly url: string;
  readonly app: TestServer["app"];
  readonly sql: Sql;
  readonly ids: DemoIds;
  readonly http: HttpActors;
  /** buildMeeting on this server. */
  meeting(spec: MeetingSpec): Promise<string>;
  /** A demo person as the services see them (for calling a service directly). */
  actor(who: string, address?: string): Promise<Actor>;
}

/**
 * The preamble of an integration file: a test server on the demo data (started in beforeAll, stopped in
 * afterAll), its ids and HTTP actors. `setup` runs once they are ready, inside the same beforeAll.
 */
export function withDemoServer(
  options: { env?: Record<string, string>; timeout?: number; setup?: (t: DemoServer) => Promise<void> } = {},
): DemoServer {
  let s: TestServer | undefined;
  let ids: DemoIds | undefined;
  let http: HttpActors | undefined;
  const ready = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error("withDemoServer: the server has not started (used outside a test?)");
    return x;
  };
  const t: DemoServer = {
    get s() {
      return ready(s);
    },
    get url() {
      return ready(s).url;
    },
    get app() {
      return ready(s).app;
    },
    get sql() {
      return ready(s).app.db.sql;
    },
    get ids() {
      return ready(ids);
    },
    get http() {
      return ready(http);
    },
    meeting: (spec) => buildMeeting(t.sql, t.ids, spec),
    actor: async (who, address = "127.0.0.1") => ({
      userId: t.ids.user[who],
      subject: await loadSubject(t.sql, t.ids.user[who]),
      address,
    }),
  };
  beforeAll(async () => {
    s = await startTestServer({ env: options.env });
    ids = await demoIds(s.app.db.sql);
    http = httpActors(s);
    await options.setup?.(t);
  }, options.timeout);
  afterAll(async () => {
    await s?.stop();
  });
  return t;
}
