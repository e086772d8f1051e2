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

/**
 * The day the counter works: its date, and the instant before which a pickup must be
 * prepared now (an order just after midnight is started the evening before).
 */
export interface WorkingDay {
  today: string;
  prepareBy: Date;
}

/**
 * Orders the counter works today: due today or earlier (one left over from yesterday still
 * needs handing out) or to be prepared already. Orders from before pickup dates were
 * recorded count as today's.
 */
const worked = (sql: Queryable, day: WorkingDay) =>
  sql`(coalesce(o.pickup_date, ${day.today}::date) <= ${day.today}::date
    or o.pickup_at <= ${day.prepareBy})`;

/** Today's open orders (placed, baking, ready), soonest pickup first. */
export async function openTickets(sql: Queryable, day: WorkingDay): Promise<Ticket[]> {
  return await sql<Ticket[]>`
    select ${ticketColumns(sql)}
    from orders o join users u on u.id = o.user_id
    where o.status in ('placed', 'baking', 'ready') and ${worked(sql, day)}
    order by o.pickup_at, o.id`;
}

/** One order as a ticket, whatever its status (for printing). */
export async function ticketOf(sql: Queryable, orderId: number): Promise<Ticket | null> {
  const [row] = await sql<Ticket[]>`
    select ${ticketColumns(sql)}
    from orders o join users u on u.id = o.user_id
    where o.id = ${orderId}`;
  return row ?? null;
}

export interface LaterDay {
  /** YYYY-MM-DD, a shop date after today. */
  date: string;
  orders: number;
}

/** Open orders for the days after today, counted per date (the next `limit` dates). */
export async function laterDays(sql: Queryable, day: WorkingDay, limit = 14): Promise<LaterDay[]> {
  return await sql<LaterDay[]>`
    select o.pickup_date::text as date, count(*)::int as orders
    from orders o
    where o.status in ('placed', 'baking', 'ready') and not ${worked(sql, day)}
    group by o.pickup_date
    order by o.pickup_date
    limit ${limit}`;
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
  /** Still to bake: in New and Baking orders. */
  quantity: number;
  /** Baked and waiting on the shelf for pickup: in Ready orders. */
  ready: number;
}

/**
 * What today's open orders still need, per product: to bake (New and Baking), and ready
 * apart. Today's pickups only: tomorrow's orders are on the later strip and the bake list.
 */
export async function allDayCounts(sql: Queryable, day: WorkingDay): Promise<AllDayCount[]> {
  return await sql<AllDayCount[]>`
    select i.name,
      coalesce(sum(i.quantity) filter (where o.status in ('placed', 'baking')), 0)::int
        as quantity,
      coalesce(sum(i.quantity) filter (where o.status = 'ready'), 0)::int as ready
    from order_items i join orders o on o.id = i.order_id
    where o.status in ('placed', 'baking', 'ready')
      and coalesce(o.pickup_date, ${day.today}::date) = ${day.today}::date
    group by i.name
    order by quantity desc, ready desc, i.name`;
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
