-- 对照检查材料 of a 组织生活会 (docs/decisions/034-examination-material.md). Each member on the
-- meeting's list writes theirs in a live document (meeting.<m>.examination.<author>); this row
-- holds its workflow: draft → submitted → returned (a comment and notes on passages) → accepted,
-- the text as submitted and the similarity check stored with it.
create table examinations (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'accepted')),
  submitted_text text,
  word_count int not null default 0,
  submitted_at timestamptz,
  reviewed_by uuid references users(id),
  reviewed_at timestamptz,
  review_comment text check (char_length(review_comment) <= 500),
  -- [{ "paragraph": n, "quote": "…", "comment": "…" }]: the reviewer's notes on passages
  passage_comments jsonb not null default '[]',
  similarity real,
  similarity_detail jsonb,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, user_id)
);
create index examinations_user_idx on examinations (user_id, submitted_at desc);

-- Template texts a branch adds to the built-in ones (shared/domain/examination-boilerplate.ts):
-- a submission that copies one is shown beside it.
create table examination_boilerplate (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organizations(id),
  title text not null check (char_length(title) between 1 and 60),
  text text not null check (char_length(text) between 20 and 2000),
  created_by uuid not null references users(id),
  created_at timestamptz not null default now()
);
create index examination_boilerplate_org_idx on examination_boilerplate (org_id, created_at);

-- The person a branch names to review its members' material instead of its 书记 (null: the 书记).
create table examination_settings (
  org_id uuid primary key references organizations(id),
  reviewer_id uuid references users(id),
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);
