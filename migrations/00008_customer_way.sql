-- What a product is made of, in the shop's own words, shown on its page beside the allergens.
alter table products
  add column ingredients text not null default ''
    check (char_length(ingredients) <= 2000);

-- A catalog filtered to what a customer can eat reads the allergen lists of every product.
create index products_allergens_idx on products using gin (allergens);
