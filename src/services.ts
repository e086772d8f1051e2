import type { Config } from "./config.ts";
import type { Database } from "./infra/db.ts";
import type { Logger } from "./infra/log.ts";
import type { Queue } from "./infra/queue.ts";
import type { Store } from "./infra/store.ts";
import type { LiveHub } from "./live/hub.ts";
import { CATALOG_PREFIX, createCatalogCache } from "./catalog/cache.ts";
import { type Catalog, createCatalog } from "./catalog/service.ts";
import { createDatabaseWatch, type DatabaseWatch } from "./infra/db-watch.ts";
import { createRateLimiter, type RateLimiter } from "./http/rate-limit.ts";
import { type Accounts, createAccounts } from "./accounts/index.ts";
import { createTokens } from "./accounts/tokens.ts";
import { createPasswordChecks } from "./accounts/password-checks.ts";
import { type Board, createBoard } from "./board/service.ts";
import { publishDashboard } from "./admin/dashboard/publish.ts";
import { publishToday } from "./admin/analytics/live.ts";
import { createOutboxRelay, type OutboxRelay } from "./outbox/relay.ts";
import { createOrders, type Orders } from "./orders/service.ts";
import { type Cart, createCart } from "./cart/service.ts";
import { type CartStore, createCartStore } from "./cart/store.ts";
import { createShopFormat, type ShopFormat } from "./shop/format.ts";
import type { AgingRules } from "./board/aging.ts";
import { createMetrics, type Metrics } from "./metrics/metrics.ts";
import {
  countedCache,
  countedLimiter,
  countedOrders,
  countedSignIn,
  outboxState,
} from "./metrics/instrument.ts";
import { type Bakery, createBakery } from "./bakery/service.ts";
import { createWords, type Words } from "./bakery/words.ts";
import { createPlanning, type Planning } from "./bakery/plan.ts";
import { type CalendarAdmin, createCalendarAdmin } from "./bakery/calendar-admin.ts";

/**
 * What the shop is made of: the services every part of the app uses, composed once from the
 * outside world (database, store, queue, live hub) and handed to the HTTP app.
 */
/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config;
  db: Database;
  store: Store;
  queue: Queue;
  live: LiveHub;
  log: Logger;
  /** Hash of the built assets, for cache-busting URLs. */
  assetVersion: string;
  staticRoot: string;
  now?: () => Date;
  /** The process's metrics; an app of its own gets a registry of its own. */
  metrics?: Metrics;
}

export interface Services {
  catalog: Catalog;
  accounts: Accounts;
  limiter: RateLimiter;
  carts: CartStore;
  cart: Cart;
  orders: Orders;
  /** Opening calendar, pickup days and slots, plans and availability per date. */
  bakery: Bakery;
  /** How the bakery speaks of dates and times (24-hour, the shop's zone). */
  words: Words;
  /** Plans per date and product schedules. */
  planning: Planning;
  /** Pickup settings, the usual week, closures and special hours. */
  calendar: CalendarAdmin;
  /** Publishes the outbox to the queue; started and stopped by the process. */
  relay: OutboxRelay;
  format: ShopFormat;
  board: Board;
  agingRules: AgingRules;
  /** Tells open admin dashboards the figures changed (orders, stock). */
  dashboardChanged: () => Promise<void>;
  /** Notices a database outage, so requests get 503 at once instead of waiting on it. */
  databaseWatch: DatabaseWatch;
  metrics: Metrics;
}

export function createServices(deps: AppDeps): Services {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? createMetrics();
  metrics.watch({
    streams: () => deps.live.sizesByFamily(),
    outbox: () => outboxState(deps.db.sql),
  });
  const cache = createCatalogCache(
    countedCache(deps.store, metrics, "catalog", CATALOG_PREFIX),
    deps.log,
    deps.config.catalogCacheTtlSeconds * 1000,
  );
  const limiter = countedLimiter(createRateLimiter(deps.store, () => now().getTime()), metrics);
  const sql = deps.db.sql;
  const format = createShopFormat(deps.config);
  const relay = createOutboxRelay({ sql, queue: deps.queue, log: deps.log });
  const carts = createCartStore({
    store: deps.store,
    sql: deps.db.sql,
    log: deps.log,
    live: deps.live,
  });
  const words = createWords({ locale: deps.config.locale, timeZone: deps.config.timeZone });
  const bakery = createBakery({
    sql,
    live: deps.live,
    timeZone: deps.config.timeZone,
    prepMinutes: deps.config.prepMinutes,
    words,
    now,
  });
  const agingRules: AgingRules = {
    amberBeforePickup: deps.config.boardAmberMinutes,
    amberWaiting: deps.config.boardAmberMinutes,
    redWaiting: deps.config.boardRedMinutes,
    prepMinutes: deps.config.prepMinutes,
  };
  const board = createBoard({
    sql,
    live: deps.live,
    rules: agingRules,
    format,
    now,
    today: bakery.today,
    dateLabel: words.day,
    timeZone: deps.config.timeZone,
    log: deps.log,
  });
  const dashboardChanged = () => {
    const source = {
      sql,
      live: deps.live,
      format,
      timeZone: deps.config.timeZone,
      now,
      log: deps.log,
    };
    return Promise.all([publishDashboard(source), publishToday(source)]).then(() => {});
  };
  const accounts = createAccounts({
    sql: deps.db.sql,
    store: deps.store,
    tokens: createTokens(deps.config.jwtKeys, now),
    limiter,
    passwordChecks: createPasswordChecks(),
    refusalPauseMs: deps.config.signinRefusalPauseMs,
    log: deps.log,
    now,
    closeStreams: (ids) => deps.live.endSessions(ids),
    invitationSecret: deps.config.sessionSecret,
  });
  const catalog = createCatalog({ sql, cache, live: deps.live, today: bakery.today });
  return {
    metrics,
    dashboardChanged,
    databaseWatch: createDatabaseWatch(deps.db.probe, deps.log),
    board,
    agingRules,
    catalog,
    limiter,
    carts,
    cart: createCart({ sql, carts, bakery, dayWords: words.day }),
    bakery,
    words,
    planning: createPlanning({ sql, bakery, catalogChanged: catalog.changed }),
    calendar: createCalendarAdmin({ sql, bakery, timeZone: deps.config.timeZone }),
    relay,
    format,
    orders: countedOrders(
      createOrders({
        sql,
        live: deps.live,
        relay,
        bakery,
        pickup: {
          prepMinutes: deps.config.prepMinutes,
          timeZone: deps.config.timeZone,
          words,
        },
        currency: deps.config.currency,
        money: format.money,
        date: format.date,
        now,
        log: deps.log,
        onChange: (order, change) =>
          Promise.all([board.publish(order, change), dashboardChanged()]),
      }),
      metrics,
    ),
    accounts: { ...accounts, sessions: countedSignIn(accounts.sessions, metrics) },
  };
}
