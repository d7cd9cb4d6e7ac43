-- The round of criticism at a 组织生活会 (docs/decisions/035-criticism-round.md). The words
-- themselves live in live documents (criticisms, answers, the composed note); these tables hold
-- only the round: its order, whose turn it is, who was passed over as absent.
create table life_criticism_rounds (
  meeting_id uuid primary key references meetings(id) on delete cascade,
  current_user_id uuid references users(id),
  -- a per-meeting secret: the note orders criticisms by a keyed hash of their author, which
  -- follows neither the author nor the time of writing, and cannot be undone without it
  salt text not null,
  updated_at timestamptz not null default now()
);

create table life_criticism_turns (
  meeting_id uuid not null references life_criticism_rounds(meeting_id) on delete cascade,
  user_id uuid not null references users(id),
  position int not null,
  -- passed over: not at the meeting; their material is noted in the minutes
  absent boolean not null default false,
  -- the host moved on from this person (their note went into the minutes then)
  done boolean not null default false,
  primary key (meeting_id, user_id)
);
