-- The 组织生活会 cycle (issue 16; docs/decisions/036-life-cycle.md): the 民主生活会 kind of a
-- 党委's or 党总支's leadership body, the study a 组织生活会 rests on, its reports upward and the
-- level above's time-limited grants to read its confidential records.
alter table meetings drop constraint if exists meetings_kind_check;
alter table meetings add constraint meetings_kind_check check (kind in ('general_assembly', 'committee_meeting',
  'group_meeting', 'party_lecture', 'theme_day', 'life_meeting', 'member_review',
  'party_committee', 'general_committee', 'central_study', 'party_congress', 'leadership_life_meeting'));

-- 学习: study meetings of the same organisation (党课 or 主题党日 学习) the 书记 links to the 组织生活会 ...
create table life_study_links (
  meeting_id uuid not null references meetings(id) on delete cascade,
  study_meeting_id uuid not null references meetings(id) on delete cascade,
  linked_by uuid not null references users(id),
  linked_at timestamptz not null default now(),
  primary key (meeting_id, study_meeting_id),
  check (meeting_id <> study_meeting_id)
);

-- ... or a study held offline, recorded with its day and hours.
create table life_offline_studies (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  -- a China-time calendar day
  studied_on date not null,
  hours numeric(4, 1) not null check (hours > 0 and hours <= 24),
  topic text not null check (char_length(topic) between 1 and 200),
  recorded_by uuid not null references users(id),
  recorded_at timestamptz not null default now()
);
create index life_offline_studies_meeting_idx on life_offline_studies (meeting_id);

-- 上报: the plan (topic, date) before the meeting, the outcome and 整改清单 after it. One of each.
create table life_reports (
  meeting_id uuid not null references meetings(id) on delete cascade,
  stage text not null check (stage in ('plan', 'outcome')),
  reported_by uuid not null references users(id),
  reported_at timestamptz not null default now(),
  -- what was sent: topic and date for the plan; counts of the 整改清单 for the outcome
  detail jsonb not null default '{}',
  primary key (meeting_id, stage)
);

-- A committee member above asks to read a 组织生活会's confidential records for a period.
create table life_above_grants (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  reason text not null check (char_length(reason) between 1 and 500),
  granted_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check (expires_at > granted_at)
);
create index life_above_grants_lookup_idx on life_above_grants (meeting_id, user_id, expires_at);
