import type { Sql } from "../infra/db.ts";
import { localParts, type OpeningHours } from "../shop/hours.ts";
import { dayOf } from "./calendar.ts";
import { slotHolding, slotsOf } from "./slots.ts";

/**
 * The first start after bakery days arrived: `OPENING_HOURS` becomes the calendar's usual
 * week (from then on only the database rules), and the orders already there get their shop
 * date and, when still to be picked up, their seat in the slot that holds their pickup time.
 * Runs once, whatever the number of instances starting together.
 */
export async function prepareBakeryDays(
  sql: Sql,
  { openingHours, timeZone }: { openingHours: OpeningHours; timeZone: string },
): Promise<{ imported: boolean }> {
  return await sql.begin(async (tx) => {
    // A second instance waits on this row, then finds the work done.
    const [first] = await tx`
      update pickup_settings set hours_imported = true, updated_at = now()
      where not hours_imported
      returning slot_minutes`;
    if (!first) return { imported: false };
    for (const [weekday, hours] of openingHours.entries()) {
      if (!hours) continue;
      await tx`
        insert into opening_hours (weekday, opens, closes)
        values (${weekday}, ${hours.opens}, ${hours.closes})
        on conflict (weekday) do nothing`;
    }
    await tx`
      update orders set pickup_date = (pickup_at at time zone ${timeZone})::date
      where pickup_date is null`;
    const open = await tx<{ id: number; pickupAt: Date }[]>`
      select id, pickup_at from orders
      where pickup_slot is null and status in ('placed', 'baking', 'ready')
        and pickup_at >= now() - interval '1 day'`;
    const slotMinutes = first.slotMinutes as number;
    const calendar = { weekly: openingHours, closures: [], special: [] };
    const seats = new Map<number, number>();
    for (const order of open) {
      const date = localParts(order.pickupAt, timeZone).date;
      const slots = slotsOf(dayOf(calendar, date), slotMinutes, timeZone);
      const slot = slotHolding(slots, order.pickupAt, slotMinutes);
      if (!slot) continue; // outside the hours of its day: no slot to hold a seat in
      await tx`update orders set pickup_slot = ${slot} where id = ${order.id}`;
      seats.set(slot.getTime(), (seats.get(slot.getTime()) ?? 0) + 1);
    }
    for (const [at, taken] of seats) {
      await tx`
        insert into pickup_slots (at, taken) values (${new Date(at)}, ${taken})
        on conflict (at) do update set taken = pickup_slots.taken + excluded.taken`;
    }
    return { imported: true };
  });
}
