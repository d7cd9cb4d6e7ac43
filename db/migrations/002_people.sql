-- People and permissions: probation dates, 流动党员 memberships, membership history,
-- one-time invitations and the audit log.

-- 预备党员 probation (one year by default); kept when they become 正式党员, as history.
alter table users add column probation_started_on date;
alter table users add column probation_ends_on date;

-- A 流动党员 takes part in the host organisation's life but has no vote there.
alter table memberships add column mobile boolean not null default false;
alter table memberships add column created_by uuid references users(id);
alter table memberships add column ended_by uuid references users(id);
alter table memberships add column ended_reason text;
-- A person holds at most one live membership per organisation; history rows may repeat.
create unique index memberships_live_unique on memberships (user_id, org_id) where ended_at is null;

-- One-time invitation codes; only a hash is stored, the code is shown once to the secretary.
create table invitations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  code_hash text not null unique,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz
);
create index invitations_user_idx on invitations (user_id);

-- Who read or changed member data and sensitive records, when and from where.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id uuid references users(id),
  action text not null,
  -- the organisation whose scope the entry falls in (who may view it)
  org_id uuid references organizations(id),
  subject_user_id uuid references users(id),
  detail jsonb not null default '{}',
  address text
);
create index audit_log_org_idx on audit_log (org_id, id desc);
create index audit_log_subject_idx on audit_log (subject_user_id, id desc);
