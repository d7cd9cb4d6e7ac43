-- Sealing a meeting's record (issue 17 §1, §2; docs/decisions/038-seal.md). After the session
-- ended, the 主持人 and the 记录人 each sign off; a manager of the organisation may sign for one
-- who has left it (on_behalf). With both, the record is sealed: read-only from then on.
create table meeting_signoffs (
  meeting_id uuid not null references meetings(id) on delete cascade,
  role text not null check (role in ('host', 'recorder')),
  -- who held the role (null: nobody was named), and who clicked
  holder_id uuid references users(id),
  signed_by uuid not null references users(id),
  signed_by_name text not null,
  on_behalf boolean not null default false,
  signed_at timestamptz not null default now(),
  primary key (meeting_id, role),
  check (on_behalf or holder_id = signed_by)
);

-- The sealed record: its canonical serialisation (server/services/archive/record.ts) kept as the
-- exact text that was hashed, its SHA-256 and the previous sealed record of the same
-- organisation (one chain per organisation, chain_seq 1, 2, …). The content names prev_sha256
-- too, so the hash covers the link. Version 1 is the sealed record; later versions are 补正.
create table meeting_records (
  meeting_id uuid not null references meetings(id) on delete restrict,
  version integer not null check (version >= 1),
  org_id uuid not null references organizations(id),
  chain_seq integer not null check (chain_seq >= 1),
  content text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  prev_sha256 text check (prev_sha256 ~ '^[0-9a-f]{64}$'),
  sealed_at timestamptz not null default now(),
  sealed_by uuid not null references users(id),
  primary key (meeting_id, version),
  -- one chain per organisation: no two records at one place, no fork after one record
  unique (org_id, chain_seq),
  check ((chain_seq = 1) = (prev_sha256 is null))
);
create unique index meeting_records_one_successor on meeting_records (org_id, prev_sha256);
