-- A grant to read a 组织生活会's confidential records from above can be ended before its period
-- (issue 16 §2): by the branch's 书记 or 副书记, or by whoever asked for it. Kept, not deleted: the
-- branch's list shows it as 已结束, and the audit log has who ended it (life.access_ended).
alter table life_above_grants add column ended_at timestamptz;
alter table life_above_grants add column ended_by uuid references users(id);
alter table life_above_grants add constraint life_above_grants_ended_check
  check ((ended_at is null) = (ended_by is null));
