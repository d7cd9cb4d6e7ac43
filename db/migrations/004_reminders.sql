-- Time-based reminders (server/services/reminders.ts): a notification that must be sent once
-- carries a dedupe key, e.g. 'meeting.reminder:<meeting id>:<start, epoch seconds>' or
-- 'meeting.due:<org id>:<kind>:<period key>'. The unique index makes sending it again, from a
-- later run or from another app node at the same moment, a no-op (insert … on conflict do nothing).
-- Notifications without a key (invitations, leave, make-up) are not affected.
-- The key comes first so the index also answers "was anybody told this already?" (a due meeting
-- already announced is not looked at again); unique per (person, key) either way.
alter table notifications add column dedupe_key text;
create unique index notifications_dedupe_unique on notifications (dedupe_key, user_id)
  where dedupe_key is not null;
