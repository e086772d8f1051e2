-- Bakery days: what kind of product each one is, the plan of every date, pickup slots with
-- seats, and the opening calendar. Existing products stay on the shelf with their stock;
-- existing orders keep everything they had.

-- daily: baked for each date (plan − what is ordered for that date; leftovers never carry
-- over); made_to_order: no daily cap, needs lead_time_hours of notice; shelf: one stock.
alter table products
  add column kind text not null default 'shelf'
    check (kind in ('daily', 'made_to_order', 'shelf')),
  add column lead_time_hours integer not null default 0
    check (lead_time_hours between 0 and 720),
  -- The usual plan of a daily product per ISO weekday: par[1] is Monday … par[7] Sunday.
  add column par integer[] not null default '{0,0,0,0,0,0,0}' check (
    cardinality(par) = 7 and array_position(par, null) is null
    and 0 <= all(par) and 100000 >= all(par)
  );

-- One row per daily product and date, made when the date is first planned, ordered or
-- corrected (until then the plan is the weekday's par). Pre-orders take `ordered` with a
-- conditional update, so the remaining can never go below zero.
create table product_days (
  product_id integer not null references products (id) on delete cascade,
  date date not null,
  planned integer not null check (planned between 0 and 100000),
  -- The plan follows the weekday's par until the admin sets this date by hand.
  follows_par boolean not null default true,
  ordered integer not null default 0 check (ordered >= 0),
  -- Net units gone over the counter on the day: walk-in sales and waste, minus corrections.
  counter integer not null default 0,
  remaining integer generated always as (planned - ordered - counter) stored,
  -- When the remaining last reached zero (cleared when some came back).
  sold_out_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (product_id, date),
  check (planned - ordered - counter >= 0)
);

create index product_days_date_idx on product_days (date);

-- How pickups are booked: one row.
create table pickup_settings (
  id boolean primary key default true check (id),
  slot_minutes integer not null default 15 check (slot_minutes between 5 and 240
    and slot_minutes % 5 = 0),
  -- Null: a slot takes any number of orders.
  orders_per_slot integer check (orders_per_slot between 1 and 10000),
  horizon_days integer not null default 14 check (horizon_days between 1 and 90),
  -- Orders for tomorrow close at this local time today (minutes after midnight); null: never.
  next_day_cutoff_minutes integer check (next_day_cutoff_minutes between 0 and 1439),
  -- OPENING_HOURS is carried into opening_hours once, at the first start after this migration.
  hours_imported boolean not null default false,
  updated_at timestamptz not null default now()
);

insert into pickup_settings default values;

-- The usual week: a row per open weekday (0 = Sunday), local minutes after midnight.
create table opening_hours (
  weekday smallint primary key check (weekday between 0 and 6),
  opens integer not null check (opens between 0 and 1439),
  closes integer not null check (closes between 1 and 1439),
  check (opens < closes)
);

-- Closed dates (one day or a range), with the reason customers see.
create table closures (
  id integer generated always as identity primary key,
  starts_on date not null,
  ends_on date not null,
  reason text not null check (length(reason) between 1 and 200),
  created_by integer references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (starts_on <= ends_on)
);

create index closures_range_idx on closures (ends_on, starts_on);

-- Other hours for one date (a late opening, an early close).
create table special_hours (
  date date primary key,
  opens integer not null check (opens between 0 and 1439),
  closes integer not null check (closes between 1 and 1439),
  note text not null default '' check (length(note) <= 200),
  check (opens < closes)
);

-- Seats taken per pickup slot (its first instant), counted in the checkout transaction while
-- slots have a capacity (setting one counts them afresh from the orders).
create table pickup_slots (
  at timestamptz primary key,
  taken integer not null default 0 check (taken >= 0)
);

-- The shop's date and the slot of an order (null on orders placed before bakery days until
-- the first start fills them in).
alter table orders
  add column pickup_date date,
  add column pickup_slot timestamptz;

create index orders_pickup_date_idx on orders (pickup_date, pickup_at)
  where status <> 'cancelled';

-- Where a line's quantity was taken from, so a cancellation gives back exactly that:
-- 'stock' (the shelf), 'plan' (the order date's plan) or 'none' (made to order).
alter table order_items
  add column source text not null default 'stock' check (source in ('stock', 'plan', 'none'));

-- Counter corrections of a daily product apply to a date's plan; walk-in sales get a reason.
alter table stock_movements
  add column plan_date date,
  drop constraint stock_movements_reason_check,
  add constraint stock_movements_reason_check
    check (reason in ('bake', 'waste', 'correction', 'set', 'sale'));

create index stock_movements_plan_date_idx on stock_movements (plan_date)
  where plan_date is not null;

-- The pickup date a signed-in customer's cart is for, kept with its lines.
alter table carts add column pickup_date date;
