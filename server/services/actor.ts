import type { Subject } from "../../shared/permissions";

/** Who is acting and from where: what every changing service call needs for checks and the audit log. */
export interface Actor {
  userId: string;
  subject: Subject;
  address: string | null;
}

/**
 * The services' way to the live side: permission changes reach open connections (the
 * collaboration server closes or downgrades them) and session changes reach open pages. One
 * instance per process, created by the Node entry.
 */
export interface LiveAccess {
  accessChanged(userIds: string[]): void;
  /** The organisation tree changed shape: everyone's rights may have changed. */
  treeChanged(): void;
  sessionsEnded(userId: string, keepSessionId: string | null): void;
  /**
   * Something a session page shows changed (started, ended, agenda moved, attendance, a vote,
   * reflections): the session's live channel says so and open pages reload their data.
   * Resolves once it is stored and sent; never rejects (a failure is logged).
   */
  sessionChanged(meetingId: string, state?: import("../../shared/live-session").LiveChange): Promise<void>;
  /** Users on a session's live page right now (on every node, when several share documents). */
  presentUsers(meetingId: string): Promise<string[]>;
  /**
   * The current state of these documents, by name: the open room's where one is loaded on this
   * node (what was just typed), else the stored one. A name never written is absent.
   */
  readDocuments(docNames: string[]): Promise<Map<string, Uint8Array>>;
  /** A change the server makes to a live document: stored, then sent to everyone connected. */
  editDocument(docName: string, change: (doc: import("yjs").Doc) => void): Promise<void>;
}
