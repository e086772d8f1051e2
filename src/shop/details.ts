import type { Queryable } from "../infra/db.ts";
import type { DayHours, ShopContact } from "../../views/context.ts";
import { readRules } from "../bakery/queries.ts";
import { type Calendar, clock, dayOf } from "../bakery/calendar.ts";

/** The shop's own details as stored (an empty name means the configured one). */
export interface ShopDetails {
  name: string;
  address: string;
  phone: string;
  email: string;
  mapUrl: string;
}

export async function readShopDetails(sql: Queryable): Promise<ShopDetails> {
  const [row] = await sql<ShopDetails[]>`
    select name, address, phone, email, map_url from shop_details`;
  return row ?? { name: "", address: "", phone: "", email: "", mapUrl: "" };
}

/** The hours of `date` in a calendar that holds it. */
function hoursIn(calendar: Calendar, date: string): DayHours {
  const day = dayOf(calendar, date);
  return {
    date,
    open: day.open,
    opens: day.opens === null ? null : clock(day.opens),
    closes: day.closes === null ? null : clock(day.closes),
    reason: day.reason,
  };
}

/** The shop's hours on a local date, from the bakery calendar (closures and special hours). */
export async function hoursOn(sql: Queryable, date: string): Promise<DayHours> {
  const { calendar } = await readRules(sql, { from: date, to: date });
  return hoursIn(calendar, date);
}

interface ContactRow extends ShopDetails {
  weekly: { weekday: number; opens: number; closes: number }[];
  closures: Calendar["closures"];
  special: Calendar["special"];
}

/**
 * Details and the hours of `date`, with the configured name where the admin gave none: one
 * read (every page's footer and every confirmation email asks for it).
 */
export async function shopContact(
  sql: Queryable,
  { date, fallbackName }: { date: string; fallbackName: string },
): Promise<ShopContact> {
  const [row] = await sql<ContactRow[]>`
    select d.name, d.address, d.phone, d.email, d.map_url,
      (select coalesce(json_agg(json_build_object(
          'weekday', weekday, 'opens', opens, 'closes', closes)), '[]')
        from opening_hours) as weekly,
      (select coalesce(json_agg(json_build_object('id', id, 'from', starts_on,
          'to', ends_on, 'reason', reason) order by starts_on), '[]')
        from closures where ends_on >= ${date}::date and starts_on <= ${date}::date) as closures,
      (select coalesce(json_agg(json_build_object('date', date, 'opens', opens,
          'closes', closes, 'note', note) order by date), '[]')
        from special_hours where date = ${date}::date) as special
    from (select true) as one left join shop_details d on true`;
  const weekly: Calendar["weekly"] = Array.from({ length: 7 }, () => null);
  for (const w of row.weekly) weekly[w.weekday] = { opens: w.opens, closes: w.closes };
  const hours = hoursIn({ weekly, closures: row.closures, special: row.special }, date);
  return {
    name: row.name || fallbackName,
    address: row.address ?? "",
    phone: row.phone ?? "",
    email: row.email ?? "",
    mapUrl: row.mapUrl ?? "",
    hours,
  };
}

/** "Open 07:00–18:30" or "Closed: Christmas Day", as one line of text. */
export function hoursText(hours: DayHours) {
  if (hours.open) return `Open ${hours.opens}–${hours.closes}`;
  if (hours.reason && /^closed/i.test(hours.reason)) return hours.reason;
  return `Closed${hours.reason ? `: ${hours.reason}` : ""}`;
}

/** The shop's details as plain-text lines, for emails; empty fields left out. */
export function contactLines(contact: ShopContact, hoursLabel: string): string[] {
  return [
    contact.name,
    ...contact.address.split("\n").map((line) => line.trim()).filter(Boolean),
    contact.phone && `Phone: ${contact.phone}`,
    contact.email && `Email: ${contact.email}`,
    contact.mapUrl && `Map: ${contact.mapUrl}`,
    `${hoursLabel}: ${hoursText(contact.hours)}`,
  ].filter(Boolean);
}
