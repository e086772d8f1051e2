-- Accounts: customers, staff and admins; their sign-in sessions; the audit log.

create table users (
  id integer generated always as identity primary key,
  email text not null check (length(email) between 3 and 254 and email like '%_@_%'),
  name text not null check (length(name) between 1 and 100),
  -- argon2id (PHC string); never the password itself.
  password_hash text not null,
  role text not null default 'customer' check (role in ('customer', 'staff', 'admin')),
  disabled boolean not null default false,
  -- Access tokens issued before this instant are refused: changing a password or
  -- disabling the account ends every session at once.
  sessions_valid_after timestamptz not null default '-infinity',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One account per address, whatever its capitals.
create unique index users_email_key on users (lower(email));

-- A sign-in: every refresh token it ever had belongs to it (a token family).
create table sessions (
  id uuid primary key,
  user_id integer not null references users (id) on delete cascade,
  kind text not null default 'web' check (kind in ('web', 'api', 'kiosk')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  ip text,
  user_agent text
);

create index sessions_user_idx on sessions (user_id) where revoked_at is null;

create table refresh_tokens (
  -- SHA-256 of the token: a stolen database holds nothing that can be replayed.
  token_hash text primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- Set when this token was exchanged for the next one; presenting it again is theft.
  used_at timestamptz
);

create index refresh_tokens_session_idx on refresh_tokens (session_id);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id integer references users (id) on delete set null,
  action text not null,
  entity_type text,
  entity_id text,
  details jsonb not null default '{}',
  ip text,
  user_agent text
);

create index audit_log_at_idx on audit_log (at desc);
create index audit_log_actor_idx on audit_log (actor_id, at desc);
create index audit_log_action_idx on audit_log (action, at desc);
