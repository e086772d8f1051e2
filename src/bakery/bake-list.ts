import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";
import type { ProductKind } from "./availability.ts";
import { isoWeekdayOf } from "./calendar.ts";

/**
 * The bake list of a date: per product what is planned, ordered and left for walk-ins; and
 * per pickup slot what must be ready by its time, with order codes and allergens. Orders
 * count by their pickup date; cancelled ones do not count.
 */

export interface BakeListItem {
  productId: number;
  name: string;
  kind: ProductKind;
  /** The date's plan (daily products); null for the others, baked or taken as ordered. */
  planned: number | null;
  /** Units in the date's orders. */
  ordered: number;
  /** What is left for walk-ins (daily products); null for the others. */
  remaining: number | null;
  /** Net units gone over the counter on the day (walk-in sales, waste). */
  counter: number;
  /** The plan is the weekday's par (true) or was set for this date (false); null: not daily. */
  followsPar: boolean | null;
  /** When the date's plan ran out, if it did. */
  soldOutAt: Date | null;
  allergens: Allergen[];
}

export interface BakeListSlot {
  /** The first instant of the slot: everything below must be ready by then. */
  at: Date;
  orders: number;
  codes: string[];
  items: {
    productId: number;
    name: string;
    quantity: number;
    allergens: Allergen[];
    /** The orders this product goes into. */
    codes: string[];
  }[];
}

export interface BakeList {
  date: string;
  items: BakeListItem[];
  slots: BakeListSlot[];
}

export async function bakeList(sql: Queryable, date: string): Promise<BakeList> {
  const dow = isoWeekdayOf(date);
  const [items, lines] = await Promise.all([
    sql<BakeListItem[]>`
      with ordered as (
        select i.product_id, sum(i.quantity)::int as quantity
        from orders o join order_items i on i.order_id = o.id
        where o.pickup_date = ${date}::date and o.status <> 'cancelled'
        group by i.product_id
      )
      select p.id as product_id, p.name, p.kind, p.allergens,
        case when p.kind = 'daily' then coalesce(d.planned, p.par[${dow}]) end as planned,
        coalesce(o.quantity, 0) as ordered,
        case when p.kind = 'daily' then coalesce(d.remaining, p.par[${dow}]) end as remaining,
        coalesce(d.counter, 0) as counter,
        case when p.kind = 'daily' then coalesce(d.follows_par, true) end as follows_par,
        d.sold_out_at
      from products p
      join categories c on c.id = p.category_id
      left join product_days d on d.product_id = p.id and d.date = ${date}::date
      left join ordered o on o.product_id = p.id
      where (p.active and p.kind = 'daily') or o.product_id is not null
      order by c.position, c.name, p.name, p.id`,
    sql<
      {
        at: Date;
        code: string;
        productId: number;
        name: string;
        quantity: number;
        allergens: Allergen[];
      }[]
    >`
      select coalesce(o.pickup_slot, o.pickup_at) as at, o.code, i.product_id, i.name,
        i.quantity, i.allergens
      from orders o join order_items i on i.order_id = o.id
      where o.pickup_date = ${date}::date and o.status <> 'cancelled'
      order by 1, o.code, i.name`,
  ]);
  const slots = new Map<number, BakeListSlot & { seen: Map<number, number> }>();
  for (const line of lines) {
    let slot = slots.get(line.at.getTime());
    if (!slot) {
      slot = { at: line.at, orders: 0, codes: [], items: [], seen: new Map() };
      slots.set(line.at.getTime(), slot);
    }
    if (!slot.codes.includes(line.code)) {
      slot.codes.push(line.code);
      slot.orders++;
    }
    const index = slot.seen.get(line.productId);
    if (index === undefined) {
      slot.seen.set(line.productId, slot.items.length);
      slot.items.push({
        productId: line.productId,
        name: line.name,
        quantity: line.quantity,
        allergens: line.allergens,
        codes: [line.code],
      });
    } else {
      slot.items[index].quantity += line.quantity;
      slot.items[index].codes.push(line.code);
    }
  }
  return {
    date,
    items,
    slots: [...slots.values()].map(({ seen: _, ...slot }) => slot),
  };
}

/** The bake list as CSV: the day's totals per product, then each slot's lines. */
export function bakeListCsv(list: BakeList, time: (at: Date) => string): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? "" : String(v);
    // Spreadsheets run cells starting with = + - @ as formulas: quote them as text.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const rows: (string | number | null)[][] = [
    ["date", "slot", "product_id", "product", "planned", "ordered", "remaining", "order_codes"],
  ];
  for (const i of list.items) {
    rows.push([list.date, "all day", i.productId, i.name, i.planned, i.ordered, i.remaining, ""]);
  }
  for (const s of list.slots) {
    for (const i of s.items) {
      rows.push([
        list.date,
        time(s.at),
        i.productId,
        i.name,
        null,
        i.quantity,
        null,
        i.codes.join(" "),
      ]);
    }
  }
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
