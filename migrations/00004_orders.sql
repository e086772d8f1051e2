-- Orders for pickup, the coupons they may use, their history, and the outbox that carries
-- their events to the job queue after commit.

create table coupons (
  id integer generated always as identity primary key,
  code text not null check (code ~ '^[A-Za-z0-9_-]{3,32}$'),
  description text not null default '',
  kind text not null check (kind in ('percent', 'fixed')),
  -- percent: 1-100; fixed: cents off the subtotal
  amount integer not null check (amount > 0),
  min_subtotal_cents integer not null default 0 check (min_subtotal_cents >= 0),
  valid_from timestamptz,
  valid_until timestamptz,
  max_redemptions integer check (max_redemptions > 0),
  redeemed_count integer not null default 0 check (redeemed_count >= 0),
  per_customer_limit integer check (per_customer_limit > 0),
  -- "Regulars only": the customer has picked up at least this many orders.
  regulars_min_orders integer check (regulars_min_orders > 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (kind <> 'percent' or amount <= 100),
  -- Redemptions are counted like stock: never past the limit.
  check (max_redemptions is null or redeemed_count <= max_redemptions),
  check (valid_from is null or valid_until is null or valid_from < valid_until)
);

create unique index coupons_code_key on coupons (upper(code));

create table orders (
  id integer generated always as identity primary key,
  -- What the customer and the board call it: a letter and three digits, new every day.
  code text not null,
  code_day date not null,
  user_id integer not null references users (id),
  status text not null default 'placed'
    check (status in ('placed', 'baking', 'ready', 'picked_up', 'cancelled')),
  pickup_at timestamptz not null,
  pickup_asap boolean not null default false,
  note text not null default '' check (length(note) <= 500),
  subtotal_cents integer not null check (subtotal_cents >= 0),
  discount_cents integer not null default 0 check (discount_cents >= 0),
  total_cents integer not null check (total_cents >= 0),
  currency text not null,
  coupon_id integer references coupons (id),
  coupon_code text,
  cancel_reason text,
  placed_at timestamptz not null default now(),
  status_changed_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (total_cents = subtotal_cents - discount_cents),
  unique (code_day, code)
);

create index orders_user_idx on orders (user_id, placed_at desc);
create index orders_open_idx on orders (status, pickup_at)
  where status in ('placed', 'baking', 'ready');

create table order_items (
  order_id integer not null references orders (id) on delete cascade,
  product_id integer not null references products (id),
  -- Snapshots: later changes to the product never rewrite a past order.
  name text not null,
  unit_price_cents integer not null check (unit_price_cents >= 0),
  allergens text[] not null default '{}',
  quantity integer not null check (quantity > 0),
  primary key (order_id, product_id)
);

create table order_status_history (
  id bigint generated always as identity primary key,
  order_id integer not null references orders (id) on delete cascade,
  from_status text,
  to_status text not null,
  actor_id integer references users (id) on delete set null,
  reason text,
  at timestamptz not null default now()
);

create index order_status_history_order_idx on order_status_history (order_id, id);

create table order_code_counters (
  day date primary key,
  last integer not null
);

create table coupon_redemptions (
  coupon_id integer not null references coupons (id),
  order_id integer not null unique references orders (id) on delete cascade,
  user_id integer not null references users (id),
  redeemed_at timestamptz not null default now(),
  primary key (coupon_id, order_id)
);

create index coupon_redemptions_user_idx on coupon_redemptions (coupon_id, user_id);

-- A repeated checkout (double click, retried request) finds its order here.
create table idempotency_keys (
  user_id integer not null references users (id) on delete cascade,
  key text not null check (length(key) between 1 and 200),
  request_hash text not null,
  -- Null while the first request holds the key; a repeat waits on it, then finds the order.
  order_id integer references orders (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);

-- Events written in the same transaction as the change they announce, published after.
create table outbox (
  id bigint generated always as identity primary key,
  message_id uuid not null unique,
  queue text not null,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  -- A relay that took the row publishes it before this; after it, another relay may.
  claimed_until timestamptz,
  attempts integer not null default 0,
  last_error text
);

create index outbox_pending_idx on outbox (id) where published_at is null;

create table notifications (
  id bigint generated always as identity primary key,
  -- The job message that caused it: one notification per message, however often delivered.
  message_id text not null,
  user_id integer not null references users (id) on delete cascade,
  order_id integer references orders (id) on delete cascade,
  kind text not null,
  channel text not null default 'email',
  recipient text not null,
  subject text not null,
  body text not null,
  status text not null default 'recorded' check (status in ('recorded', 'sent', 'failed')),
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (message_id, kind)
);

create index notifications_user_idx on notifications (user_id, created_at desc);
