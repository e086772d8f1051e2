import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";
import type { OrderStatus } from "../orders/status.ts";

export interface TicketItem {
  name: string;
  quantity: number;
  allergens: Allergen[];
}

/** An order as the kitchen sees it: no email, no phone, the customer as "Cleo C.". */
export interface Ticket {
  id: number;
  code: string;
  status: OrderStatus;
  customer: string;
  note: string;
  pickupAt: Date;
  pickupAsap: boolean;
  placedAt: Date;
  statusChangedAt: Date;
  cancelReason: string | null;
  items: TicketItem[];
}

const ticketColumns = (sql: Queryable) =>
  sql`
    o.id, o.code, o.status, o.note, o.pickup_at, o.pickup_asap, o.placed_at,
    o.status_changed_at, o.cancel_reason,
    -- First name and the initial of the last: enough to call out, nothing more.
    split_part(trim(u.name), ' ', 1) ||
      case when position(' ' in trim(u.name)) > 0
        then ' ' || left(reverse(split_part(reverse(trim(u.name)), ' ', 1)), 1) || '.'
        else '' end as customer,
    (select coalesce(json_agg(json_build_object(
        'name', i.name, 'quantity', i.quantity, 'allergens', i.allergens) order by i.name),
      '[]'::json)
     from order_items i where i.order_id = o.id) as items`;

/** Open orders (placed, baking, ready), soonest pickup first. */
export async function openTickets(sql: Queryable): Promise<Ticket[]> {
  return await sql<Ticket[]>`
    select ${ticketColumns(sql)}
    from orders o join users u on u.id = o.user_id
    where o.status in ('placed', 'baking', 'ready')
    order by o.pickup_at, o.id`;
}

/** The last orders that left the board (picked up or cancelled), newest first, for recall. */
export async function recentlyClosed(sql: Queryable, limit = 12): Promise<Ticket[]> {
  return await sql<Ticket[]>`
    select ${ticketColumns(sql)}
    from orders o join users u on u.id = o.user_id
    where o.status in ('picked_up', 'cancelled') and o.status_changed_at > now() - interval '12 hours'
    order by o.status_changed_at desc, o.id desc
    limit ${limit}`;
}

export interface AllDayCount {
  name: string;
  quantity: number;
}

/** What still has to go out: quantities per product over the open tickets, most first. */
export function allDayCounts(tickets: Ticket[]): AllDayCount[] {
  const totals = new Map<string, number>();
  for (const ticket of tickets) {
    for (const item of ticket.items) {
      totals.set(item.name, (totals.get(item.name) ?? 0) + item.quantity);
    }
  }
  return [...totals].map(([name, quantity]) => ({ name, quantity }))
    .sort((a, b) => b.quantity - a.quantity || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * These orders as tickets, whatever their status, with the newest event id read in the same
 * statement (one snapshot, one round trip): what a live board needs after they changed.
 */
export async function ticketsOf(
  sql: Queryable,
  ids: number[],
): Promise<{ tickets: Ticket[]; latest: number }> {
  const rows = await sql<(Ticket & { latestEvent: number })[]>`
    select ${ticketColumns(sql)},
      (select coalesce(max(id), 0)::int from order_status_history) as latest_event
    from orders o join users u on u.id = o.user_id
    where o.id = any(${ids}::int[])`;
  if (rows.length === 0) return { tickets: [], latest: await latestEventId(sql) };
  return {
    tickets: rows.map(({ latestEvent: _, ...ticket }) => ticket),
    latest: rows[0].latestEvent,
  };
}

/** The id of the newest board event (every creation and status change is a history row). */
export async function latestEventId(sql: Queryable): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    select coalesce(max(id), 0)::int as id from order_status_history`;
  return row.id;
}

/** Board events after `afterId`, in order (at most `limit`). */
export async function eventsAfter(sql: Queryable, afterId: number, limit = 500) {
  return await sql<{ id: number; orderId: number; toStatus: OrderStatus }[]>`
    select id::int, order_id, to_status from order_status_history
    where id > ${afterId} order by id limit ${limit}`;
}
