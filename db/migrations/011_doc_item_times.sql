-- When each part of a live document was first stored, kept through compaction: per Yjs client,
-- checkpoints [clock reached, epoch ms] (one a minute at most). The update log's own created_at
-- answers for what is not folded yet. Used to tell who wrote a shared passage first.
alter table doc_snapshots add column if not exists item_times jsonb not null default '{}'::jsonb;
