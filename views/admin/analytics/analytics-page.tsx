import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { BarList, ColumnChart, HeatMap } from "./charts.tsx";
import { type FigureTable, FigureTableView } from "./figure-table.tsx";
import { type TodayFigures, TodayPanel } from "./today.tsx";

/** The owner's sales dashboard: a range, its figures beside the period before, charts. */

export interface Stat {
  key: string;
  label: string;
  value: string;
  /** The same figure in the period before, and the change in words ("+12 %"). */
  before?: string;
  change?: string;
  note?: string;
}

export interface AnalyticsPageProps {
  shop: ShopView;
  viewer: Viewer;
  range: { from: string; to: string; days: number; preset: string | null };
  previous: { from: string; to: string };
  presets: { key: string; label: string; href: string }[];
  stats: { sales: Stat[]; customers: Stat[]; kitchen: Stat[]; coupons: Stat[] };
  charts: {
    byDay: { label: string; value: number }[];
    hours: { weekday: number; hour: number; orders: number; pickups: number }[];
    topByRevenue: { label: string; value: number }[];
    topByUnits: { label: string; value: number }[];
    categories: { label: string; value: number }[];
    sellThrough: { label: string; value: number }[];
  };
  tables: Record<string, FigureTable>;
  csvQuery: string;
  today: TodayFigures | null;
  money: (cents: number) => string;
  error?: string;
}

function Stats({ label, stats }: { label: string; stats: Stat[] }) {
  return (
    <dl class="stat-grid analytics-stats" aria-label={label}>
      {stats.map((s) => (
        <div class="stat" data-figure={s.key}>
          <dt>{s.label}</dt>
          <dd class="stat-value">{s.value}</dd>
          {s.before !== undefined && (
            <dd class="stat-note">
              {s.change && <strong>{s.change}</strong>} {`before: ${s.before}`}
            </dd>
          )}
          {s.note && <dd class="stat-note">{s.note}</dd>}
        </div>
      ))}
    </dl>
  );
}

const pct = (v: number) => `${v} %`;

export function AnalyticsPage(p: AnalyticsPageProps) {
  const t = p.tables;
  const csv = (key: string) => `/admin/analytics/${key}.csv?${p.csvQuery}`;
  return (
    <AdminLayout shop={p.shop} viewer={p.viewer} area="analytics" title="Sales" error={p.error}>
      <nav aria-label="Range" class="analytics-presets">
        <ul>
          {p.presets.map((preset) => (
            <li>
              <a
                href={preset.href}
                aria-current={preset.key === p.range.preset ? "true" : undefined}
              >
                {preset.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/admin/analytics" class="filter-form" aria-label="Dates">
        <label class="form-row">
          From <input class="field" type="date" name="from" value={p.range.from} required />
        </label>
        <label class="form-row">
          To <input class="field" type="date" name="to" value={p.range.to} required />
        </label>
        <button class="btn-primary self-end" type="submit">Show</button>
      </form>
      <p class="text-sm text-ink-soft" id="range-words">
        {`${p.range.from} to ${p.range.to} (${p.range.days} days), compared with ${p.previous.from} to ${p.previous.to}.`}
        {" "}
        <a class="text-link" href={`/admin/analytics/suggestions`}>Bake suggestions</a>
      </p>
      {p.today && (
        <>
          <div hx-sse:connect="/admin/analytics/events" hx-swap="none" hidden></div>
          <TodayPanel {...p.today} />
        </>
      )}
      <section class="panel" aria-labelledby="sales-heading">
        <h2 id="sales-heading" class="section-heading">Sales</h2>
        <Stats label="Sales" stats={p.stats.sales} />
      </section>
      <FigureTableView table={t.days} csv={csv("days")}>
        <ColumnChart
          id="chart-days"
          title={t.days.title}
          description={`${t.days.description} One column per day, ${p.range.from} to ${p.range.to}.`}
          points={p.charts.byDay}
          format={p.money}
        />
      </FigureTableView>
      <FigureTableView table={t.hours} csv={csv("hours")}>
        <h3 class="font-semibold">Orders placed</h3>
        <HeatMap
          id="chart-placed"
          title="Orders placed by weekday and hour"
          description="Darker cells: more orders placed in that hour of that weekday."
          cells={p.charts.hours.map((h) => ({ ...h, value: h.orders }))}
        />
        <h3 class="font-semibold">Pickups</h3>
        <HeatMap
          id="chart-pickups"
          title="Pickups by weekday and hour"
          description="Darker cells: more orders collected in that hour of that weekday."
          cells={p.charts.hours.map((h) => ({ ...h, value: h.pickups }))}
        />
      </FigureTableView>
      <FigureTableView table={t.products} csv={csv("products")}>
        <BarList
          id="chart-products"
          title={t.products.title}
          description={t.products.description}
          bars={p.charts.topByRevenue}
          format={p.money}
        />
      </FigureTableView>
      <FigureTableView table={t.units} csv={csv("units")}>
        <BarList
          id="chart-units"
          title={t.units.title}
          description={t.units.description}
          bars={p.charts.topByUnits}
          format={String}
        />
      </FigureTableView>
      <FigureTableView table={t.categories} csv={csv("categories")}>
        <BarList
          id="chart-categories"
          title={t.categories.title}
          description={t.categories.description}
          bars={p.charts.categories}
          format={p.money}
        />
      </FigureTableView>
      <section class="panel" aria-labelledby="customers-heading">
        <h2 id="customers-heading" class="section-heading">Customers</h2>
        <Stats label="Customers" stats={p.stats.customers} />
      </section>
      <FigureTableView table={t.regulars} csv={csv("regulars")} />
      <section class="panel" aria-labelledby="kitchen-heading">
        <h2 id="kitchen-heading" class="section-heading">Kitchen</h2>
        <Stats label="Kitchen" stats={p.stats.kitchen} />
      </section>
      <FigureTableView table={t["sell-through"]} csv={csv("sell-through")}>
        <BarList
          id="chart-sell-through"
          title="Sell-through per daily product"
          description="Sold as a share of planned, over the range: 95–100 % is a good day's work."
          bars={p.charts.sellThrough}
          format={pct}
        />
      </FigureTableView>
      <FigureTableView table={t["plan-days"]} csv={csv("plan-days")} />
      <section class="panel" aria-labelledby="coupons-heading">
        <h2 id="coupons-heading" class="section-heading">Coupons</h2>
        <Stats label="Coupons" stats={p.stats.coupons} />
      </section>
      <FigureTableView table={t.views} csv={csv("views")} />
    </AdminLayout>
  );
}
