import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../../../db/client";
import { MEETING_KIND_LABEL } from "../../../shared/domain/labels";
import { CHINA_TIME_ZONE } from "../../../shared/time";
import { meetingsToAttend, type Meeting } from "./meetings";
import { loadSubject } from "../people/subjects";

// Personal iCalendar feeds. A phone calendar cannot sign in, so the URL carries the credential:
// 32 random bytes (base64url, 43 characters). Only the SHA-256 of the token is stored, one per
// user; a new token replaces the old one (the old URL stops working) and revoking deletes it.
// The feed holds exactly what the calendar page shows the person (meetingsToAttend), from
// 90 days back, cancelled meetings included so calendars that already have them strike them.

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** How far back the feed reaches, so last month's meetings stay in the phone's calendar. */
export const FEED_PAST_DAYS = 90;
/** The most events one feed carries. */
export const FEED_MAX_EVENTS = 500;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The path of a feed, `/calendar/<token>.ics` (the route is app/routes/calendar.$token[.ics].tsx). */
export const feedPath = (token: string) => `/calendar/${token}.ics`;

/** Makes a new secret token for the user, replacing any earlier one. Returns the token (shown once). */
export async function createFeedToken(sql: Sql, userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await sql`
    insert into calendar_feeds (user_id, token_hash) values (${userId}, ${hashToken(token)})
    on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()`;
  return token;
}

/** Stops the user's feed: its URL answers 404 from now on. */
export async function revokeFeed(sql: Sql, userId: string): Promise<void> {
  await sql`delete from calendar_feeds where user_id = ${userId}`;
}

/** When the user's current feed token was made, or null if they have none. */
export async function feedCreatedAt(sql: Sql, userId: string): Promise<Date | null> {
  const [row] = await sql<{ created_at: Date }[]>`select created_at from calendar_feeds where user_id = ${userId}`;
  return row?.created_at ?? null;
}

export async function hasFeed(sql: Sql, userId: string): Promise<boolean> {
  return (await feedCreatedAt(sql, userId)) !== null;
}

/** The user a feed token belongs to; null for a malformed, unknown or replaced token. */
export async function userForFeedToken(sql: Sql, token: string): Promise<string | null> {
  if (!TOKEN_RE.test(token)) return null;
  const [row] = await sql<{ user_id: string }[]>`
    select f.user_id from calendar_feeds f join users u on u.id = f.user_id where f.token_hash = ${hashToken(token)}`;
  return row?.user_id ?? null;
}

export type FeedStatus = "planned" | "scheduled" | "cancelled";

export interface FeedMeeting extends Meeting {
  status: FeedStatus;
  updatedAt: Date;
  cancelledReason: string | null;
  onlineUrl: string | null;
}

/**
 * The meetings the user should attend, as on their calendar page (meetingsToAttend),
 * from FEED_PAST_DAYS ago on, with the columns a calendar needs besides.
 */
