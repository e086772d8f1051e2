import type { Queryable } from "../infra/db.ts";
import type { DayHours, ShopContact } from "../../views/context.ts";
import { readRules } from "../bakery/queries.ts";
import { clock, dayOf } from "../bakery/calendar.ts";

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

/** The shop's hours on a local date, from the bakery calendar (closures and special hours). */
export async function hoursOn(sql: Queryable, date: string): Promise<DayHours> {
  const { calendar } = await readRules(sql, { from: date, to: date });
  const day = dayOf(calendar, date);
  return {
    date,
    open: day.open,
    opens: day.opens === null ? null : clock(day.opens),
    closes: day.closes === null ? null : clock(day.closes),
    reason: day.reason,
  };
}

/** Details and the hours of `date`, with the configured name where the admin gave none. */
export async function shopContact(
  sql: Queryable,
  { date, fallbackName }: { date: string; fallbackName: string },
): Promise<ShopContact> {
  const [details, hours] = await Promise.all([readShopDetails(sql), hoursOn(sql, date)]);
  return { ...details, name: details.name || fallbackName, hours };
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
