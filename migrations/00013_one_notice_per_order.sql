-- An order tells its customer each thing once: one confirmation, one "ready for pickup", one
-- cancellation, however often staff recall it or move it back and forth. The database holds
-- the rule, so two workers announcing at once cannot both record one.
--
-- Orders recalled before this rule may already have a second notice: those stay in the log
-- (they were sent), marked as repeats, outside the rule.
alter table notifications add column repeat_notice boolean not null default false;

update notifications n set repeat_notice = true
where n.order_id is not null
  and exists (
    select 1 from notifications earlier
    where earlier.order_id = n.order_id and earlier.kind = n.kind and earlier.id < n.id
  );

create unique index notifications_once_per_order_idx on notifications (order_id, kind)
  where order_id is not null and not repeat_notice;
