import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "./config.ts";
import type { Database } from "./infra/db.ts";
import type { Logger } from "./infra/log.ts";
import type { Queue } from "./infra/queue.ts";
import type { Store } from "./infra/store.ts";
import type { LiveHub } from "./live/hub.ts";
import type { ShopView } from "../views/context.ts";
import { CATALOG_PREFIX, createCatalogCache } from "./catalog/cache.ts";
import { type Catalog, createCatalog } from "./catalog/service.ts";
import { catalogRoutes } from "./catalog/routes.tsx";
import { shopDays } from "./catalog/day.ts";
import { catalogApi } from "./catalog/api.ts";
import { apiRoutes } from "./api/routes.tsx";
import { opsRoutes } from "./ops/routes.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.tsx";
import { requestLog } from "./http/request-log.ts";
import { staticFiles } from "./http/static.ts";
import type { AppEnv } from "./http/env.ts";
import { requestMeta } from "./http/request-meta.ts";
import { databaseGate } from "./http/database-gate.ts";
import { createDatabaseWatch, type DatabaseWatch } from "./infra/db-watch.ts";
import { csrfProtection } from "./http/csrf.ts";
import { privateWhenSignedIn } from "./http/private-cache.ts";
import { API_BODY_BYTES, bodyLimits, FORM_BODY_BYTES } from "./http/body-limit.ts";
import { takesImageUpload, UPLOAD_BYTES } from "./admin/products/images.ts";
import { apiRateLimit } from "./http/api-rate-limit.ts";
import { createRateLimiter, type RateLimiter } from "./http/rate-limit.ts";
import { type Accounts, createAccounts } from "./accounts/index.ts";
import { createTokens } from "./accounts/tokens.ts";
import { createPasswordChecks } from "./accounts/password-checks.ts";
import { authentication } from "./accounts/middleware.ts";
import { accountsApi } from "./accounts/api.ts";
import { accountPages } from "./accounts/pages.tsx";
import { invitationPages } from "./accounts/invitation-pages.tsx";
import { boardRoutes } from "./board/routes.tsx";
import { bakeListRoutes } from "./board/bake-list.tsx";
import { type Board, createBoard } from "./board/service.ts";
import { adminRoutes } from "./admin/routes.tsx";
import { publishDashboard } from "./admin/dashboard/publish.ts";
import { createOutboxRelay, type OutboxRelay } from "./outbox/relay.ts";
import { createOrders, type Orders } from "./orders/service.ts";
import { ordersApi } from "./orders/api.ts";
import { type Cart, createCart } from "./cart/service.ts";
import { type CartStore, createCartStore } from "./cart/store.ts";
import { cartOwners } from "./cart/owner.ts";
import { cartCount } from "./cart/middleware.ts";
import { cartRoutes } from "./cart/routes.tsx";
import { checkoutRoutes } from "./checkout/routes.tsx";
import { orderPages } from "./orders/pages.tsx";
import { accountActivity } from "./orders/account-sections.tsx";
import { createShopFormat, type ShopFormat } from "./shop/format.ts";
import type { AgingRules } from "./board/aging.ts";
import { createMetrics, type Metrics } from "./metrics/metrics.ts";
import { httpMetrics, metricsPlacement, metricsRoute } from "./metrics/http.ts";
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
import { pickupApi } from "./bakery/api.ts";
import { bakeryAdminApi } from "./bakery/admin-api.ts";
import { cartApi } from "./cart/api.ts";

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
  });
  const dashboardChanged = () =>
    publishDashboard({
      sql,
      live: deps.live,
      format,
      timeZone: deps.config.timeZone,
      now,
      log: deps.log,
    });
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
        onChange: async (order) => {
          await Promise.all([board.publish(order), dashboardChanged()]);
        },
      }),
      metrics,
    ),
    accounts: { ...accounts, sessions: countedSignIn(accounts.sessions, metrics) },
  };
}

