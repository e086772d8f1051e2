import type { Queryable } from "../infra/db.ts";

/** What an account's owner may take with them: the profile, orders and messages sent. */
export async function accountExport(sql: Queryable, userId: number) {
  const [profile] = await sql<
    {
      id: number;
      email: string;
      name: string;
      role: string;
      createdAt: Date;
      emailVerifiedAt: Date | null;
    }[]
  >`
    select id, email, name, role, created_at, email_verified_at
    from users where id = ${userId} and deleted_at is null`;
  if (!profile) return null;
  const orders = await sql`
    select o.code, o.status, o.placed_at, o.pickup_at, o.pickup_asap, o.note,
      o.subtotal_cents, o.discount_cents, o.total_cents, o.currency, o.coupon_code,
      o.cancel_reason,
      (select coalesce(json_agg(json_build_object(
          'name', i.name, 'quantity', i.quantity, 'unitPriceCents', i.unit_price_cents,
          'allergens', i.allergens) order by i.name), '[]')
        from order_items i where i.order_id = o.id) as items,
      (select coalesce(json_agg(json_build_object(
          'from', h.from_status, 'to', h.to_status, 'reason', h.reason, 'at', h.at)
          order by h.id), '[]')
        from order_status_history h where h.order_id = o.id) as history
    from orders o where o.user_id = ${userId}
    order by o.placed_at desc, o.id desc`;
  const notifications = await sql`
    select kind, recipient, subject, status, created_at, sent_at
    from notifications where user_id = ${userId} order by created_at desc, id desc`;
  return { profile, orders, notifications };
}

export interface ErasureTarget {
  id: number;
  role: string;
  openOrders: number;
  otherAdmins: number;
}

/** The account to delete, locked, with what could stand in the way. */
export async function lockErasureTarget(
  tx: Queryable,
  userId: number,
): Promise<ErasureTarget | null> {
  const [row] = await tx<ErasureTarget[]>`
    select u.id, u.role,
      (select count(*)::int from orders o
        where o.user_id = u.id and o.status in ('placed', 'baking', 'ready')) as open_orders,
      (select count(*)::int from users a
        where a.role = 'admin' and a.id <> u.id and not a.disabled and a.deleted_at is null)
        as other_admins
    from users u where u.id = ${userId} and u.deleted_at is null
    for update of u`;
  return row ?? null;
}

/**
 * Removes the person from an account and keeps what the shop's accounting needs. The user
 * row stays (orders point at it) under a made-up address and name, unable to sign in; the
 * orders keep their lines and totals but lose their notes; messages, links, carts and keys
 * go; the audit log keeps what happened but not from where, nor addresses.
 */
export async function eraseAccount(tx: Queryable, userId: number, at: Date) {
  await tx`
    update users set email = 'deleted-' || id || '@deleted.invalid', name = 'Deleted customer',
      password_hash = '!deleted', disabled = true, deleted_at = ${at},
      email_verified_at = null, sessions_valid_after = ${at}, updated_at = now()
    where id = ${userId}`;
  await tx`update orders set note = '', updated_at = now() where user_id = ${userId}`;
  await tx`
    update order_status_history set ip = null, user_agent = null where actor_id = ${userId}`;
  await tx`delete from notifications where user_id = ${userId}`;
  await tx`delete from account_tokens where user_id = ${userId}`;
  await tx`delete from carts where user_id = ${userId}`;
  await tx`delete from idempotency_keys where user_id = ${userId}`;
  await tx`
    update audit_log set ip = null, user_agent = null, details = details - 'email'
    where actor_id = ${userId}`;
  await tx`
    update audit_log set details = '{}'
    where entity_type = 'user' and entity_id = ${String(userId)}
      and action in ('account.email_changed', 'account.email_change_requested',
                     'account.verification_sent', 'account.email_verified')`;
}
