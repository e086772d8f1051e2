import {
  DashboardFigures,
  type DashboardFiguresProps,
} from "../../../views/admin/dashboard/dashboard-page.tsx";
import type { Queryable } from "../../infra/db.ts";
import { errorFields, type Logger } from "../../infra/log.ts";
import type { LiveHub } from "../../live/hub.ts";
import { coalesce } from "../../live/coalesce.ts";
import type { ShopFormat } from "../../shop/format.ts";
import { localParts } from "../../shop/hours.ts";
import { latestAudit } from "../audit/queries.ts";
import { describeEntry } from "../audit/words.ts";
import { dayTakings, lowStockProducts, openTicketCounts } from "./queries.ts";
import { shopDay } from "../shared/dates.ts";

export const DASHBOARD_TOPIC = "dashboard";
const LOW_STOCK_SHOWN = 12;
const ACTIVITY_SHOWN = 10;

/** What the dashboard's figures are read and published with. */
export interface DashboardSource {
  sql: Queryable;
  live: LiveHub;
  format: ShopFormat;
  timeZone: string;
  now: () => Date;
  log?: Logger;
}

/** The source of an app's parts: `publishDashboard(dashboardSource({ deps, services }))`. */
export const dashboardSource = (
  { deps, services, now }: {
    deps: {
      db: { sql: Queryable };
      live: LiveHub;
      config: { timeZone: string };
      log?: Logger;
      now?: () => Date;
    };
    services: { format: ShopFormat };
    now?: () => Date;
  },
): DashboardSource => ({
  sql: deps.db.sql,
  live: deps.live,
  format: services.format,
  timeZone: deps.config.timeZone,
  now: now ?? deps.now ?? (() => new Date()),
  log: deps.log,
});

/** The figures as they are now; "today" is the shop's calendar day. */
export async function dashboardFigures(source: DashboardSource): Promise<DashboardFiguresProps> {
  const { sql, format } = source;
  const asOf = source.now();
  const [today, open, lowStock, audit] = await Promise.all([
    dayTakings(sql, shopDay(localParts(asOf, source.timeZone).date, source.timeZone)),
    openTicketCounts(sql),
    lowStockProducts(sql, LOW_STOCK_SHOWN),
    latestAudit(sql, ACTIVITY_SHOWN),
  ]);
  return {
    today,
    open,
    lowStock,
    activity: audit.map((row) => ({ at: row.at, action: row.action, words: describeEntry(row) })),
    asOf,
    money: format.money,
    time: format.time,
    dateTime: format.dateTime,
  };
}

/** The figures as the live stream sends them: swapped in place out of band. */
export const renderLive = async (source: DashboardSource) =>
  String(DashboardFigures({ ...await dashboardFigures(source), outOfBand: true }));

/**
 * Renders done or under way per hub: a publish asked for while one renders waits for it and
 * then renders once for every caller that asked meanwhile, so a burst of order changes costs
 * one render after the running one, and frames never overtake each other.
 */
// One render for a burst of changes, per hub (an app instance), at most every 250 ms.
const lanes = new WeakMap<LiveHub, () => Promise<void>>();
/**
 * Tells every open dashboard, on every instance, the figures as they are now: rendered once
 * here, the same bytes go to every stream. Call after a committed change to orders or stock.
 * Never rejects: a failure is logged, and the change it follows stands.
 */
export function publishDashboard(source: DashboardSource): Promise<void> {
  let lane = lanes.get(source.live);
  if (!lane) {
    lane = coalesce(async () => {
      try {
        await source.live.publish(DASHBOARD_TOPIC, { data: await renderLive(source) });
      } catch (error) {
        source.log?.warn("dashboard not published", errorFields(error));
      }
    }, 250);
    lanes.set(source.live, lane);
  }
  return lane();
}
