-- The 三会一课 calendar: richer meetings, invitees (应到 / 列席), attendance, leave, make-up
-- study, change history, recurring series, local rules per organisation and notifications.

-- Local rules (cadence, fixed day, thresholds, notice days) per organisation; the defaults live
-- in shared/domain/cadence.ts, so an empty object means "the defaults".
create table org_settings (
  org_id uuid primary key references organizations(id),
  settings jsonb not null default '{}',
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

create table meeting_series (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations(id),
  kind text not null,
  title text not null,
  -- e.g. {"freq":"monthly","weekday":5,"nth":1} for the first Friday of each month
  rule jsonb not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now()
);

-- planned: proposed by the annual plan, not yet confirmed; scheduled: on the calendar.
alter table meetings add column status text not null default 'scheduled'
  check (status in ('planned', 'scheduled', 'cancelled'));
alter table meetings add column online_url text;
alter table meetings add column host_id uuid references users(id);
alter table meetings add column recorder_id uuid references users(id);
alter table meetings add column series_id uuid references meeting_series(id);
alter table meetings add column cancelled_reason text;
alter table meetings add column updated_at timestamptz not null default now();
-- When the host actually started and ended the session (attendance freezes at the end).
alter table meetings add column session_started_at timestamptz;
alter table meetings add column session_ended_at timestamptz;
-- Secret behind the rotating sign-in code shown by the host.
alter table meetings add column signin_secret text;
create index meetings_starts_idx on meetings (starts_at);

create table meeting_agenda_items (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  position integer not null,
  title text not null
);
create index meeting_agenda_items_meeting_idx on meeting_agenda_items (meeting_id, position);

create table files (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  mime text not null,
  size integer not null,
  data bytea not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now()
);

create table meeting_materials (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  title text not null,
  url text,
  file_id uuid references files(id),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  check ((url is null) <> (file_id is null))
);
create index meeting_materials_meeting_idx on meeting_materials (meeting_id);

-- 应到 (attendee) and 列席 (guest). Computed from the kind when the meeting is made, then editable.
create table meeting_invitees (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  role text not null default 'attendee' check (role in ('attendee', 'guest')),
  added_by uuid references users(id),
  primary key (meeting_id, user_id)
);
create index meeting_invitees_user_idx on meeting_invitees (user_id);

create table attendance (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  status text not null check (status in ('present', 'late', 'left_early', 'absent', 'leave')),
  signed_in_at timestamptz,
  via text not null check (via in ('code', 'online', 'host')),
  corrected_by uuid references users(id),
  correction_reason text,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, user_id)
);
create index attendance_user_idx on attendance (user_id);

-- Reschedules, cancellations and edits of a meeting, as the history invitees are told about.
create table meeting_history (
  id bigserial primary key,
  meeting_id uuid not null references meetings(id) on delete cascade,
  at timestamptz not null default now(),
  actor_id uuid references users(id),
  change text not null,
  detail jsonb not null default '{}'
);
create index meeting_history_meeting_idx on meeting_history (meeting_id, id);

create table leave_requests (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  reason text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'declined', 'withdrawn')),
  requested_at timestamptz not null default now(),
  decided_by uuid references users(id),
  decided_at timestamptz,
  decision_note text
);
create unique index leave_requests_open_unique on leave_requests (meeting_id, user_id)
  where status in ('pending', 'approved');

create table makeup_tasks (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  note text,
  unique (meeting_id, user_id)
);

create table notifications (
  id bigserial primary key,
  user_id uuid not null references users(id),
  kind text not null,
  title text not null,
  link text,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_idx on notifications (user_id, id desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;

-- Personal iCalendar feeds: a secret token (only its hash stored), revocable by replacing it.
create table calendar_feeds (
  user_id uuid primary key references users(id),
  token_hash text not null unique,
  created_at timestamptz not null default now()
);
