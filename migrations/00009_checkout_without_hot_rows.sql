-- A checkout is one statement that holds its row locks only while the server runs it, and
-- no row is written by every checkout.

-- Order codes come from one sequence instead of a per-day counter row that every checkout
-- updated and held to commit (all checkouts queued on it). A day's numbers count from the
-- sequence's value when the day began taking orders (its base): unique within the day,
-- rising through it, now and then skipping a number (an order that failed after taking one).
create sequence order_code_seq;

create table order_code_days (
  day date primary key,
  base bigint not null
);

-- The code of a day's n-th order: A-001 … A-999, B-001 … (after Z the letters start again).
create function order_code(n bigint) returns text
  language sql immutable strict parallel safe
  as $$ select chr(65 + (((n - 1) / 999) % 26)::int) || '-' || lpad((((n - 1) % 999) + 1)::text, 3, '0') $$;

-- order_code_counters is no longer written; a day it already counted continues after its
-- last number (the day of the upgrade).
