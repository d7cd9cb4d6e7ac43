-- Database settings, for the bench database only. New connections pick them up (the dashboard
-- bench closes the app's idle connections after applying them):
--   jit = off                            no JIT compilation of big aggregate queries (the overview)
--   random_page_cost = 1.1               random reads priced as on SSD / a database held in memory
--   plan_cache_mode = force_custom_plan  postgres.js prepares every statement; without this,
--                                        PostgreSQL switches to a generic plan after five runs, which
--                                        for date-window queries ignores the window
-- on
do $$ begin
  execute format('alter database %I set jit = off', current_database());
  execute format('alter database %I set random_page_cost = 1.1', current_database());
  execute format('alter database %I set plan_cache_mode = force_custom_plan', current_database());
end $$;
-- off
do $$ begin
  execute format('alter database %I reset jit', current_database());
  execute format('alter database %I reset random_page_cost', current_database());
  execute format('alter database %I reset plan_cache_mode', current_database());
end $$;
