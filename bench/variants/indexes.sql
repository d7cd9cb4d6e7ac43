-- Candidate indexes on meetings (bench/README.md says what each is for, with the figures).
--   (org_id, ends_at): an organisation's meetings that have not ended by a date (calendars of a
--                      branch or a whole 党委 tree: meetingsOfOrg)
--   (host_id), (recorder_id): what a person chairs or records (checkHostFree on every scheduled
--                      meeting; and meetingsToAttend once it is written as a union, see the README)
-- bench/dashboard.ts --variant bench/variants/indexes.sql times every page without, then with them.
-- on
create index if not exists bench_meetings_org_ends_idx on meetings (org_id, ends_at);
create index if not exists bench_meetings_host_idx on meetings (host_id);
create index if not exists bench_meetings_recorder_idx on meetings (recorder_id);
analyze meetings;
-- off
drop index if exists bench_meetings_org_ends_idx;
drop index if exists bench_meetings_host_idx;
drop index if exists bench_meetings_recorder_idx;
drop index if exists bench_meetings_ends_idx;
