-- Both together: the candidate indexes (indexes.sql) and the database settings (settings.sql).
-- on
create index if not exists bench_meetings_org_ends_idx on meetings (org_id, ends_at);
create index if not exists bench_meetings_host_idx on meetings (host_id);
create index if not exists bench_meetings_recorder_idx on meetings (recorder_id);
analyze meetings;
do $$ begin
  execute format('alter database %I set jit = off', current_database());
  execute format('alter database %I set random_page_cost = 1.1', current_database());
  execute format('alter database %I set plan_cache_mode = force_custom_plan', current_database());
end $$;
-- off
drop index if exists bench_meetings_org_ends_idx;
drop index if exists bench_meetings_host_idx;
drop index if exists bench_meetings_recorder_idx;
drop index if exists bench_meetings_ends_idx;
do $$ begin
  execute format('alter database %I reset jit', current_database());
  execute format('alter database %I reset random_page_cost', current_database());
  execute format('alter database %I reset plan_cache_mode', current_database());
end $$;
