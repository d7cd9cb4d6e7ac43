-- How a person attended (docs/decisions/028): 现场 (in the room) or 线上 (online), beside the
-- path that recorded it (via: the room's code, the session page, the host). Only an attendance
-- that counts as 出席 has a mode.
alter table attendance add column if not exists mode text check (mode in ('onsite', 'online'));

-- Existing records, read with the rules of decision 028: the meeting's form (a room, an online
-- link, or both) and the path. A record the rules cannot place (the host's entry in a meeting
-- held both ways) stays without a mode: 方式未记录.
update attendance a set mode = case
    when nullif(btrim(m.online_url), '') is null then 'onsite'
    when nullif(btrim(m.location), '') is null then 'online'
    when a.via = 'code' then 'onsite'
    when a.via = 'online' then 'online'
  end
from meetings m
where m.id = a.meeting_id and a.mode is null and a.status in ('present', 'late', 'left_early');

alter table attendance add constraint attendance_mode_only_when_came
  check (mode is null or status in ('present', 'late', 'left_early'));
