-- The catalog: categories and the products a customer can order.

create table categories (
  id integer generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null check (length(name) between 1 and 80),
  description text not null default '',
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table products (
  id integer generated always as identity primary key,
  category_id integer not null references categories (id),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null check (length(name) between 1 and 120),
  description text not null default '',
  -- Money is integer cents: no floating point anywhere near a price.
  price_cents integer not null check (price_cents >= 0),
  stock integer not null default 0 check (stock >= 0),
  -- The 14 allergens of EU Regulation 1169/2011, Annex II.
  allergens text[] not null default '{}' check (
    allergens <@ array[
      'gluten', 'crustaceans', 'eggs', 'fish', 'peanuts', 'soybeans', 'milk',
      'nuts', 'celery', 'mustard', 'sesame', 'sulphites', 'lupin', 'molluscs'
    ]::text[]
  ),
  image_path text,
  active boolean not null default true,
  -- Bumped on every change; optimistic locking and cache keys rely on it.
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index products_category_idx on products (category_id, name) where active;
create index categories_position_idx on categories (position, name);
