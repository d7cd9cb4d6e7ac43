-- Whether a person wrote in a live document, as opposed to the system (the outline seeded when
-- the document is first opened, the minutes header, a vote's decision). "The minutes exist" means
-- someone wrote in them, not that someone opened the page. Rows stored before this migration
-- cannot tell and count as a person's, as they did; new rows say (server/collab/persistence.ts).
alter table doc_updates add column if not exists by_person boolean not null default true;
alter table doc_updates alter column by_person set default false;
alter table doc_snapshots add column if not exists person_edited boolean not null default true;
alter table doc_snapshots alter column person_edited set default false;

-- The documents a person wrote in, and when last (at most the snapshot's time once folded): the
-- read model the services ask, never the two tables.
create or replace view live_doc_person_edits as
  select doc_name, max(at) as last_written_at from (
    select doc_name, updated_at as at from doc_snapshots where person_edited
    union all
    select doc_name, created_at from doc_updates where by_person
  ) written group by doc_name;
