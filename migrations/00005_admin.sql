-- Running the shop: low-stock thresholds and a record of every stock movement.

alter table products
  add column low_stock_threshold integer not null default 5 check (low_stock_threshold >= 0);

create table stock_movements (
  id bigint generated always as identity primary key,
  product_id integer not null references products (id) on delete cascade,
  -- How much stock changed (negative for waste) and what it was afterwards.
  delta integer not null,
  stock_after integer not null check (stock_after >= 0),
  reason text not null check (reason in ('bake', 'waste', 'correction', 'set')),
  note text not null default '' check (length(note) <= 200),
  actor_id integer references users (id) on delete set null,
  at timestamptz not null default now()
);

create index stock_movements_product_idx on stock_movements (product_id, id desc);
create index orders_placed_idx on orders (placed_at desc);
create index orders_pickup_idx on orders (pickup_at);
