import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { ShopView } from "../views/context.ts";
import { catalogRoutes } from "./catalog/routes.tsx";
import { shopDays } from "./catalog/day.ts";
import { catalogApi } from "./catalog/api.ts";
import { apiRoutes } from "./api/routes.tsx";
import { opsRoutes } from "./ops/routes.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.tsx";
import { requestLog } from "./http/request-log.ts";
import { staticFiles } from "./http/static.ts";
import { compression } from "./http/compression.ts";
import type { AppEnv } from "./http/env.ts";
import { requestMeta } from "./http/request-meta.ts";
import { databaseGate } from "./http/database-gate.ts";
import { csrfProtection } from "./http/csrf.ts";
import { privateWhenSignedIn } from "./http/private-cache.ts";
import { API_BODY_BYTES, bodyLimits, FORM_BODY_BYTES } from "./http/body-limit.ts";
import { takesImageUpload, UPLOAD_BYTES } from "./admin/products/images.ts";
import { apiRateLimit } from "./http/api-rate-limit.ts";
import { authentication } from "./accounts/middleware.ts";
import { accountsApi } from "./accounts/api.ts";
import { accountApi } from "./accounts/account-api.ts";
import { accountPages } from "./accounts/pages.tsx";
import { invitationPages } from "./accounts/invitation-pages.tsx";
import { recoveryPages } from "./accounts/recovery-pages.tsx";
import { accountDataPages } from "./accounts/account-data-pages.tsx";
import { boardRoutes } from "./board/routes.tsx";
import { boardStockRoutes } from "./board/stock.tsx";
import { printRoutes } from "./board/print.tsx";
import { stockCount } from "./admin/stock/count.ts";
import { bakeListRoutes } from "./board/bake-list-routes.tsx";
import { adminRoutes } from "./admin/routes.tsx";
import { ordersApi } from "./orders/api.ts";
import { cartOwners } from "./cart/owner.ts";
import { cartCount } from "./cart/middleware.ts";
import { cartRoutes } from "./cart/routes.tsx";
import { checkoutRoutes } from "./checkout/routes.tsx";
import { orderPages } from "./orders/pages.tsx";
import { accountActivity } from "./orders/account-sections.tsx";
import { httpMetrics, metricsPlacement, metricsRoute } from "./metrics/http.ts";
import { pickupApi } from "./bakery/api.ts";
import { bakeryAdminApi } from "./bakery/admin-api.ts";
import { analyticsApi } from "./analytics/api.ts";
import { cartApi } from "./cart/api.ts";
import { shopContactOfPage } from "./shop/middleware.ts";
import { hoursOn } from "./shop/details.ts";
import { localParts } from "./shop/hours.ts";
import { type AppDeps, createServices } from "./services.ts";

export type { AppDeps, Services } from "./services.ts";
export { createServices } from "./services.ts";

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
  app.use(compression());
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
  app.use(shopContactOfPage({
    sql: deps.db.sql,
    today: services.bakery.today,
    fallbackName: config.shopName,
  }));
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
      accountApi({ accounts: services.accounts }),
      ordersApi({ orders: services.orders, carts: services.carts }),
      pickupApi({ bakery: services.bakery }),
      cartApi({ cart: services.cart, bakery: services.bakery }),
      bakeryAdminApi({
        planning: services.planning,
        calendar: services.calendar,
        time: services.words.time,
      }),
      analyticsApi({ sql: deps.db.sql, timeZone: config.timeZone, now }),
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
  const accountSections = accountActivity({
    shop,
    sql: deps.db.sql,
    orders: services.orders,
    format: services.format,
  });
  app.route(
    "/",
    accountPages({
      shop,
      accounts: services.accounts,
      cookieSecure,
      deviceSecret: config.sessionSecret,
      kioskHours: config.kioskSessionHours,
      accountSections,
    }),
  );
  app.route(
    "/",
    invitationPages({ shop, accounts: services.accounts, cookieSecure }),
  );
  app.route("/", recoveryPages({ shop, accounts: services.accounts }));
  app.route(
    "/",
    accountDataPages({ shop, accounts: services.accounts, cookieSecure, accountSections }),
  );
  app.route("/", cartRoutes({ shop, cart: services.cart, owners, days }));
  app.route(
    "/",
    checkoutRoutes({
      shop,
      cart: services.cart,
      carts: services.carts,
      owners,
      log,
      orders: services.orders,
      bakery: services.bakery,
      words: services.words,
      emailVerified: async (id) => (await services.accounts.recovery.status(id)).verified,
    }),
  );
  app.route(
    "/",
    orderPages({
      shop,
      orders: services.orders,
      live: deps.live,
      format: services.format,
      pickupHours: (at) => hoursOn(deps.db.sql, localParts(at, config.timeZone).date),
    }),
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
  app.route("/", printRoutes({ shop, sql: deps.db.sql, format: services.format }));
  app.route(
    "/",
    boardStockRoutes({
      shop,
      count: stockCount({
        sql: deps.db.sql,
        live: deps.live,
        bakery: services.bakery,
        changed: services.dashboardChanged,
      }),
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
