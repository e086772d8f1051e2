-- Accounts a shop owes its customers: proof of an email address, password reset, deletion,
-- and the housekeeping that removes what has expired.

-- When the account's address was proven (a link mailed to it was followed). Accounts that
-- existed before verification was introduced count as verified: they signed up under the
-- old rules, many have ordered, and locking them out of checkout would punish them for it.
alter table users
  add column email_verified_at timestamptz,
  -- Set when the account was deleted: the row stays (its orders point at it) with the
  -- person's details replaced.
  add column deleted_at timestamptz;
update users set email_verified_at = created_at;

-- Links mailed to an account: a password reset, or proof of an address (the current one
-- after sign-up, or a new one that replaces it once proven). Only a SHA-256 of the token is
-- kept; the link itself lives only in the message.
create table account_tokens (
  token_hash text primary key,
  user_id integer not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('password_reset', 'verify_email')),
  -- The address the link was sent to (for verify_email: the one it proves).
  email text not null check (length(email) between 3 and 254),
  created_at timestamptz not null default now(),
  -- Moved to the past when a newer link is asked for or the password changes.
  expires_at timestamptz not null,
  used_at timestamptz
);

create index account_tokens_user_idx on account_tokens (user_id, purpose);
create index account_tokens_expiry_idx on account_tokens (expires_at);

-- A notification being mailed: claimed until this instant. A worker that died while sending
-- leaves the claim to run out; the sweeper then sends it again under the same Message-ID.
alter table notifications
  add column claimed_until timestamptz,
  add column attempts integer not null default 0,
  drop constraint notifications_status_check,
  add constraint notifications_status_check
    check (status in ('recorded', 'sending', 'sent', 'failed'));

create index notifications_unsent_idx on notifications (created_at)
  where status in ('recorded', 'sending');

-- Housekeeping jobs: each runs at most once per period across every instance (the instance
-- whose conditional update moves next_run_at enqueues the run).
create table housekeeping_schedule (
  job text primary key,
  next_run_at timestamptz not null default now(),
  last_run_at timestamptz,
  last_result jsonb
);

create index idempotency_keys_created_idx on idempotency_keys (created_at);
create index refresh_tokens_expiry_idx on refresh_tokens (expires_at);
create index sessions_expiry_idx on sessions (expires_at);
