-- 整改清单 and the 问题清单 it draws from (docs/decisions/031-rectification-list.md).
-- A 问题清单 item is a problem found in a branch (by the 书记 today; later from criticisms and
-- opinions, through source_kind/source_id). An 整改清单 item belongs to the branch and, optionally,
-- to the 组织生活会 it came from; it may be made from a problem, a criticism or an opinion (source),
-- once per source. States: open → reported (the owner's note of what was done) → closed (the 书记's
-- confirmation, 对单销号); a reported item may be returned, and is reported again.
create table problem_items (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations(id),
  meeting_id uuid references meetings(id),
  -- whom the problem is about; null: the branch as a whole
  person_id uuid references users(id),
  source_kind text not null default 'manual' check (source_kind in ('manual', 'criticism', 'opinion')),
  source_id uuid,
  text text not null check (char_length(text) between 1 and 500),
  created_by uuid not null references users(id),
  created_at timestamptz not null default now()
);
create index problem_items_org_idx on problem_items (org_id, created_at desc);

create table rectification_items (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations(id),
  meeting_id uuid references meetings(id),
  source_kind text not null default 'manual'
    check (source_kind in ('manual', 'problem', 'criticism', 'opinion')),
  source_id uuid,
  problem text not null check (char_length(problem) between 1 and 500),
  measures text not null check (char_length(measures) between 1 and 1000),
  -- null: the branch itself owns the item
  owner_id uuid references users(id),
  -- a China-time calendar day
  deadline date not null,
  commitment text not null check (char_length(commitment) between 1 and 500),
  status text not null default 'open' check (status in ('open', 'reported', 'returned', 'closed')),
  report_note text check (char_length(report_note) <= 1000),
  reported_at timestamptz,
  reported_by uuid references users(id),
  return_note text check (char_length(return_note) <= 500),
  returned_at timestamptz,
  closed_at timestamptz,
  closed_by uuid references users(id),
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  check (source_kind = 'manual' or source_id is not null)
);
-- One item per problem, criticism or opinion: a second click finds the first.
create unique index rectification_items_source_unique on rectification_items (source_kind, source_id)
  where source_id is not null;
create index rectification_items_org_idx on rectification_items (org_id, status, deadline);
create index rectification_items_meeting_idx on rectification_items (meeting_id) where meeting_id is not null;
create index rectification_items_owner_idx on rectification_items (owner_id) where status <> 'closed';

-- The branch's choice of who reads its list (besides the owner, the 支委 and the level above) and
-- how many days before the deadline the owner is reminded.
create table rectification_settings (
  org_id uuid primary key references organizations(id),
  scope text not null default 'branch' check (scope in ('committee', 'branch')),
  remind_days int not null default 7 check (remind_days between 1 and 60),
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);
