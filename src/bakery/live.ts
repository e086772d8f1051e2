import type { LiveHub } from "../live/hub.ts";
import { StockUpdate } from "../../views/catalog/stock-badge.tsx";

/**
 * Live remaining quantities. Three kinds of topic, all carrying the stock badges' markup:
 * - `stock`: what the shop has today (shelf stock and today's plans), as before;
 * - `stock:YYYY-MM-DD`: daily products' remaining for that date;
 * - `stock:shelf`: shelf stock, the same whatever the date.
 * A page showing a date listens to that date's topic and the shelf topic together
 * (`/events/stock?date=`); a page showing today listens to `stock`.
 */
export const TODAY_TOPIC = "stock";
export const SHELF_TOPIC = "stock:shelf";
export const dayTopic = (date: string) => `stock:${date}`;

export type Remaining = { id: number; stock: number | null };

const update = (items: Remaining[]) => ({ data: String(StockUpdate({ items })) });

/** Shelf stock changed: every page, whatever its date, shows it. */
export async function publishShelf(live: LiveHub, items: Remaining[]) {
  if (items.length === 0) return;
  const event = update(items);
  await Promise.all([live.publish(TODAY_TOPIC, event), live.publish(SHELF_TOPIC, event)]);
}

/** A date's plan remaining changed: pages showing that date (and today's, if it is today). */
export async function publishDay(
  live: LiveHub,
  date: string,
  today: string,
  items: Remaining[],
) {
  if (items.length === 0) return;
  const event = update(items);
  await Promise.all([
    live.publish(dayTopic(date), event),
    date === today ? live.publish(TODAY_TOPIC, event) : undefined,
  ]);
}
