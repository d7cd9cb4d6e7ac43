import type { Sql } from "../../db/client";
import { signIn, type TestServer } from "./server";

// The demo branch as tests know it (server/demo/seed.ts), ids looked up once per server, and an HTTP
// actor that signs in once per person and posts forms the way a browser does without JavaScript.

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
}

export async function demoIds(sql: Sql): Promise<DemoIds> {
  const user: Record<string, string> = {};
  const org: Record<string, string> = {};
  for (const u of await sql<{ id: string; username: string }[]>`select id, username from users`)
    user[u.username] = u.id;
  for (const o of await sql<{ id: string; name: string }[]>`select id, name from organizations`) org[o.name] = o.id;
  return { user, org };
}

/** Requests as signed-in people (one sign-in each, cached) or signed out (`who` null). */
export function httpActors(s: TestServer) {
  const cookies = new Map<string, Promise<string>>();
  const cookie = (who: string) => {
    let c = cookies.get(who);
    if (!c) cookies.set(who, (c = signIn(s.url, who)));
    return c;
  };
  const headers = async (who: string | null, extra: Record<string, string> = {}) => ({
    ...(who ? { cookie: await cookie(who) } : {}),
    ...extra,
  });
  return {
    cookie,
    get: async (path: string, who: string | null) =>
      fetch(`${s.url}${path}`, { headers: await headers(who), redirect: "manual" }),
    /** A form post as a browser sends it without JavaScript (same origin). */
    post: async (path: string, body: Record<string, string>, who: string | null) =>
      fetch(`${s.url}${path}`, {
        method: "POST",
        headers: await headers(who, { origin: s.url, "content-type": "application/x-www-form-urlencoded" }),
        body: new URLSearchParams(body),
        redirect: "manual",
      }),
  };
}

export interface MeetingSpec {
  org: string;
  kind?: string;
  title?: string;
  /** Minutes from now to the start (negative: already begun). */
  inMin?: number;
  minutes?: number;
  host?: string | null;
  recorder?: string | null;
  attendees?: string[];
  guests?: string[];
  editors?: string[];
  started?: boolean;
  ended?: boolean;
  agenda?: string[];
}

/** A meeting written straight into the tables (usernames for people), returning its id. */
export async function buildMeeting(sql: Sql, ids: DemoIds, spec: MeetingSpec): Promise<string> {
  const start = new Date(Date.now() + (spec.inMin ?? 5) * MIN);
  const end = new Date(start.getTime() + (spec.minutes ?? 120) * MIN);
  const uid = (u: string | null | undefined) => (u ? ids.user[u] : null);
  const [m] = await sql<{ id: string }[]>`
    insert into meetings (org_id, kind, title, starts_at, ends_at, location, created_by, host_id, recorder_id,
      session_started_at, session_ended_at)
    values (${ids.org[spec.org]}, ${spec.kind ?? "general_assembly"}, ${spec.title ?? "测试会议"}, ${start}, ${end},
      '党员活动室', ${ids.user[DEMO.SEC]}, ${uid(spec.host === undefined ? DEMO.SEC : spec.host)}, ${uid(spec.recorder)},
      ${spec.started || spec.ended ? start : null}, ${spec.ended ? new Date(Math.min(Date.now(), end.getTime())) : null})
    returning id`;
  for (const u of spec.attendees ?? [])
    await sql`insert into meeting_invitees (meeting_id, user_id, role) values (${m.id}, ${ids.user[u]}, 'attendee')`;
  for (const u of spec.guests ?? [])
    await sql`insert into meeting_invitees (meeting_id, user_id, role) values (${m.id}, ${ids.user[u]}, 'guest')`;
  for (const u of spec.editors ?? [])
    await sql`insert into meeting_minutes_editors (meeting_id, user_id, added_by) values (${m.id}, ${ids.user[u]}, ${ids.user[DEMO.SEC]})`;
  for (const [i, title] of (spec.agenda ?? []).entries())
    await sql`insert into meeting_agenda_items (meeting_id, position, title) values (${m.id}, ${i}, ${title})`;
  return m.id;
}
