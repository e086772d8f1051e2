-- Invitations: an admin invites staff and admins by email. The invited account exists at
-- once (so its role, its mail and the audit log name it) with a password nobody knows; the
-- invitation's link sets the password, once, before it expires.

create table invitations (
  id integer generated always as identity primary key,
  user_id integer not null references users (id) on delete cascade,
  -- The link's token is derived from this and the shop's secret; only its hash is kept
  -- for the lookup, so the table alone opens nothing.
  salt text not null check (length(salt) between 16 and 64),
  token_hash text not null unique,
  invited_by integer references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  withdrawn_at timestamptz,
  check (accepted_at is null or withdrawn_at is null)
);

-- At most one open invitation per account: inviting again withdraws the previous one.
create unique index invitations_open_key on invitations (user_id)
  where accepted_at is null and withdrawn_at is null;
create index invitations_created_idx on invitations (created_at desc);
