import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";

export interface DashboardFiguresProps {
  today: { orders: number; cancelled: number; revenueCents: number };
  open: { placed: number; baking: number; ready: number };
  lowStock: {
    items: { id: number; name: string; stock: number; lowStockThreshold: number }[];
    total: number;
  };
  /** The newest audit entries, already in words. */
  activity: { at: Date; words: string; action: string }[];
  asOf: Date;
  money: (cents: number) => string;
  time: (at: Date) => string;
  dateTime: (at: Date) => string;
  /** In live updates: replaces the figures on the page by id. */
  outOfBand?: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Everything on the dashboard that changes; live updates send it whole, rendered once. */
export function DashboardFigures(props: DashboardFiguresProps) {
  const { today, open, lowStock, activity } = props;
  return (
    <div
      id="dashboard-figures"
      class="dashboard-figures"
      hx-swap-oob={props.outOfBand ? "true" : undefined}
    >
      <p class="text-sm text-ink-soft">
        As of <time datetime={props.asOf.toISOString()}>{props.time(props.asOf)}</time>{" "}
        · updates live
      </p>
      <dl class="stat-grid" aria-label="Today">
        <div class="stat" data-figure="orders-today">
          <dt>Orders today</dt>
          <dd class="stat-value">{today.orders}</dd>
          <dd class="stat-note">{today.cancelled} cancelled</dd>
        </div>
        <div class="stat" data-figure="revenue-today">
          <dt>Revenue today</dt>
          <dd class="stat-value">{props.money(today.revenueCents)}</dd>
          <dd class="stat-note">cancelled orders not counted</dd>
        </div>
      </dl>
      <section class="panel" aria-labelledby="open-heading">
        <h2 id="open-heading" class="section-heading">Open tickets</h2>
        <dl class="stat-grid ticket-counts">
          <div class="stat" data-figure="open-placed">
            <dt>New</dt>
            <dd class="stat-value">{open.placed}</dd>
          </div>
          <div class="stat" data-figure="open-baking">
            <dt>Baking</dt>
            <dd class="stat-value">{open.baking}</dd>
          </div>
          <div class="stat" data-figure="open-ready">
            <dt>Ready</dt>
            <dd class="stat-value">{open.ready}</dd>
          </div>
        </dl>
        <a class="text-link" href="/board">Open the order board</a>
      </section>
      <section class="panel" aria-labelledby="low-heading" data-figure="low-stock">
        <h2 id="low-heading" class="section-heading">Low stock</h2>
        {lowStock.total === 0 ? <p>Nothing is running low.</p> : (
          <ul class="low-stock">
            {lowStock.items.map((p) => (
              <li>
                <a class="text-link" href={`/admin/stock/${p.id}`}>{p.name}</a>{" "}
                <span class={p.stock === 0 ? "stock-badge stock-out" : "stock-badge stock-low"}>
                  {p.stock === 0 ? "sold out" : `${p.stock} left`}
                </span>{" "}
                <span class="text-sm text-ink-soft">(alert at {p.lowStockThreshold})</span>
              </li>
            ))}
          </ul>
        )}
        {lowStock.total > lowStock.items.length && (
          <p>
            <a class="text-link" href="/admin/stock">
              {plural(lowStock.total - lowStock.items.length, "more product", "more products")}{" "}
              running low
            </a>
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="activity-heading" data-figure="activity">
        <h2 id="activity-heading" class="section-heading">Recent activity</h2>
        {activity.length === 0 ? <p>Nothing has happened yet.</p> : (
          <ol class="activity">
            {activity.map((a) => (
              <li>
                <time datetime={a.at.toISOString()} class="text-sm text-ink-soft">
                  {props.dateTime(a.at)}
                </time>{" "}
                <span data-action={a.action}>{a.words}</span>
              </li>
            ))}
          </ol>
        )}
        <a class="text-link" href="/admin/audit">The whole audit log</a>
      </section>
    </div>
  );
}

/** The admin home: today's figures, kept current over a live stream. */
export function DashboardPage(
  { shop, viewer, figures }: { shop: ShopView; viewer: Viewer; figures: DashboardFiguresProps },
) {
  return (
    <AdminLayout shop={shop} viewer={viewer} area="dashboard" title="Dashboard" live>
      <div hx-sse:connect="/admin/dashboard/events" hx-swap="none" hidden></div>
      <DashboardFigures {...figures} />
    </AdminLayout>
  );
}
