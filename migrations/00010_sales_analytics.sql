-- Sales analytics: rollups per shop day that the worker keeps from the order events, so the
-- owner's dashboard reads a few thousand rows for a year instead of every order. Each shop
-- day is recomputed from its orders whenever an event names one of them: a redelivered or
-- repeated event recomputes the same figures, and a rebuild from the orders gives the same.

-- Every order of the day, by the shop-local day it was placed.
create table sales_days (
  date date primary key,
  -- Placed that day, cancelled ones included.
  placed integer not null default 0,
  cancelled integer not null default 0,
  -- The rest count as sales: their totals, discounts and items.
  orders integer not null default 0,
  revenue_cents bigint not null default 0,
  discount_cents bigint not null default 0,
  items integer not null default 0,
  coupon_orders integer not null default 0,
  coupon_revenue_cents bigint not null default 0,
  -- Sales that reached "ready", and those ready by their pickup time.
  ready_orders integer not null default 0,
  ready_on_time integer not null default 0,
  updated_at timestamptz not null default now()
);

-- Sales placed per local hour, and pickups (of sales) per local hour of the pickup day.
create table sales_day_hours (
  date date not null,
  hour smallint not null check (hour between 0 and 23),
  placed integer not null default 0,
  pickups integer not null default 0,
  primary key (date, hour)
);

create table sales_day_products (
  date date not null,
  product_id integer not null references products (id) on delete cascade,
  units integer not null,
  revenue_cents bigint not null,
  orders integer not null,
  primary key (date, product_id)
);

-- Minutes from placed to ready (capped at a day), counted per minute so p50 and p90 of any
-- range are exact at minute resolution.
create table sales_day_prep (
  date date not null,
  minutes integer not null check (minutes between 0 and 1440),
  orders integer not null,
  primary key (date, minutes)
);

-- Who ordered on the day: sales, what they took, whether the customer's first order ever
-- (cancelled or not) was placed that day, and how many of the day's orders were collected.
create table sales_day_customers (
  date date not null,
  user_id integer not null references users (id) on delete cascade,
  placed integer not null,
  orders integer not null,
  revenue_cents bigint not null,
  picked_up integer not null,
  first_order boolean not null,
  primary key (date, user_id)
);

create index sales_day_customers_user_idx on sales_day_customers (user_id, date);

-- The same per calendar month, so a year's customers are read from twelve months of rows
-- (and the days at its ends) rather than from every day.
create table sales_month_customers (
  month date not null check (extract(day from month) = 1),
  user_id integer not null references users (id) on delete cascade,
  orders integer not null,
  revenue_cents bigint not null,
  first_order boolean not null,
  primary key (month, user_id)
);

-- Each customer's collected orders so far (the notion "regulars only" coupons use), summed
-- from the days above whenever one of the customer's days is recomputed.
create table sales_customers (
  user_id integer primary key references users (id) on delete cascade,
  collected integer not null
);

-- The zone the rollups' days were cut in, and when they were last built from all orders.
create table analytics_state (
  id boolean primary key default true check (id),
  time_zone text,
  built_at timestamptz
);

insert into analytics_state default values;

-- A shop day's orders are found by the instant they were placed or are picked up through
-- orders_placed_idx and orders_pickup_idx (admin screens): no index of their own, which every
-- order would pay for.

-- "Made ready today" on the live dashboard.
create index order_status_history_ready_idx on order_status_history (at)
  where to_status = 'ready';
