import { UUID_PATTERN as UUID } from "./ids";

// Live documents are named <namespace>.<id>.<part>, e.g. meeting.<uuid>.minutes.
const MEETING_DOC = new RegExp(`^meeting\\.(${UUID})\\.(minutes|live|(reflection|examination)\\.(${UUID}))$`);
// 批评与自我批评 (issue 16 §2, docs/decisions/035): one criticism per author and person, the
// person's answer (表态), and the note the server composes from them.
const CRITICISM_DOC = new RegExp(
  `^meeting\\.(${UUID})\\.(?:criticism\\.(${UUID})\\.(${UUID})|answer\\.(${UUID})|criticism-note\\.(${UUID}))$`,
);

export type DocName =
  /** The co-edited 会议记录. */
  | { kind: "meeting-minutes"; meetingId: string }
  /** The session's live channel: the server writes the agenda position; awareness is presence. */
  | { kind: "meeting-live"; meetingId: string }
  /** One attendee's 心得体会. */
  | { kind: "reflection"; meetingId: string; authorId: string }
  /** One member's 对照检查材料 for a 组织生活会: written only by its author. */
  | { kind: "examination"; meetingId: string; authorId: string }
  /** One attendee's criticism of one person at a 组织生活会: written only by its author. */
  | { kind: "criticism"; meetingId: string; targetId: string; authorId: string }
  /** The person's answer (表态) to the criticisms they received: written only by them. */
  | { kind: "criticism-answer"; meetingId: string; personId: string }
  /** The person's 批评与自我批评 note: composed and written by the server only (no authors in it). */
  | { kind: "criticism-note"; meetingId: string; personId: string };

/** Every kind of live document; tests walk this list (the access matrix), so a new kind needs a row there. */
export const DOC_KINDS = [
  "meeting-minutes",
  "meeting-live",
  "reflection",
  "examination",
  "criticism",
  "criticism-answer",
  "criticism-note",
] as const;
// Compile-time check that the list above names every kind of DocName.
const _everyKind: Exclude<DocName["kind"], (typeof DOC_KINDS)[number]> extends never ? true : never = true;
void _everyKind;

export function parseDocName(name: string): DocName | null {
  const c = CRITICISM_DOC.exec(name);
  if (c) {
    if (c[2]) return { kind: "criticism", meetingId: c[1], targetId: c[2], authorId: c[3] };
    if (c[4]) return { kind: "criticism-answer", meetingId: c[1], personId: c[4] };
    return { kind: "criticism-note", meetingId: c[1], personId: c[5] };
  }
  const m = MEETING_DOC.exec(name);
  if (!m) return null;
  if (m[2] === "minutes") return { kind: "meeting-minutes", meetingId: m[1] };
  if (m[2] === "live") return { kind: "meeting-live", meetingId: m[1] };
  if (m[3] === "examination") return { kind: "examination", meetingId: m[1], authorId: m[4] };
  return { kind: "reflection", meetingId: m[1], authorId: m[4] };
}

export const meetingMinutesDoc = (meetingId: string) => `meeting.${meetingId}.minutes`;
export const meetingLiveDoc = (meetingId: string) => `meeting.${meetingId}.live`;
export const reflectionDoc = (meetingId: string, authorId: string) => `meeting.${meetingId}.reflection.${authorId}`;

// 组织生活会 documents (issue 16). The names are fixed here so that the parts built apart agree;
// each kind joins DocName and DOC_KINDS with the service that serves it.
/** One member's 对照检查材料 for a 组织生活会: written only by its author. */
export const examinationDoc = (meetingId: string, authorId: string) => `meeting.${meetingId}.examination.${authorId}`;

/** One attendee's criticism of one person (the author's own live document). */
export const criticismDoc = (meetingId: string, targetId: string, authorId: string) =>
  `meeting.${meetingId}.criticism.${targetId}.${authorId}`;
/** The prefix of every criticism of one person: the server lists them by it (never a client). */
export const criticismDocPrefix = (meetingId: string, targetId: string) =>
  `meeting.${meetingId}.criticism.${targetId}.`;
/** The person's answer (表态) to the criticisms they received. */
export const criticismAnswerDoc = (meetingId: string, personId: string) => `meeting.${meetingId}.answer.${personId}`;
/** The person's 批评与自我批评 note, composed by the server. */
export const criticismNoteDoc = (meetingId: string, personId: string) =>
  `meeting.${meetingId}.criticism-note.${personId}`;
