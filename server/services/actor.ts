import type { Subject } from "../../shared/permissions";

/** Who is acting and from where: what every changing service call needs for checks and the audit log. */
export interface Actor {
  userId: string;
  subject: Subject;
  address: string | null;
}

/**
 * Pushes permission changes to live connections (the collaboration server closes or
 * downgrades them). One instance per process, created by the Node entry.
 */
export interface LiveAccess {
  accessChanged(userIds: string[]): void;
  /** The organisation tree changed shape: everyone's rights may have changed. */
  treeChanged(): void;
  sessionsEnded(userId: string, keepSessionId: string | null): void;
}
