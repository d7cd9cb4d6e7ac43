import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import type { MeetingKind } from "../../../shared/domain/labels";
import { plainText } from "../../../shared/editor/minutes";
import {
  sessionAccess,
  type ReflectionResource,
  type ReflectionStatus,
  type Subject,
} from "../../../shared/permissions";
import { loadMeetingScope, scopeSettings, type MeetingScope } from "../meeting-scope";
import type { Earlier } from "./passage-order";
import type { LiveAccess } from "../actor";
import { DomainError } from "../errors";
import { storedStates } from "../../collab/persistence";

// 心得体会: each attendee (应到 or 列席) writes their own reflection on a session in a live
// document (meeting.<m>.reflection.<author>), then submits it by the host's deadline. The
// reviewers (whoever manages the meeting's attendance) return it with a comment or accept it.
// On submission the text is compared with the session's other submitted reflections and with the
// author's own earlier ones (similarity.ts); the figure and the passages are stored for the
// reviewer. Every function checks reflectionAccess / sessionAccess on data it loads itself;
// a reflection the subject may not see is "hidden" (404).
//
// This module: what the others share — the meeting as a reader loads it (loadMeetingScope), a
// reflection's row, the shapes stored with a submission. submit.ts (the author's view, submission
// and the similarity check), review.ts (accept / return, one reflection), overview.ts (deadline,
// reminders, the reviewers' overview and the session page's card).

export type { ReflectionStatus };

/** The meeting as a reader sees it, with the branch's visibility rule for submitted reflections. */
export type Loaded = MeetingScope & { visibility: "committee" | "branch" };

export interface ReflectionRow {
  status: ReflectionStatus;
  submitted_text: string | null;
  word_count: number;
  submitted_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_comment: string | null;
  similarity: number | null;
  similarity_detail: SimilarityDetail | null;
  reminded_at: Date | null;
}

export interface MeetingSummary {
  id: string;
  title: string;
  kind: MeetingKind;
  orgName: string;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
}

/** One other text that shares passages with a submitted reflection, as stored with it. */
export interface SimilarityMatch {
  /** Another member's reflection for the same session, or one of the author's own earlier ones. */
  source: "session" | "earlier";
  userId: string;
  name: string;
  meetingId: string;
  meetingTitle: string;
  meetingStartsAt: string;
  /** 0..1, counting only passages the other side had first (or whose order is unknown). */
  score: number;
  /** The score before that: every shared passage counted. */
  rawScore?: number;
  /** Who had the shared passages first (another member's reflection only). */
  earlier?: Earlier;
  /**
   * Offsets into the submitted text (start, end) and into otherText (otherStart, otherEnd), end
   * exclusive; for another member's reflection also when each side first stored the passage.
   */
  passages: {
    start: number;
    end: number;
    otherStart: number;
    otherEnd: number;
    mineAt?: string | null;
    otherAt?: string | null;
  }[];
  /** The other text as it was when compared, so the offsets stay right if it changes later. */
  otherText: string;
}

/** What the check found, stored in reflections.similarity_detail. */
export interface SimilarityDetail {
  checked: boolean;
  flagged: boolean;
  score: number;
  threshold: number;
  /** Share of the text that quotes the session's materials, agenda and slogans. */
  quoted: number;
  comparedWith: { session: number; earlier: number };
  matches: SimilarityMatch[];
  checkedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The meeting if the subject may read it (loadMeetingScope); hidden (404) otherwise. */
export async function readableMeeting(sql: Sql, subject: Subject, meetingId: string): Promise<Loaded> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  return { ...scope, visibility: (await scopeSettings(sql, scope)).reflectionVisibility };
}

export const summary = (m: Loaded): MeetingSummary => ({
  id: m.row.id,
  title: m.row.title,
  kind: m.row.kind,
  orgName: m.row.org_name,
  startsAt: m.row.starts_at,
  endsAt: m.row.ends_at,
  cancelled: m.row.status === "cancelled",
});

export const resourceOf = (
  m: Loaded,
  authorId: string,
  status: ReflectionStatus,
  authorInvited: boolean,
): ReflectionResource => ({
  meeting: m.resource,
  hostId: m.row.host_id,
  authorId,
  authorInvited,
  status,
  visibility: m.visibility,
});

/** Reviewers: whoever manages the meeting's attendance (host, managers, a group's 党小组长). */
export const reviews = (subject: Subject, m: Loaded) =>
  sessionAccess(subject, { meeting: m.resource, hostId: m.row.host_id, invited: false }) === "manage";

export async function inviteeRole(sql: Sql, meetingId: string, userId: string): Promise<"attendee" | "guest" | null> {
  const [r] = await sql<{ role: "attendee" | "guest" }[]>`
    select role from meeting_invitees where meeting_id = ${meetingId} and user_id = ${userId}`;
  return r?.role ?? null;
}

export async function reflectionRow(sql: Sql, meetingId: string, userId: string): Promise<ReflectionRow | null> {
  const [r] = await sql<ReflectionRow[]>`
    select status, submitted_text, word_count, submitted_at, reviewed_by, reviewed_at, review_comment, similarity,
      similarity_detail, reminded_at
    from reflections where meeting_id = ${meetingId} and user_id = ${userId}`;
  return r ?? null;
}

export const deadlinePassed = (m: Loaded, now: Date) =>
  m.row.reflection_deadline !== null && now > m.row.reflection_deadline;

/** The plain text of stored live documents, by name (server/collab/persistence.ts reads them). */
export async function storedTexts(sql: Sql, docNames: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, state] of await storedStates(sql, docNames)) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    out.set(name, plainText(doc));
    doc.destroy();
  }
  return out;
}

/**
 * A live document as its author submits it: `update` (the editor's full Yjs state, posted with the
 * form) is checked apart, then applied to the live document, whose plain text is returned, tidied.
 * What the author sees is what is stored, even if the websocket lagged or the phone was offline.
 * Shared by the 心得体会 and the 对照检查材料.
 */
export async function submittedDocumentText(live: LiveAccess, docName: string, update?: Uint8Array): Promise<string> {
  if (update) {
    // Decode it apart first: a malformed state must not reach the live document.
    const probe = new Y.Doc();
    try {
      Y.applyUpdate(probe, update);
    } catch {
      throw new DomainError("提交的内容无法读取，请刷新页面后重试。", 400);
    } finally {
      probe.destroy();
    }
  }
  let text = "";
  await live.editDocument(docName, (doc) => {
    if (update) Y.applyUpdate(doc, update);
    text = plainText(doc);
  });
  return tidy(text);
}

/** Blank lines and trailing spaces are not content. */
export const tidy = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

export const isIn = (s: ReflectionStatus) => s === "submitted" || s === "accepted";
