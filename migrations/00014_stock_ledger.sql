-- Stock as a ledger: every change of a shelf product's stock and of a daily product's plan
-- for a date is a row of stock_movements, written by the database in the same transaction as
-- the change, so no path can change stock without a row. The row says why (the reason the
-- writing transaction set, see src/stock/ledger.ts), who or which order, and the stock after;
-- a product's rows sum to its stock (per date for a daily product's plan).

alter table stock_movements
  add column order_id integer references orders (id) on delete set null,
  drop constraint stock_movements_reason_check,
  add constraint stock_movements_reason_check
    check (reason in ('bake', 'waste', 'correction', 'set', 'sale', 'order', 'cancellation',
                      'plan', 'opening', 'sold_out', 'not_collected'));

-- An order's takes get their order id once the order row exists (in the same transaction).
create index stock_movements_unassigned_idx on stock_movements (id)
  where reason = 'order' and order_id is null;

create function stock_context(name text) returns text language sql stable as $$
  select nullif(current_setting('crumb.stock_' || name, true), '')
$$;

-- A restore loads the ledger's own rows: it names itself so, and nothing is added.
create function record_shelf_movement() returns trigger language plpgsql as $$
begin
  if stock_context('reason') = 'restore' then return null; end if;
  insert into stock_movements (product_id, delta, stock_after, reason, note, actor_id, order_id)
  values (new.id, new.stock - coalesce(old.stock, 0), new.stock,
          coalesce(stock_context('reason'), case when tg_op = 'INSERT' then 'opening'
                                                 else 'correction' end),
          coalesce(left(stock_context('note'), 200), ''),
          stock_context('actor')::int, stock_context('order')::int);
  return null;
end $$;

create trigger products_stock_ledger_insert after insert on products
  for each row when (new.stock <> 0) execute function record_shelf_movement();
create trigger products_stock_ledger after update of stock on products
  for each row when (old.stock is distinct from new.stock) execute function record_shelf_movement();

create function record_plan_movement() returns trigger language plpgsql as $$
begin
  if stock_context('reason') = 'restore' then return null; end if;
  -- A date's first row is its plan (the weekday's par, or what the admin set).
  insert into stock_movements (product_id, delta, stock_after, reason, note, actor_id, order_id,
                               plan_date)
  values (new.product_id, new.remaining - coalesce(old.remaining, 0), new.remaining,
          case when tg_op = 'INSERT' then 'plan' else coalesce(stock_context('reason'), 'plan') end,
          case when tg_op = 'INSERT' and new.follows_par then 'The usual plan (par) for the weekday'
               else coalesce(left(stock_context('note'), 200), '') end,
          case when tg_op = 'INSERT' and new.follows_par then null
               else stock_context('actor')::int end,
          case when tg_op = 'INSERT' then null else stock_context('order')::int end,
          new.date);
  return null;
end $$;

create trigger product_days_ledger_insert after insert on product_days
  for each row when (new.remaining <> 0) execute function record_plan_movement();
create trigger product_days_ledger after update on product_days
  for each row when (old.remaining is distinct from new.remaining)
  execute function record_plan_movement();

-- Stock from before the ledger: one opening row where the history does not add up.
insert into stock_movements (product_id, delta, stock_after, reason, note)
select p.id, p.stock - coalesce(m.total, 0), p.stock, 'opening', 'Stock when the ledger began'
from products p
left join (select product_id, sum(delta)::int as total from stock_movements
           where plan_date is null group by product_id) m on m.product_id = p.id
where p.stock - coalesce(m.total, 0) <> 0;

insert into stock_movements (product_id, delta, stock_after, reason, note, plan_date)
select d.product_id, d.remaining - coalesce(m.total, 0), d.remaining, 'opening',
       'Plan when the ledger began', d.date
from product_days d
left join (select product_id, plan_date, sum(delta)::int as total from stock_movements
           where plan_date is not null group by product_id, plan_date) m
  on m.product_id = d.product_id and m.plan_date = d.date
where d.remaining - coalesce(m.total, 0) <> 0;
