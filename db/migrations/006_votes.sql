-- Votes at a 支部党员大会 (issue 5; docs/decisions/011-votes.md): the host opens a vote on a
-- matter, present voting members cast one ballot each, absent voters' written opinions are
-- recorded where they count, and the host closes it.
--
-- Secret ballots: nowhere is a secret choice stored beside its voter. Who took part is kept per
-- person (vote_electors); the choices only as counts on the vote row, incremented in the same
-- transaction. There is no per-ballot row that a voter's row could be joined to (by time, order
-- or transaction id), and vote_electors refuses a choice for a secret vote.

create table votes (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references meetings(id) on delete cascade,
  agenda_item_id uuid references meeting_agenda_items(id) on delete set null,
  matter text not null check (matter in ('admit_probationary', 'confirm_full', 'extend_probation',
    'cancel_probation', 'commendation', 'sanction', 'other')),
  title text not null check (length(title) between 1 and 100),
  secret boolean not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid not null references users(id),
  opened_at timestamptz not null default now(),
  -- 应到有表决权党员, fixed when the vote opens (the rows of vote_electors), and those of them
  -- present then; the quorum held, or the vote would not exist.
  expected integer not null check (expected > 0),
  present_at_open integer not null check (present_at_open * 2 > expected and present_at_open <= expected),
  -- The tally: ballots of those present, and written opinions of absent voters (书面意见).
  for_count integer not null default 0 check (for_count >= 0),
  against_count integer not null default 0 check (against_count >= 0),
  abstain_count integer not null default 0 check (abstain_count >= 0),
  written_for integer not null default 0 check (written_for >= 0),
  written_against integer not null default 0 check (written_against >= 0),
  written_abstain integer not null default 0 check (written_abstain >= 0),
  -- Set when closed; the tally above stops changing then.
  closed_by uuid references users(id),
  closed_at timestamptz,
  present_at_close integer check (present_at_close between 0 and expected),
  passed boolean,
  check (for_count + against_count + abstain_count + written_for + written_against + written_abstain <= expected),
  check ((status = 'closed') = (closed_at is not null)),
  check ((status = 'closed') = (closed_by is not null)),
  check ((status = 'closed') = (present_at_close is not null)),
  check ((status = 'closed') = (passed is not null)),
  -- Target of vote_electors' (vote_id, secret) reference, so each elector row knows the ballot kind.
  unique (id, secret)
);
create index votes_meeting_idx on votes (meeting_id, opened_at);
-- One matter at a time: a meeting has at most one open vote.
create unique index votes_one_open_per_meeting on votes (meeting_id) where status = 'open';

-- Who may vote (the voting members among the 应到 when the vote opened) and who has: by ballot
-- in person, or by a written opinion the host recorded. The choice is kept only for an open
-- ballot, where everyone saw it anyway.
create table vote_electors (
  vote_id uuid not null,
  secret boolean not null,
  user_id uuid not null references users(id),
  cast_at timestamptz,
  via text check (via in ('ballot', 'written')),
  choice text check (choice in ('for', 'against', 'abstain')),
  -- Who recorded a written opinion.
  recorded_by uuid references users(id),
  primary key (vote_id, user_id),
  foreign key (vote_id, secret) references votes (id, secret) on delete cascade,
  check ((cast_at is null) = (via is null)),
  check (recorded_by is null or via = 'written'),
  check (via is distinct from 'written' or recorded_by is not null),
  -- Never a secret choice beside its voter; always the choice of an open ballot once cast.
  check (case when secret then choice is null else (choice is null) = (cast_at is null) end)
);
create index vote_electors_user_idx on vote_electors (user_id);
