-- The live study session (issue 5): the agenda item under discussion, who besides the 记录人 may
-- write the minutes, and each attendee's 心得体会 with its review workflow and similarity check.

-- The item the host has moved the session to (everyone's page follows it).
alter table meetings add column current_agenda_item_id uuid references meeting_agenda_items(id) on delete set null;
-- The host's deadline for submitting 心得体会 (null: none set yet, submission open).
alter table meetings add column reflection_deadline timestamptz;

-- People the host allowed to co-edit the minutes besides the 记录人, the host and the committee.
create table meeting_minutes_editors (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  added_by uuid not null references users(id),
  added_at timestamptz not null default now(),
  primary key (meeting_id, user_id)
);

-- One reflection per attendee and session. The text lives in the live document
-- meeting.<meeting>.reflection.<author>; this row holds the workflow. No row: a draft.
create table reflections (
  meeting_id uuid not null references meetings(id) on delete cascade,
  user_id uuid not null references users(id),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'accepted')),
  -- What was submitted (plain text) and its length in characters, for the review and the check.
  submitted_text text,
  word_count integer not null default 0 check (word_count >= 0),
  submitted_at timestamptz,
  -- The secretary's decision: returned with a comment, or accepted.
  reviewed_by uuid references users(id),
  reviewed_at timestamptz,
  review_comment text,
  -- The similarity check at submission: the highest figure (0..1) and what it matched, with passages.
  similarity real check (similarity between 0 and 1),
  similarity_detail jsonb,
  reminded_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, user_id)
);
-- An author's earlier reflections, for the check against their own past work.
create index reflections_user_idx on reflections (user_id, submitted_at) where submitted_text is not null;
