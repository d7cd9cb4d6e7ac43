-- The demo (server/demo/seed.ts) remembers how it laid out its meetings, so that each start can lay
-- them out again for today while no person has changed anything, and leaves them alone once someone
-- has (docs/decisions/026-demo-ready-now.md). One row, only in a database the demo was seeded into.
create table demo_layout (
  only_row boolean primary key default true check (only_row),
  -- The seed's meetings by their key in its plan, e.g. {"try": "<uuid>", "b2-assembly": "<uuid>"}.
  meetings jsonb not null,
  -- The app's "now" the meetings were laid out for (compared with times the app writes).
  laid_out_for timestamptz not null,
  -- The database's clock at that moment (compared with times the database fills in, now()).
  laid_out_at timestamptz not null default now(),
  -- When a start first found a person's change; the demo is never laid out again after that.
  touched_at timestamptz
);
