-- Organisations: 党委 → 党总支 → 党支部 → 党小组, any depth.
create table organizations (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references organizations(id),
  kind text not null check (kind in ('committee', 'general_branch', 'branch', 'group')),
  name text not null,
  created_at timestamptz not null default now()
);
create index organizations_parent_idx on organizations (parent_id);

create table users (
  id uuid primary key default gen_random_uuid(),
  -- sign-in name: a phone number or a staff number
  username text not null unique,
  display_name text not null,
  password_hash text,
  category text not null default 'full'
    check (category in ('full', 'probationary', 'candidate', 'activist')),
  created_at timestamptz not null default now()
);

-- One person may hold several memberships (双重组织生活); ended ones stay as history.
create table memberships (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  org_id uuid not null references organizations(id),
  role text not null check (role in ('secretary', 'deputy_secretary', 'organization_member',
    'propaganda_member', 'discipline_member', 'group_leader', 'member')),
  started_at timestamptz not null default now(),
  ended_at timestamptz
);
create index memberships_user_idx on memberships (user_id) where ended_at is null;
create index memberships_org_idx on memberships (org_id) where ended_at is null;

-- Lucia sessions.
create table auth_sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  expires_at timestamptz not null
);
create index auth_sessions_user_idx on auth_sessions (user_id);

-- Failed sign-ins, counted per account and per address.
create table login_failures (
  key text primary key,
  failures integer not null,
  window_started_at timestamptz not null,
  locked_until timestamptz
);

create table meetings (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations(id),
  kind text not null check (kind in ('general_assembly', 'committee_meeting', 'group_meeting',
    'party_lecture', 'theme_day', 'life_meeting', 'member_review')),
  title text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  location text,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index meetings_org_idx on meetings (org_id, starts_at);

-- Yjs documents: an append-only log of updates, folded into a snapshot now and then.
create table doc_updates (
  id bigserial primary key,
  doc_name text not null,
  data bytea not null,
  created_at timestamptz not null default now()
);
create index doc_updates_doc_idx on doc_updates (doc_name, id);

create table doc_snapshots (
  doc_name text primary key,
  state bytea not null,
  last_update_id bigint not null,
  updated_at timestamptz not null default now()
);
