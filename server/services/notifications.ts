import type { Sql } from "../../db/client";

// In-app notifications: invitations, schedule changes, leave decisions, make-up tasks, password
// resets, and the time-based reminders of services/reminders.ts (meetings coming up, meetings
// due). Each person sees only their own; there is no other reader. The bell counts the unread
// ones, whatever kind.

export type NotificationKind =
  | "meeting.invited"
  | "meeting.rescheduled"
  | "meeting.cancelled"
  | "meeting.uninvited"
  | "leave.requested"
  | "leave.decided"
  | "makeup.assigned"
  | "meeting.due"
  | "meeting.reminder"
  | "reflection.reminder"
  | "reflection.returned"
  | "reflection.accepted"
  | "account.reset"
  | "rectification.assigned"
  | "rectification.due"
  | "rectification.overdue"
  | "rectification.reported"
  | "rectification.returned"
  | "rectification.confirmed"
  | "review.opened"
  | "review.outcome"
  | "review.reported"
  | "opinion.passed"
  | "talk.recorded"
  | "examination.submitted"
  | "examination.returned"
  | "examination.accepted"
  | "life.plan_reported"
  | "life.outcome_reported"
  | "life.access_asked"
  | "life.access_ended";

/**
 * One notification each. With a dedupeKey, a person who already has a notification with that key
 * gets no second one (unique per person, migration 004), however often or concurrently it is sent.
 */
export async function notify(
  sql: Sql,
  userIds: string[],
  n: { kind: NotificationKind; title: string; link?: string | null; dedupeKey?: string },
) {
  if (userIds.length === 0) return;
  await sql`
    insert into notifications (user_id, kind, title, link, dedupe_key)
    select u, ${n.kind}, ${n.title}, ${n.link ?? null}, ${n.dedupeKey ?? null} from unnest(${userIds}::uuid[]) as u
    ${n.dedupeKey ? sql`on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing` : sql``}`;
}

export async function unreadCount(sql: Sql, userId: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`;
  return n;
}

export interface Notification {
  id: string;
  kind: NotificationKind;
  title: string;
  link: string | null;
  createdAt: Date;
  read: boolean;
}

export async function listNotifications(sql: Sql, userId: string, limit = 50): Promise<Notification[]> {
  return sql<Notification[]>`
    select id::text, kind, title, link, created_at as "createdAt", (read_at is not null) as read
    from notifications where user_id = ${userId} order by id desc limit ${limit}`;
}

/** Marks one (by id) or all of the person's notifications read; only ever their own. */
export async function markRead(sql: Sql, userId: string, id?: string) {
  if (id !== undefined && !/^\d+$/.test(id)) return;
  await sql`
    update notifications set read_at = now()
    where user_id = ${userId} and read_at is null ${id ? sql`and id = ${id}` : sql``}`;
}
