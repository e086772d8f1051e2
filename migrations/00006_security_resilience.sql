-- Refresh tokens remember which client exchanged them: within the short grace for a page's
-- parallel requests, only that same client may present the token again.
alter table refresh_tokens add column used_by text;

-- Order events carry only the order's id: the worker announces (audits, notifies) the rows
-- of the status history it has not announced yet, with who, why and from where as recorded
-- here, never as a message claims.
alter table order_status_history
  add column ip text,
  add column user_agent text,
  add column announced_at timestamptz;

-- What the worker already handled counts as announced; a change whose event it has not
-- handled yet (still in the outbox, or on the queue) is announced when that event arrives.
with waiting as (
  select (o.payload ->> 'orderId')::int as order_id, o.created_at
  from outbox o
  where o.queue = 'orders'
    and not exists (select 1 from processed_messages p where p.message_id = o.message_id::text)
)
update order_status_history h set announced_at = h.at
where not exists (select 1 from waiting w where w.order_id = h.order_id and w.created_at = h.at);

create index order_status_history_unannounced_idx on order_status_history (order_id)
  where announced_at is null;

-- Addresses an account signed in from pass its growing delays after failed sign-ins.
create index sessions_user_ip_idx on sessions (user_id, ip);
