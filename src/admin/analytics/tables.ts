import type { Figures } from "../../analytics/figures.ts";
import type { ShopFormat } from "../../shop/format.ts";

/**
 * Every table of the sales dashboard, defined once: the page shows each beside its chart
 * (formatted), and each downloads as CSV (plain numbers: cents, counts, ISO dates).
 */

import type { Cell, FigureTable } from "../../../views/admin/analytics/figure-table.tsx";

export type { FigureTable };

const weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pct = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)} %`);
const share = (part: number, whole: number) => (whole ? part / whole : null);

type Definition = Omit<FigureTable, "rows" | "shown"> & {
  build: (f: Figures, fmt: ShopFormat) => { rows: Cell[][]; shown: string[][] };
};

const definitions: Definition[] = [
  {
    key: "days",
    title: "Revenue by day",
    description: "Revenue and orders of each day of the range (orders not cancelled).",
    columns: ["Date", "Revenue (cents)", "Orders"],
    build: (f, fmt) => ({
      rows: f.byDay.map((d) => [d.date, d.revenueCents, d.orders]),
      shown: f.byDay.map((d) => [d.date, fmt.money(d.revenueCents), String(d.orders)]),
    }),
  },
  {
    key: "hours",
    title: "Orders and pickups by weekday and hour",
    description: "When customers order, and when they collect, on the shop's clock.",
    columns: ["Weekday", "Hour", "Orders placed", "Pickups"],
    build: (f) => {
      const rows = f.byHour.map((h) => [weekdayNames[h.weekday], h.hour, h.orders, h.pickups]);
      return {
        rows,
        shown: rows.map((
          [d, h, o, p],
        ) => [String(d), `${String(h).padStart(2, "0")}:00`, `${o}`, `${p}`]),
      };
    },
  },
  {
    key: "products",
    title: "Top products by revenue",
    description: "The products that took the most, before discounts.",
    columns: ["Product", "Units", "Revenue (cents)"],
    build: (f, fmt) => ({
      rows: f.topByRevenue.map((p) => [p.name, p.quantity, p.revenueCents]),
      shown: f.topByRevenue.map((p) => [p.name, String(p.quantity), fmt.money(p.revenueCents)]),
    }),
  },
  {
    key: "units",
    title: "Top products by units",
    description: "The products sold most often.",
    columns: ["Product", "Units", "Revenue (cents)"],
    build: (f, fmt) => ({
      rows: f.topByUnits.map((p) => [p.name, p.quantity, p.revenueCents]),
      shown: f.topByUnits.map((p) => [p.name, String(p.quantity), fmt.money(p.revenueCents)]),
    }),
  },
  {
    key: "categories",
    title: "Share by category",
    description: "Each category's part of the revenue before discounts.",
    columns: ["Category", "Revenue (cents)", "Share", "Units"],
    build: (f, fmt) => {
      const total = f.categories.reduce((s, c) => s + c.revenueCents, 0);
      return {
        rows: f.categories.map((
          c,
        ) => [c.name, c.revenueCents, share(c.revenueCents, total), c.quantity]),
        shown: f.categories.map((c) => [
          c.name,
          fmt.money(c.revenueCents),
          pct(share(c.revenueCents, total)),
          String(c.quantity),
        ]),
      };
    },
  },
  {
    key: "regulars",
    title: "Regulars",
    description: "Regulars who bought in the range, most orders first.",
    columns: ["Customer", "Orders in range", "Revenue (cents)", "Collected orders"],
    build: (f, fmt) => ({
      rows: f.customers.regulars.items.map((r) => [r.name, r.orders, r.revenueCents, r.collected]),
      shown: f.customers.regulars.items.map((r) => [
        r.name,
        String(r.orders),
        fmt.money(r.revenueCents),
        String(r.collected),
      ]),
    }),
  },
  {
    key: "sell-through",
    title: "Sell-through and leftovers",
    description:
      "Daily products: planned, sold (orders and counter) and left over, over the range.",
    columns: ["Product", "Planned", "Sold", "Leftovers", "Sell-through", "Days sold out"],
    build: (f) => {
      const rows = f.sellThrough.map((s) => [
        s.name,
        s.planned,
        s.sold,
        s.leftover,
        share(s.sold, s.planned),
        s.soldOutDays,
      ]);
      return {
        rows,
        shown: rows.map((
          r,
        ) => [
          String(r[0]),
          `${r[1]}`,
          `${r[2]}`,
          `${r[3]}`,
          pct(r[4] as number | null),
          `${r[5]}`,
        ]),
      };
    },
  },
  {
    key: "plan-days",
    title: "Plans per day",
    description:
      "Each daily product on the last days of the range (the CSV has every day): planned, sold, left over, and when it sold out.",
    columns: ["Date", "Product", "Planned", "Sold", "Leftovers", "Sold out at"],
    build: (f, fmt) => ({
      rows: f.planDays.map((d) => [
        d.date,
        d.name,
        d.planned,
        d.sold,
        d.leftover,
        d.soldOutAt?.toISOString() ?? null,
      ]),
      shown: f.planDays.map((d) => [
        d.date,
        d.name,
        String(d.planned),
        String(d.sold),
        String(d.leftover),
        d.soldOutAt ? fmt.time(d.soldOutAt) : "–",
      ]),
    }),
  },
  {
    key: "views",
    title: "Product views and orders",
    description: "How often each product page was seen, and how many orders took it.",
    columns: ["Product", "Views", "Orders", "Orders per 100 views"],
    build: (f) => {
      const rows = f.views.map((v) => [
        v.name,
        v.views,
        v.orders,
        v.views ? Math.round((v.orders / v.views) * 1000) / 10 : null,
      ]);
      return { rows, shown: rows.map((r) => r.map((c) => (c === null ? "–" : String(c)))) };
    },
  },
];

export const tableKeys = definitions.map((d) => d.key);

/** The tables of the figures, in page order. */
export function figureTables(f: Figures, fmt: ShopFormat): FigureTable[] {
  return definitions.map(({ build, ...d }) => ({ ...d, ...build(f, fmt) }));
}
