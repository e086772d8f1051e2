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
  const day = localParts(asOf, source.timeZone).date;
  const [today, open, lowStock, audit] = await Promise.all([
    dayTakings(sql, shopDay(day, source.timeZone)),
    openTicketCounts(sql),
    lowStockProducts(sql, LOW_STOCK_SHOWN, day),
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

// One render lane per hub (an app instance): a burst of changes costs one render after the
// running one, at most every 250 ms, and frames never overtake each other.
const lanes = new WeakMap<LiveHub, { source: DashboardSource; run: () => Promise<void> }>();

/**
 * This instance's renders of the dashboard, for the dashboards open here only: an instance
 * nobody watches the dashboard on renders nothing. Changes made on other instances arrive
 * as notices and are rendered here too, from the source last given.
 */
function lane(source: DashboardSource): () => Promise<void> {
  let entry = lanes.get(source.live);
  if (!entry) {
    const live = source.live;
    const run = coalesce(async () => {
      const current = lanes.get(live)!.source;
      if (!live.watching(DASHBOARD_TOPIC)) return;
      try {
        live.sendLocal(DASHBOARD_TOPIC, { data: await renderLive(current) });
      } catch (error) {
        current.log?.warn("dashboard not published", errorFields(error));
      }
    }, 250);
    live.onNotice(DASHBOARD_TOPIC, (_, fromHere) => {
      if (!fromHere) void run();
    });
    lanes.set(live, entry = { source, run });
  }
  entry.source = source;
  return entry.run;
}

/** Makes this instance render the dashboards open here when any instance says so. */
export const watchDashboard = (source: DashboardSource) => void lane(source);

/**
 * Tells every open dashboard, on every instance, the figures as they are now: this instance
 * renders for its own dashboards (resolved once they have it), the others on the notice.
 * Call after a committed change to orders or stock, beside the answer. Never rejects: a
 * failure is logged, and the change it follows stands.
 */
export async function publishDashboard(source: DashboardSource): Promise<void> {
  await Promise.all([
    lane(source)(),
    source.live.notify(DASHBOARD_TOPIC).catch((error) =>
      source.log?.warn("dashboard change not announced", errorFields(error))
    ),
  ]);
}
