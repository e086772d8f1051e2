/** Today's sales, kept live on the sales dashboard (swapped in by id over the stream). */

export interface TodayFigures {
  revenueCents: number;
  orders: number;
  /** Orders made ready today. */
  ready: number;
  asOf: Date;
  money: (cents: number) => string;
  time: (at: Date) => string;
  outOfBand?: boolean;
}

export function TodayPanel(p: TodayFigures) {
  return (
    <section
      id="analytics-today"
      class="panel"
      aria-labelledby="today-heading"
      hx-swap-oob={p.outOfBand ? "true" : undefined}
    >
      <h2 id="today-heading" class="section-heading">Today</h2>
      <p class="text-sm text-ink-soft">
        As of <time datetime={p.asOf.toISOString()}>{p.time(p.asOf)}</time> · updates live
      </p>
      <dl class="stat-grid analytics-stats" aria-label="Today">
        <div class="stat" data-figure="today-revenue">
          <dt>Revenue</dt>
          <dd class="stat-value">{p.money(p.revenueCents)}</dd>
        </div>
        <div class="stat" data-figure="today-orders">
          <dt>Orders</dt>
          <dd class="stat-value">{p.orders}</dd>
        </div>
        <div class="stat" data-figure="today-ready">
          <dt>Made ready</dt>
          <dd class="stat-value">{p.ready}</dd>
        </div>
      </dl>
    </section>
  );
}
