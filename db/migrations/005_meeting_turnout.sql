-- The 党委 overview (server/services/oversight.ts) shows attendance for a whole subtree: for a
-- 党委 of 1,000 branches that is about two million invitee rows in 24 months. Joining
-- meeting_invitees with attendance for all of them on every page view takes seconds, so each
-- meeting's 应到 / 实到 is kept here, next to the rows it is counted from:
--   expected: invitees with role 'attendee' (应到; 列席 guests are not counted);
--   came:     of those, the ones with an attendance row present, late or left early (实到).
-- Leave and absence are both "not came"; no row at all means not (yet) came.
-- The counts are refreshed by statement-level triggers on meeting_invitees and attendance, so no
-- code path can forget them; a meeting without invitees has no row (read as 0 / 0).
create table meeting_turnout (
  meeting_id uuid primary key references meetings(id) on delete cascade,
  expected integer not null default 0,
  came integer not null default 0
);

-- Recounts the given meetings. Their rows are locked first (in id order, so two refreshes cannot
-- deadlock on each other) and counted afterwards: under READ COMMITTED each statement here sees
-- a fresh snapshot, so a refresh that waited for a concurrent sign-in counts that sign-in too
-- instead of overwriting its count with an older one.
create function refresh_meeting_turnout(ids uuid[]) returns void language plpgsql as $$
begin
  insert into meeting_turnout (meeting_id)
    select id from meetings where id = any(ids) order by id
    on conflict (meeting_id) do nothing;
  perform 1 from meeting_turnout where meeting_id = any(ids) order by meeting_id for update;
  update meeting_turnout t set expected = coalesce(c.expected, 0), came = coalesce(c.came, 0)
  from unnest(ids) as x(id)
    left join (
      select i.meeting_id, count(*)::int as expected,
        count(a.user_id) filter (where a.status in ('present', 'late', 'left_early'))::int as came
      from meeting_invitees i
        left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
      where i.meeting_id = any(ids) and i.role = 'attendee'
      group by i.meeting_id
    ) c on c.meeting_id = x.id
  where t.meeting_id = x.id
    and (t.expected, t.came) is distinct from (coalesce(c.expected, 0), coalesce(c.came, 0));
end $$;

create function meeting_turnout_changed() returns trigger language plpgsql as $$
begin
  perform refresh_meeting_turnout(array(select distinct meeting_id from changed));
  return null;
end $$;

create function meeting_turnout_updated() returns trigger language plpgsql as $$
begin
  perform refresh_meeting_turnout(array(
    select meeting_id from changed union select meeting_id from changed_before));
  return null;
end $$;

create trigger meeting_invitees_turnout_insert after insert on meeting_invitees
  referencing new table as changed for each statement execute function meeting_turnout_changed();
create trigger meeting_invitees_turnout_delete after delete on meeting_invitees
  referencing old table as changed for each statement execute function meeting_turnout_changed();
create trigger meeting_invitees_turnout_update after update on meeting_invitees
  referencing old table as changed_before new table as changed
  for each statement execute function meeting_turnout_updated();
create trigger attendance_turnout_insert after insert on attendance
  referencing new table as changed for each statement execute function meeting_turnout_changed();
create trigger attendance_turnout_delete after delete on attendance
  referencing old table as changed for each statement execute function meeting_turnout_changed();
create trigger attendance_turnout_update after update on attendance
  referencing old table as changed_before new table as changed
  for each statement execute function meeting_turnout_updated();

-- The counts for what is already there.
insert into meeting_turnout (meeting_id, expected, came)
  select i.meeting_id, count(*)::int,
    count(a.user_id) filter (where a.status in ('present', 'late', 'left_early'))::int
  from meeting_invitees i
    left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
  where i.role = 'attendee'
  group by i.meeting_id;
