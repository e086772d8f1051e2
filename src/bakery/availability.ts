import { addDays } from "../shop/hours.ts";
import { isoWeekdayOf } from "./calendar.ts";
import { cutoffFor, dateRefusal, horizonEnd, offeredSlots, type Rules, slotsOn } from "./rules.ts";

/**
 * What each product can be had for on a date, and why not. Daily products have that date's
 * plan minus what is already ordered for it (leftovers never carry over); made-to-order ones
 * have no cap but need their lead time; shelf goods have one stock across days.
 */

export type ProductKind = "daily" | "made_to_order" | "shelf";
export const productKinds = ["daily", "made_to_order", "shelf"] as const;

export interface ScheduledProduct {
  id: number;
  name: string;
  kind: ProductKind;
  leadTimeHours: number;
  /** Shelf stock (the one number a shelf product has). */
  stock: number;
  /** Par per ISO weekday, Monday first. */
  par: number[];
  active: boolean;
}

/** A daily product's planned and remaining quantity on dates that have a row. */
export type PlanRows = Map<string, { planned: number; remaining: number }>;

export interface Availability {
  /** How many can still be ordered for the date; null: no cap (made to order). */
  available: number | null;
  orderable: boolean;
  /** Why it cannot be ordered for the date and when it can, in words; null when it can. */
  reason: string | null;
  /** The last moment to order it for the date, when there is one. */
  orderBy: Date | null;
  /** The earliest later date it can be ordered for, within the horizon, when it cannot now. */
  nextDate?: string | null;
  /** Machine-readable reason: the refusal code a checkout would give. */
  code: "closed" | "beyond_horizon" | "cutoff" | "lead_time" | "insufficient_stock" | null;
}

/** The plan of a daily product for a date: the row's, or the weekday's par. */
export function planOn(product: ScheduledProduct, rows: PlanRows, date: string) {
  const row = rows.get(date);
  if (row) return row;
  const par = product.par[isoWeekdayOf(date) - 1] ?? 0;
  return { planned: par, remaining: par };
}

/** Units left for the date (null: no cap), whatever the rules of ordering say. */
export function remainingOn(product: ScheduledProduct, rows: PlanRows, date: string) {
  if (product.kind === "made_to_order") return null;
  if (product.kind === "shelf") return Math.max(0, product.stock);
  return planOn(product, rows, date).remaining;
}

/** The earliest instant an order placed now could be picked up for this product. */
const readyFrom = (rules: Rules, product: ScheduledProduct) =>
  rules.now.getTime() + product.leadTimeHours * 3_600_000;

function check(
  rules: Rules,
  product: ScheduledProduct,
  rows: PlanRows,
  date: string,
): Availability {
  const available = remainingOn(product, rows, date);
  const refused = dateRefusal(rules, date);
  if (refused) {
    const code = refused.code === "validation_failed" ? "closed" : refused.code;
    return { available, orderable: false, reason: refused.message, orderBy: null, code };
  }
  const { words } = rules;
  const cutoff = cutoffFor(rules, date);
  if (product.kind === "made_to_order") {
    const slots = slotsOn(rules, date);
    const last = slots.at(-1);
    const ready = readyFrom(rules, product);
    if (!last || !offeredSlots(rules, date).some((s) => s.getTime() >= ready)) {
      return {
        available,
        orderable: false,
        reason: `${product.name} needs ${product.leadTimeHours} hours' notice.`,
        orderBy: null,
        code: "lead_time",
      };
    }
    const byLead = new Date(last.getTime() - product.leadTimeHours * 3_600_000);
    const orderBy = cutoff && cutoff.getTime() < byLead.getTime() ? cutoff : byLead;
    return { available, orderable: true, reason: null, orderBy, code: null };
  }
  if (available !== null && available <= 0) {
    const planned = product.kind === "daily" ? planOn(product, rows, date).planned : 1;
    return {
      available,
      orderable: false,
      reason: planned === 0
        ? `${product.name} is not baked for ${words.day(date)}.`
        : product.kind === "daily"
        ? `${product.name} is sold out for ${words.day(date)}.`
        : `${product.name} is sold out.`,
      orderBy: null,
      code: "insufficient_stock",
    };
  }
  return { available, orderable: true, reason: null, orderBy: cutoff, code: null };
}

/** The product on one date, with the reason in words and the next date it can be had. */
export function availabilityOn(
  rules: Rules,
  product: ScheduledProduct,
  rows: PlanRows,
  date: string,
): Availability {
  const result = check(rules, product, rows, date);
  if (result.orderable || result.code === null) return result;
  if (product.kind === "shelf" && result.code === "insufficient_stock") return result;
  if (result.code === "beyond_horizon" || dateRefusal(rules, date)?.code === "validation_failed") {
    return result;
  }
  // When it can be had: the next date, up to the horizon, that takes an order for it.
  const last = horizonEnd(rules);
  for (let next = addDays(date, 1); next <= last; next = addDays(next, 1)) {
    const later = check(rules, product, rows, next);
    if (!later.orderable) continue;
    const when = later.orderBy
      ? `Order by ${rules.words.dayTime(later.orderBy)} for ${rules.words.day(next)}.`
      : `It can be had from ${rules.words.day(next)}.`;
    return { ...result, reason: `${result.reason} ${when}`, nextDate: next };
  }
  return result;
}
