-- Sign-in throttling by delay instead of lock-out, browsers the owner signed in from, and the
-- 6-digit attendance code's guesses (docs/decisions/018). Replaces login_failures: its rows are
-- at most 15 minutes of counts, so nothing of value is lost.
drop table login_failures;

-- One row per throttled key: "address:<ip>" counts failures in a window (window_started_at);
-- "account:<name>", "device:<token hash>" and "code:<meeting>:<user>" count a streak of failures
-- (last_failure_at) and hold the next attempt back until next_attempt_at. A row is reserved
-- (locked and counted) before the secret is checked, so parallel attempts cannot slip past.
create table auth_throttle (
  key text primary key,
  failures integer not null default 0,
  window_started_at timestamptz not null default now(),
  last_failure_at timestamptz,
  next_attempt_at timestamptz,
  updated_at timestamptz not null default now()
);
create index auth_throttle_updated_idx on auth_throttle (updated_at);

-- Browsers that signed in to an account: the cookie holds a random token, the table its SHA-256.
-- Such a browser skips the account's delay (not the address limit).
create table auth_devices (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index auth_devices_user_idx on auth_devices (user_id);
