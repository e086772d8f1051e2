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
import { createCatalogCache } from "./catalog/cache.ts";
import { type Catalog, createCatalog } from "./catalog/service.ts";
import { catalogRoutes } from "./catalog/routes.tsx";
import { catalogApi } from "./catalog/api.ts";
import { apiRoutes } from "./api/routes.tsx";
import { opsRoutes } from "./ops/routes.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.tsx";
import { requestLog } from "./http/request-log.ts";
import { staticFiles } from "./http/static.ts";

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
}

export interface Services {
  catalog: Catalog;
}

export function createServices(deps: AppDeps): Services {
  const cache = createCatalogCache(
    deps.store,
    deps.log,
    deps.config.catalogCacheTtlSeconds * 1000,
  );
  return { catalog: createCatalog({ sql: deps.db.sql, cache, live: deps.live }) };
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

  const app = new Hono();
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

  app.use("/static/*", staticFiles(deps.staticRoot));
  // Browsers ask for /favicon.ico on pages that name no icon (and on plain files).
  app.get("/favicon.ico", (c) => c.redirect(`/static/img/logo.svg?v=${deps.assetVersion}`, 301));
  app.route(
    "/",
    opsRoutes({
      database: deps.db.ping,
      store: deps.store.ping,
      queue: deps.queue.ping,
    }, log),
  );
  app.route(
    "/api",
    apiRoutes(shop, [catalogApi({ catalog: services.catalog, currency: config.currency })]),
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
    }),
  );
  return app;
}

export type App = ReturnType<typeof createApp>;
