import type { Sql } from "../../../db/client";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../../shared/domain/labels";
import type { Actor } from "../actor";

// What a change to a meeting leaves behind: its line in the meeting's history, and the notices to
// those it concerns (never to the one who made it).

export type Change = "created" | "rescheduled" | "updated" | "corrected" | "cancelled" | "materials";

export async function history(
  t: Sql,
  meetingId: string,
  actor: Actor,
  change: Change,
  detail: Record<string, unknown>,
) {
  await t`insert into meeting_history (meeting_id, actor_id, change, detail)
          values (${meetingId}, ${actor.userId}, ${change}, ${t.json(detail as never)})`;
}

/** One notification each; the actor is not told about their own change. */
export async function notifyInvitees(
  t: Sql,
  actor: Actor,
  userIds: string[],
  kind: string,
  title: string,
  link: string,
) {
  const to = [...new Set(userIds)].filter((id) => id !== actor.userId);
  if (to.length === 0) return;
  await t`insert into notifications (user_id, kind, title, link)
          select u, ${kind}, ${title}, ${link} from unnest(${to}::uuid[]) as u`;
}

export const label = (kind: MeetingKind, title: string) => `${MEETING_KIND_LABEL[kind]} ${title}`;
export const linkTo = (id: string) => `/meetings/${id}`;
