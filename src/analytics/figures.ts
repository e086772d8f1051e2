import type { Queryable } from "../infra/db.ts";
import { addDays, instantAt, localParts } from "../shop/hours.ts";
import {
  byDay,
  byHour,
  type CustomerFigures,
  customerFigures,
  type DayFigure,
  type HourFigure,
  neverCollected,
  type PlanDay,
  planDays,
  prepHistogram,
  type ProductFigure,
  productSales,
  productViews,
  rangeTotals,
  type Regular,
  regularsThreshold,
  sellThrough,
  type Totals,
} from "./queries.ts";
import { type DateRange, previousRange } from "./range.ts";

/** The owner's sales figures for a range of shop days, each beside the period before. */

/** Collected orders that make a customer a regular when no coupon says otherwise. */
export const DEFAULT_REGULAR_COLLECTED = 3;
const TOP_SHOWN = 10;
const REGULARS_SHOWN = 10;
const PLAN_DAYS_SHOWN = 14;

export interface Summary extends Totals {
  averageOrderCents: number;
  itemsPerOrder: number;
}

export interface SellThrough {
  productId: number;
  name: string;
  planned: number;
  sold: number;
  leftover: number;
  /** Days of the range it sold out on. */
  soldOutDays: number;
}

export interface Figures extends DateRange {
  today: string;
  summary: Summary;
  previous: Summary & DateRange;
  byDay: DayFigure[];
  byHour: HourFigure[];
  topByRevenue: ProductFigure[];
  topByUnits: ProductFigure[];
  categories: { name: string; revenueCents: number; quantity: number }[];
  customers: CustomerFigures & {
    regularCollected: number;
    regulars: { total: number; items: Regular[] };
  };
  kitchen: {
    prepMinutes: { p50: number | null; p90: number | null };
    onTimeRate: number | null;
    readyOrders: number;
    neverCollected: number;
  };
  sellThrough: SellThrough[];
  planDays: PlanDay[];
  coupons: { uses: number; discountCents: number; revenueCents: number };
  views: { productId: number; name: string; views: number; orders: number }[];
}

function summary(t: Totals): Summary {
  return {
    ...t,
    averageOrderCents: t.orders ? Math.round(t.revenueCents / t.orders) : 0,
    itemsPerOrder: t.orders ? Math.round((t.items / t.orders) * 10) / 10 : 0,
  };
}

/** The nearest-rank percentile of a histogram of whole minutes. */
export function percentile(
  histogram: { minutes: number; orders: number }[],
  share: number,
): number | null {
  const total = histogram.reduce((n, h) => n + h.orders, 0);
  if (!total) return null;
  const rank = Math.ceil(share * total);
  let seen = 0;
  for (const h of histogram) {
    seen += h.orders;
    if (seen >= rank) return h.minutes;
  }
  return histogram.at(-1)!.minutes;
}

/**
 * Every figure of the dashboard for `range`; `now` decides the shop's today (plans after it
 * have sold nothing yet; open orders before it were never collected).
 */
export async function salesFigures(
  sql: Queryable,
  range: DateRange,
  { timeZone, now, planDaysShown = PLAN_DAYS_SHOWN }: {
    timeZone: string;
    now: Date;
    /** The last days of the range whose plans are listed day by day (Infinity: all). */
    planDaysShown?: number;
  },
): Promise<Figures> {
  const { from, to } = range;
  const today = localParts(now, timeZone).date;
  const before = previousRange(range);
  const planUntil = to < today ? to : today;
  const threshold = (await regularsThreshold(sql)) ?? DEFAULT_REGULAR_COLLECTED;
  const [
    totals,
    previousTotals,
    days,
    hours,
    products,
    prep,
    customers,
    uncollected,
    sold,
    plans,
    views,
  ] = await Promise.all([
    rangeTotals(sql, from, to),
    rangeTotals(sql, before.from, before.to),
    byDay(sql, from, to),
    byHour(sql, from, to),
    productSales(sql, from, to),
    prepHistogram(sql, from, to),
    customerFigures(sql, from, to, { minCollected: threshold, limit: REGULARS_SHOWN }),
    neverCollected(
      sql,
      { start: instantAt(from, 0, timeZone), end: instantAt(addDays(to, 1), 0, timeZone) },
      instantAt(today, 0, timeZone),
    ),
    from <= planUntil ? sellThrough(sql, from, planUntil) : Promise.resolve([]),
    from <= planUntil
      ? planDays(
        sql,
        Number.isFinite(planDaysShown)
          ? [from, addDays(planUntil, 1 - planDaysShown)].sort().at(-1)!
          : from,
        planUntil,
      )
      : Promise.resolve([]),
    productViews(sql, from, to),
  ]);

  const categories = new Map<string, { name: string; revenueCents: number; quantity: number }>();
  for (const p of products) {
    const c = categories.get(p.category) ?? { name: p.category, revenueCents: 0, quantity: 0 };
    c.revenueCents += p.revenueCents;
    c.quantity += p.quantity;
    categories.set(p.category, c);
  }
  const ordersOf = new Map(products.map((p) => [p.productId, p.orders]));
  return {
    from,
    to,
    today,
    summary: summary(totals),
    previous: { ...summary(previousTotals), ...before },
    byDay: days,
    byHour: hours,
    topByRevenue: products.slice(0, TOP_SHOWN),
    topByUnits: [...products].sort((a, b) =>
      b.quantity - a.quantity || b.revenueCents - a.revenueCents || a.productId - b.productId
    ).slice(0, TOP_SHOWN),
    categories: [...categories.values()].sort((a, b) => b.revenueCents - a.revenueCents),
    customers: { ...customers, regularCollected: threshold },
    kitchen: {
      prepMinutes: { p50: percentile(prep, 0.5), p90: percentile(prep, 0.9) },
      onTimeRate: totals.readyOrders ? totals.readyOnTime / totals.readyOrders : null,
      readyOrders: totals.readyOrders,
      neverCollected: uncollected,
    },
    sellThrough: sold,
    planDays: plans,
    coupons: {
      uses: totals.couponOrders,
      discountCents: totals.discountCents,
      revenueCents: totals.couponRevenueCents,
    },
    views: views.map((v) => ({ ...v, orders: ordersOf.get(v.productId) ?? 0 })),
  };
}
