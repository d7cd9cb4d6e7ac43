-- Indexes the large-dataset bench (bench/README.md) showed missing: a person's own meetings
-- (home, calendar, feed) and a host's clash check look meetings up by host and recorder; an
-- organisation's calendar by organisation and date; sign-in and duplicate checks by lower(username).
create index meetings_host_idx on meetings (host_id);
create index meetings_recorder_idx on meetings (recorder_id);
create index meetings_org_ends_idx on meetings (org_id, ends_at);
create index users_username_lower_idx on users (lower(username));
