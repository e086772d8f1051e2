-- Refresh tokens remember which client exchanged them: within the short grace for a page's
-- parallel requests, only that same client may present the token again.
alter table refresh_tokens add column used_by text;

-- Order events carry only the order's id: the worker announces (audits, notifies) the rows
-- of the status history it has not announced yet, with who, why and from where as recorded
-- here, never as a message claims.
alter table order_status_history
  add column ip text,
  add column user_agent text,
  add column announced_at timestamptz;

-- What the worker already handled counts as announced; a change whose event it has not
-- handled yet (still in the outbox, or on the queue) is announced when that event arrives.
with waiting as (
  select (o.payload ->> 'orderId')::int as order_id, o.created_at
  from outbox o
  where o.queue = 'orders'
    and not exists (select 1 from processed_messages p where p.message_id = o.message_id::text)
)
update order_status_history h set announced_at = h.at
where not exists (select 1 from waiting w where w.order_id = h.order_id and w.created_at = h.at);

create index order_status_history_unannounced_idx on order_status_history (order_id)
  where announced_at is null;

-- Addresses an account signed in from pass its growing delays after failed sign-ins.
create index sessions_user_ip_idx on sessions (user_id, ip);

-- Signed-in customers' carts live here (the store only caches them), so a cart and its
-- checkout work while Redis is away. A cart lasts a week after its last use.
create table carts (
  user_id integer primary key references users (id) on delete cascade,
  used_at timestamptz not null default now()
);

create table cart_lines (
  user_id integer not null references carts (user_id) on delete cascade,
  product_id integer not null references products (id) on delete cascade,
  quantity integer not null check (quantity between 1 and 99),
  -- The price the customer saw when adding it: only to tell them it changed since.
  seen_price_cents integer check (seen_price_cents >= 0),
  primary key (user_id, product_id)
);
