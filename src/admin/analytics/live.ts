import { TodayPanel } from "../../../views/admin/analytics/today.tsx";
import type { Queryable } from "../../infra/db.ts";
import { errorFields, type Logger } from "../../infra/log.ts";
import { coalesce } from "../../live/coalesce.ts";
import type { LiveHub } from "../../live/hub.ts";
import type { ShopFormat } from "../../shop/format.ts";
import { localParts } from "../../shop/hours.ts";
import { shopDay } from "../shared/dates.ts";

/** "Today" on the sales dashboard: read from today's orders, published after each change. */

export const ANALYTICS_TOPIC = "analytics";

export interface TodaySource {
  sql: Queryable;
  live: LiveHub;
  format: ShopFormat;
  timeZone: string;
  now: () => Date;
  log?: Logger;
}

export async function todayFigures(source: TodaySource) {
  const asOf = source.now();
  const day = shopDay(localParts(asOf, source.timeZone).date, source.timeZone);
  const [row] = await source.sql<{ orders: number; revenueCents: number; ready: number }[]>`
    select
      (select count(*)::int from orders
       where placed_at >= ${day.start} and placed_at < ${day.end} and status <> 'cancelled')
        as orders,
      (select coalesce(sum(total_cents), 0)::float8 from orders
       where placed_at >= ${day.start} and placed_at < ${day.end} and status <> 'cancelled')
        as revenue_cents,
      (select count(distinct order_id)::int from order_status_history
       where to_status = 'ready' and at >= ${day.start} and at < ${day.end}) as ready`;
  return { ...row, asOf, money: source.format.money, time: source.format.time };
}

export const renderToday = async (source: TodaySource) =>
  String(TodayPanel({ ...await todayFigures(source), outOfBand: true }));

const lanes = new WeakMap<LiveHub, () => Promise<void>>();

/**
 * Tells open sales dashboards today's figures: one render for a burst of changes, at most
 * every 250 ms per instance. Call after a committed order change, beside the answer; never
 * rejects (a failure is logged).
 */
export function publishToday(source: TodaySource): Promise<void> {
  let lane = lanes.get(source.live);
  if (!lane) {
    lane = coalesce(async () => {
      try {
        await source.live.publish(ANALYTICS_TOPIC, { data: await renderToday(source) });
      } catch (error) {
        source.log?.warn("sales dashboard not published", errorFields(error));
      }
    }, 250);
    lanes.set(source.live, lane);
  }
  return lane();
}