const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Builds the HTTP app. No I/O happens here: everything arrives in `deps`. */
export function createApp(deps: AppDeps, services = createServices(deps)) {
  const { config, log } = deps;
  const now = deps.now ?? (() => new Date());
  const shop: ShopView = {
    name: config.shopName,
    currency: config.currency,
    locale: config.locale,
    assetVersion: deps.assetVersion,
  };
  const https = config.publicUrl?.startsWith("https://") ?? false;
  const cookieSecure = config.cookieSecure;

  const app = new Hono<AppEnv>();
  app.use(httpMetrics(services.metrics));
  app.use(requestId());
  app.use(requestLog(log));
  app.use(secureHeaders({
    contentSecurityPolicy,
    referrerPolicy: "same-origin",
    strictTransportSecurity: https ? "max-age=31536000; includeSubDomains" : false,
    crossOriginEmbedderPolicy: false,
  }));
  app.onError(errorHandler(log, shop));
  app.notFound(notFoundHandler(shop));
  app.use(bodyLimits([
    { what: "the API", maxBytes: API_BODY_BYTES, matches: (_, path) => path.startsWith("/api/") },
    { what: "an upload", maxBytes: UPLOAD_BYTES, lazy: true, matches: takesImageUpload },
  ], { what: "this form", maxBytes: FORM_BODY_BYTES }));

  app.use("/static/*", staticFiles(deps.staticRoot));
  app.route(
    "/",
    opsRoutes({
      database: deps.db.ping,
      store: deps.store.ping,
      queue: deps.queue.ping,
    }, log),
  );
  if (metricsPlacement(config) === "shop-port") {
    app.route("/", metricsRoute(services.metrics, config.metricsToken));
  }
  // The embedded database lives in this process: it cannot go silent on its own, and a slow
  // answer from it only means it is busy.
  app.use(databaseGate(services.databaseWatch, { slowMeansSuspect: deps.db.kind === "postgres" }));
  app.use(requestMeta(config.trustedProxies));
  app.use(csrfProtection({ publicUrl: config.publicUrl, cookieSecure }));
  app.use(authentication(services.accounts, { cookieSecure }));
  app.use(privateWhenSignedIn());
  app.use("/api/*", apiRateLimit(services.limiter, config.apiRateLimitPerMinute));
  const owners = cartOwners(services.carts, config.sessionSecret, cookieSecure);
  const days = shopDays({
    bakery: services.bakery,
    cart: services.cart,
    owners,
    words: services.words,
    log,
  });
  app.use(cartCount(owners, services.carts));
  // Browsers ask for /favicon.ico on pages that name no icon (and on plain files).
  app.get("/favicon.ico", (c) => c.redirect(`/static/img/logo.svg?v=${deps.assetVersion}`, 301));
  app.route(
    "/api",
    apiRoutes(shop, [
      catalogApi({
        catalog: services.catalog,
        currency: config.currency,
        bakery: services.bakery,
      }),
      accountsApi({ accounts: services.accounts }),
      ordersApi({ orders: services.orders, carts: services.carts }),
      pickupApi({ bakery: services.bakery }),
      cartApi({ cart: services.cart, bakery: services.bakery }),
      bakeryAdminApi({
        planning: services.planning,
        calendar: services.calendar,
        time: services.words.time,
      }),
    ]),
  );
  app.route(
    "/",
    catalogRoutes({
      shop,
      catalog: services.catalog,
      sql: deps.db.sql,
      live: deps.live,
      queue: deps.queue,
      log,
      today: () => now().toISOString().slice(0, 10),
      bakery: services.bakery,
      owners,
      days,
    }),
  );
  app.route(
    "/",
    accountPages({
      shop,
      accounts: services.accounts,
      cookieSecure,
      deviceSecret: config.sessionSecret,
      kioskHours: config.kioskSessionHours,
      accountSections: accountActivity({
        shop,
        sql: deps.db.sql,
        orders: services.orders,
        format: services.format,
      }),
    }),
  );
  app.route(
    "/",
    invitationPages({ shop, accounts: services.accounts, cookieSecure }),
  );
  app.route("/", cartRoutes({ shop, cart: services.cart, owners, days }));
  app.route(
    "/",
    checkoutRoutes({
      shop,
      cart: services.cart,
      carts: services.carts,
      orders: services.orders,
      bakery: services.bakery,
      words: services.words,
    }),
  );
  app.route(
    "/",
    orderPages({ shop, orders: services.orders, live: deps.live, format: services.format }),
  );
  app.route(
    "/",
    boardRoutes({
      shop,
      board: services.board,
      orders: services.orders,
      live: deps.live,
      rules: services.agingRules,
      format: services.format,
      now,
      heartbeatMs: config.sseHeartbeatSeconds * 1000,
      timeZone: config.timeZone,
    }),
  );
  app.route(
    "/",
    bakeListRoutes({
      shop,
      planning: services.planning,
      today: services.bakery.today,
      dateLabel: services.words.day,
      time: services.words.time,
      dateTime: services.format.dateTime,
      now,
    }),
  );
  app.route(
    "/",
    adminRoutes({
      shop,
      sql: deps.db.sql,
      live: deps.live,
      log,
      format: services.format,
      timeZone: config.timeZone,
      dataDir: config.dataDir,
      now,
      catalog: services.catalog,
      accounts: services.accounts,
      publicUrl: config.publicUrl,
      mailConfigured: !!config.smtpUrl,
      orders: services.orders,
      dashboardChanged: services.dashboardChanged,
      queue: deps.queue,
      bakery: services.bakery,
      planning: services.planning,
      calendar: services.calendar,
      words: services.words,
    }),
  );
  return app;
}

export type App = ReturnType<typeof createApp>;
