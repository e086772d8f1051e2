-- What a product is made of, in the shop's own words, shown on its page beside the allergens.
alter table products
  add column ingredients text not null default ''
    check (char_length(ingredients) <= 2000);

-- A catalog filtered to what a customer can eat reads the allergen lists of every product.
create index products_allergens_idx on products using gin (allergens);

-- How customers find and reach the shop: one row, edited in the admin's shop settings and
-- shown in every page's footer, on order confirmations and in confirmation emails. An empty
-- name means the name the shop was started with (SHOP_NAME).
create table shop_details (
  id boolean primary key default true check (id),
  name text not null default '' check (char_length(name) <= 80),
  address text not null default '' check (char_length(address) <= 300),
  phone text not null default '' check (char_length(phone) <= 30),
  email text not null default '' check (char_length(email) <= 254),
  map_url text not null default '' check (char_length(map_url) <= 500),
  updated_at timestamptz not null default now()
);

insert into shop_details default values;

-- What a customer chose at checkout (pickup time, note, coupon), kept with the cart so a
-- checkout interrupted by a lost session comes back as it was after signing in again.
alter table carts
  add column checkout_draft jsonb
    check (checkout_draft is null or octet_length(checkout_draft::text) <= 4000);
