import type { AnalyticsPageProps, Stat } from "../../../views/admin/analytics/analytics-page.tsx";
import type { Figures, Summary } from "../../analytics/figures.ts";
import { type DateRange, presets, rangeDays } from "../../analytics/range.ts";
import type { ShopFormat } from "../../shop/format.ts";
import { figureTables } from "./tables.ts";

/** What the sales dashboard shows, from the figures: stats with their change, chart points. */

const percent = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)} %`);

/** "+12 %", "−5 %", "±0 %", or "new" when the period before had none. */
export function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? "±0 %" : "new";
  const p = Math.round(((now - before) / before) * 100);
  return p > 0 ? `+${p} %` : p < 0 ? `−${-p} %` : "±0 %";
}

function compared(
  key: string,
  label: string,
  now: number,
  before: number,
  show: (n: number) => string,
): Stat {
  return { key, label, value: show(now), before: show(before), change: change(now, before) };
}

function salesStats(s: Summary, b: Summary, fmt: ShopFormat): Stat[] {
  return [
    compared("revenue", "Revenue", s.revenueCents, b.revenueCents, fmt.money),
    compared("orders", "Orders", s.orders, b.orders, String),
    compared("average-order", "Average order", s.averageOrderCents, b.averageOrderCents, fmt.money),
    compared("items-per-order", "Items per order", s.itemsPerOrder, b.itemsPerOrder, String),
    compared("cancelled", "Cancellations", s.cancelled, b.cancelled, String),
    compared("discount", "Discount given", s.discountCents, b.discountCents, fmt.money),
  ];
}

export function pageProps(
  f: Figures,
  { fmt, preset }: { fmt: ShopFormat; preset: string | null },
): Omit<AnalyticsPageProps, "shop" | "viewer" | "today" | "error"> {
  const range: DateRange = { from: f.from, to: f.to };
  const c = f.customers;
  const k = f.kitchen;
  const tables = Object.fromEntries(figureTables(f, fmt).map((t) => [t.key, t]));
  return {
    range: { ...range, days: rangeDays(range), preset },
    previous: { from: f.previous.from, to: f.previous.to },
    presets: presets.map((p) => ({ ...p, href: `/admin/analytics?range=${p.key}` })),
    stats: {
      sales: salesStats(f.summary, f.previous, fmt),
      customers: [
        { key: "new-customers", label: "New customers", value: String(c.new) },
        { key: "returning-customers", label: "Returning customers", value: String(c.returning) },
        {
          key: "repeat-rate",
          label: "Repeat rate",
          value: percent(c.active ? c.repeat / c.active : null),
          note: "customers with two or more orders in the range",
        },
        {
          key: "regulars",
          label: "Regulars",
          value: String(c.regulars.total),
          note: `bought in the range, ${c.regularCollected} or more orders collected`,
        },
      ],
      kitchen: [
        {
          key: "prep-p50",
          label: "Placed → ready, median",
          value: k.prepMinutes.p50 === null ? "–" : `${k.prepMinutes.p50} min`,
        },
        {
          key: "prep-p90",
          label: "Placed → ready, 9 in 10 within",
          value: k.prepMinutes.p90 === null ? "–" : `${k.prepMinutes.p90} min`,
        },
        {
          key: "on-time",
          label: "Ready by the pickup time",
          value: percent(k.onTimeRate),
          note: `of ${k.readyOrders} orders made ready`,
        },
        {
          key: "never-collected",
          label: "Never collected",
          value: String(k.neverCollected),
          note: "still open after their pickup day",
        },
      ],
      coupons: [
        compared(
          "coupon-uses",
          "Orders with a coupon",
          f.coupons.uses,
          f.previous.couponOrders,
          String,
        ),
        compared(
          "coupon-discount",
          "Discount given",
          f.coupons.discountCents,
          f.previous.discountCents,
          fmt.money,
        ),
        compared(
          "coupon-revenue",
          "Revenue of those orders",
          f.coupons.revenueCents,
          f.previous.couponRevenueCents,
          fmt.money,
        ),
      ],
    },
    charts: {
      byDay: f.byDay.map((d) => ({ label: d.date, value: d.revenueCents })),
      hours: f.byHour,
      topByRevenue: f.topByRevenue.map((p) => ({ label: p.name, value: p.revenueCents })),
      topByUnits: f.topByUnits.map((p) => ({ label: p.name, value: p.quantity })),
      categories: f.categories.map((x) => ({ label: x.name, value: x.revenueCents })),
      sellThrough: f.sellThrough.map((s) => ({
        label: s.name,
        value: s.planned ? Math.round((s.sold / s.planned) * 100) : 0,
      })),
    },
    tables,
    csvQuery: new URLSearchParams(range as unknown as Record<string, string>).toString(),
    money: fmt.money,
  };
}
