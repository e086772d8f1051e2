-- Background jobs: which messages a consumer already handled (so redeliveries change
-- nothing), and the daily product-view counts the analytics job keeps.

create table processed_messages (
  message_id text primary key,
  queue text not null,
  processed_at timestamptz not null default now()
);

create table product_views_daily (
  product_id integer not null references products (id) on delete cascade,
  day date not null,
  views integer not null default 0 check (views >= 0),
  primary key (product_id, day)
);