export async function feedMeetingsFor(sql: Sql, userId: string, now = new Date()): Promise<FeedMeeting[]> {
  const subject = await loadSubject(sql, userId);
  const from = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
  const meetings = await meetingsToAttend(sql, subject, { from, limit: FEED_MAX_EVENTS });
  if (meetings.length === 0) return [];
  const extra = await sql<
    { id: string; status: FeedStatus; updated_at: Date; cancelled_reason: string | null; online_url: string | null }[]
  >`
    select id, status, updated_at, cancelled_reason, online_url from meetings where id = any(${meetings.map((m) => m.id)})`;
  const byId = new Map(extra.map((r) => [r.id, r]));
  return meetings.flatMap((m) => {
    const r = byId.get(m.id);
    if (!r) return []; // deleted between the two reads
    return [
      { ...m, status: r.status, updatedAt: r.updated_at, cancelledReason: r.cancelled_reason, onlineUrl: r.online_url },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// RFC 5545 text

const CRLF = "\r\n";
const MAX_OCTETS = 75;

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks; drops other control characters. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/[\\;,\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

const utf8Length = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * Folds a content line into lines of at most 75 octets (the CRLF not counted, the leading space
 * of a continuation counted), breaking only between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > MAX_OCTETS) {
      out.push(current);
      current = " ";
      octets = 1;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join(CRLF);
}

/** 2026-05-01T06:30:00.000Z → 20260501T063000Z */
export const icsDateTime = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

// SEQUENCE must grow with each edit and fit a 32-bit integer: seconds since 2024 do until 2092.
const SEQUENCE_EPOCH = Date.UTC(2024, 0, 1);
export const sequenceOf = (updatedAt: Date) => Math.max(0, Math.floor((updatedAt.getTime() - SEQUENCE_EPOCH) / 1000));

export const FEED_NAME = "同心 · 我的组织生活";

export interface RenderOptions {
  /** Origin the meeting links point at, e.g. https://tongxin.example.org */
  baseUrl: string;
  /** DTSTAMP: when this copy of the calendar was made. */
  now?: Date;
}

const STATUS: Record<FeedStatus, string> = { scheduled: "CONFIRMED", planned: "TENTATIVE", cancelled: "CANCELLED" };

/** The summary a phone shows: 【支部党员大会】集中学习… */
export function feedSummary(m: Pick<FeedMeeting, "kind" | "title">): string {
  return `【${MEETING_KIND_LABEL[m.kind]}】${m.title}`;
}

/** The whole iCalendar object (VCALENDAR with one VEVENT per meeting), CRLF line endings. */
export function renderICalendar(meetings: FeedMeeting[], opts: RenderOptions): string {
  const stamp = icsDateTime(opts.now ?? new Date());
  const lines: string[] = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${escapeText("-//Tongxin//同心//ZH")}`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(FEED_NAME)}`,
    `X-WR-TIMEZONE:${CHINA_TIME_ZONE}`,
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
  ];
  for (const m of meetings) {
    const url = new URL(`/meetings/${m.id}`, opts.baseUrl).href;
    const summary = feedSummary(m);
    const description = [
      `${MEETING_KIND_LABEL[m.kind]} · ${m.orgName}`,
      m.status === "cancelled" ? `已取消${m.cancelledReason ? `：${m.cancelledReason}` : "。"}` : null,
      m.status === "planned" ? "计划中，时间待确认。" : null,
      m.onlineUrl ? `线上参会：${m.onlineUrl}` : null,
      `详情：${url}`,
    ].filter((l): l is string => l !== null);
    lines.push(
      "BEGIN:VEVENT",
      `UID:${m.id}@tongxin`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icsDateTime(m.startsAt)}`,
      `DTEND:${icsDateTime(m.endsAt)}`,
      `LAST-MODIFIED:${icsDateTime(m.updatedAt)}`,
      `SEQUENCE:${sequenceOf(m.updatedAt)}`,
      `SUMMARY:${escapeText(summary)}`,
    );
    if (m.location) lines.push(`LOCATION:${escapeText(m.location)}`);
    lines.push(
      `DESCRIPTION:${escapeText(description.join("\n"))}`,
      `CATEGORIES:${escapeText(MEETING_KIND_LABEL[m.kind])}`,
      `URL:${url}`,
      `STATUS:${STATUS[m.status]}`,
    );
    // No reminder for a meeting that will not take place.
    if (m.status !== "cancelled")
      lines.push("BEGIN:VALARM", "ACTION:DISPLAY", `DESCRIPTION:${escapeText(summary)}`, "TRIGGER:-PT1H", "END:VALARM");
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** The feed behind a token, or null when the token is unknown (the caller answers 404). */
export async function calendarForToken(sql: Sql, token: string, opts: RenderOptions): Promise<string | null> {
  const userId = await userForFeedToken(sql, token);
  if (!userId) return null;
  return renderICalendar(await feedMeetingsFor(sql, userId, opts.now), opts);
}
