-- 民主评议党员 (issue 16, section 3; docs/decisions/030-member-review-ballot.md): a ballot per
-- 民主评议 or 组织生活会 meeting, with each member's 个人自评, the secret 互评/民主测评 as counts
-- only, and the 支委会's 评定 with its written opinion.
--
-- Secrecy: nothing stores a voter beside a grade. review_voters says only whether a voter has
-- submitted (no timestamp, no row per ballot); the grades go into the counters of review_graded
-- in the same transaction, one statement updating every graded member's row at once. There is
-- no per-ballot row that could be joined back to its voter by time, order or transaction id.

create table review_ballots (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null unique references meetings(id) on delete cascade,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid not null references users(id),
  opened_at timestamptz not null default now(),
  closed_by uuid references users(id),
  closed_at timestamptz,
  -- The results reported to the level above; the 评定 are final from then on.
  reported_by uuid references users(id),
  reported_at timestamptz,
  check ((status = 'closed') = (closed_at is not null)),
  check ((status = 'closed') = (closed_by is not null)),
  check ((reported_at is null) = (reported_by is null)),
  check (reported_at is null or status = 'closed')
);

-- Who is graded (正式 and 预备党员 of the branch, fixed when the ballot opens), their 个人自评,
-- the counts of the secret ballot, and the 支委会's 评定.
create table review_graded (
  ballot_id uuid not null references review_ballots(id) on delete cascade,
  user_id uuid not null references users(id),
  -- Whether they grade others too (a 正式党员): the expected number of grades per member follows.
  votes boolean not null,
  self_grade text check (self_grade in ('excellent', 'qualified', 'basic', 'unqualified')),
  self_summary text check (length(self_summary) <= 2000),
  excellent_count integer not null default 0 check (excellent_count >= 0),
  qualified_count integer not null default 0 check (qualified_count >= 0),
  basic_count integer not null default 0 check (basic_count >= 0),
  unqualified_count integer not null default 0 check (unqualified_count >= 0),
  final_grade text check (final_grade in ('excellent', 'qualified', 'basic', 'unqualified')),
  opinion text check (length(opinion) <= 1000),
  decided_by uuid references users(id),
  decided_at timestamptz,
  primary key (ballot_id, user_id),
  check ((self_grade is null) = (self_summary is null)),
  check ((final_grade is null) = (opinion is null)),
  check ((final_grade is null) = (decided_by is null)),
  check ((final_grade is null) = (decided_at is null))
);

-- Who may grade (正式党员 of the branch, not 流动, fixed when the ballot opens) and whether they
-- have. Deliberately no timestamp: the moment of a submission next to the counts' changes would
-- tell what was submitted.
create table review_voters (
  ballot_id uuid not null references review_ballots(id) on delete cascade,
  user_id uuid not null references users(id),
  submitted boolean not null default false,
  primary key (ballot_id, user_id)
);
create index review_voters_user_idx on review_voters (user_id);
create index review_graded_user_idx on review_graded (user_id);
