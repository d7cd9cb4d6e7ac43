-- 征求意见 before a 组织生活会 (docs/decisions/032-life-opinions.md). An opinion goes to the 支委会
-- (about 'general'), is about the 支委会 ('committee'), or about a named member ('person'). The
-- sender is kept for the 支委 only; opinions the 书记 typed in from the masses (群众) have no sender
-- account (from_masses, entered_by). The 书记 sorts it into the 问题清单 (problem_id) and may pass
-- it to the person concerned (passed_at), who then sees its text, never its sender.
create table life_opinions (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id),
  about text not null check (about in ('general', 'committee', 'person')),
  about_person_id uuid references users(id),
  sender_id uuid references users(id),
  from_masses boolean not null default false,
  -- who typed in an opinion from the masses
  entered_by uuid references users(id),
  text text not null check (char_length(text) between 1 and 500),
  created_at timestamptz not null default now(),
  problem_id uuid references problem_items(id),
  sorted_at timestamptz,
  passed_at timestamptz,
  passed_by uuid references users(id),
  check ((about = 'person') = (about_person_id is not null)),
  check (from_masses = (sender_id is null)),
  check (not from_masses or entered_by is not null)
);
create index life_opinions_meeting_idx on life_opinions (meeting_id, created_at);
create index life_opinions_about_idx on life_opinions (about_person_id) where about_person_id is not null;
create index life_opinions_sender_idx on life_opinions (sender_id) where sender_id is not null;
