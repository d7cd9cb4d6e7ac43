-- 谈心谈话 records of a 组织生活会 (or 民主生活会) preparation, the branch's rule set for the pairs
-- it requires, and the 联系支委 (liaison) a 党小组 may be given (docs/decisions/033-talks.md).
-- A talk is stored with its two people in a fixed order (person_a < person_b), so the same pair
-- on the same day is one row whoever records it.
create table talks (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id),
  person_a uuid not null references users(id),
  person_b uuid not null references users(id),
  -- a China-time calendar day, never in the future (checked by the service)
  talked_on date not null,
  -- null with online = true: 线上
  place text check (char_length(place) <= 100),
  online boolean not null default false,
  summary text not null check (char_length(summary) between 1 and 500),
  recorded_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  check (person_a < person_b),
  check (online or place is not null)
);
create unique index talks_pair_day_unique on talks (meeting_id, person_a, person_b, talked_on);
create index talks_person_a_idx on talks (meeting_id, person_a);
create index talks_person_b_idx on talks (meeting_id, person_b);

-- Which pairs a branch requires (local variants). No row: the defaults (all three true).
create table talk_settings (
  org_id uuid primary key references organizations(id),
  -- 书记 ↔ everyone in the branch
  secretary_all boolean not null default true,
  -- 委员 ↔ 委员 (the 支委 pairwise)
  committee_pairwise boolean not null default true,
  -- each 委员 ↔ the members of the 党小组 they look after
  liaison_groups boolean not null default true,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

-- The 支委 who look after a 党小组 (联系支委). A group without a row is looked after by the
-- 委员 who are members of it.
create table group_liaisons (
  group_id uuid not null references organizations(id),
  user_id uuid not null references users(id),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  primary key (group_id, user_id)
);
