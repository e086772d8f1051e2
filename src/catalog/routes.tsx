import { type Context, Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import type { ShopView } from "../../views/context.ts";
import {
  CatalogPage,
  CatalogResults,
  type CatalogView,
} from "../../views/catalog/catalog-page.tsx";
import type { Viewer } from "../../views/context.ts";
import { ProductPage } from "../../views/catalog/product-page.tsx";
import {
  BADGE_SLOT,
  cardKey,
  createCardRenderer,
  TOKEN_SLOT,
} from "../../views/catalog/product-card.tsx";
import { createPageTemplates } from "./page-templates.ts";
import { StockUpdate } from "../../views/catalog/stock-badge.tsx";
import type { Logger } from "../infra/log.ts";
import { newMessage, type Queue } from "../infra/queue.ts";
import type { Sql } from "../infra/db.ts";
import type { LiveHub } from "../live/hub.ts";
import { notFound, validationError } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";
import type { AppEnv } from "../http/env.ts";
import { viewerOf } from "../http/viewer.ts";
import { catalogPageQuery, productIdParam } from "./schema.ts";
import { type Catalog, STOCK_TOPIC } from "./service.ts";
import { stockOfActive } from "./queries.ts";
import { ANALYTICS_QUEUE } from "../jobs/names.ts";

export const CATALOG_PAGE_SIZE = 24;

export interface CatalogRouteDeps {
  shop: ShopView;
  catalog: Catalog;
  sql: Sql;
  live: LiveHub;
  queue: Queue;
  log: Logger;
  today: () => string;
}

/** The customer catalog: browsing, product pages and the live stock stream. */
export function catalogRoutes({ shop, catalog, sql, live, queue, log, today }: CatalogRouteDeps) {
  const card = createCardRenderer(shop);
  const pages = createPageTemplates();
  return new Hono<AppEnv>()
    .get(
      "/",
      zValidator("query", catalogPageQuery, (result) => {
        if (!result.success) throw validationError(result.error);
      }),
      async (c) => {
        const query = c.req.valid("query");
        const { categories, items, total } = await catalog.browse({
          categorySlug: query.category,
          search: query.q,
          sort: query.sort,
          limit: CATALOG_PAGE_SIZE,
          offset: (query.page - 1) * CATALOG_PAGE_SIZE,
        });
        if (query.category && !categories.some((cat) => cat.slug === query.category)) {
          throw notFound("That category");
        }
        const view: CatalogView = {
          shop,
          categories,
          products: items,
          total,
          page: query.page,
          pageCount: Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE)),
          query: { q: query.q, category: query.category, sort: query.sort },
          csrf: c.get("csrfToken")(),
          card,
        };
        const viewer = viewerOf(c);
        const flash = cartFlash(c);
        const fragment = wantsFragment(c, "catalog-results");
        const render = (view: CatalogView, viewer: Viewer) =>
          fragment
            ? <CatalogResults {...view} />
            : <CatalogPage {...view} viewer={viewer} flash={flash} />;
        // Searches are not kept: every phrase would be a page of its own.
        if (query.q) return c.html(render(view, viewer));
        const key = JSON.stringify([
          fragment,
          view.query,
          view.page,
          total,
          flash ?? null,
          viewer.user,
          viewer.cartCount,
          categories,
          items.map((p) => cardKey(p) + (p.stock > 0 ? "+" : "-")),
        ]);
        const withSlots = () =>
          String(render(
            {
              ...view,
              csrf: TOKEN_SLOT,
              card: (p, token, options) => card(p, token, { ...options, badge: BADGE_SLOT }),
            },
            { ...viewer, csrfToken: () => TOKEN_SLOT },
          ));
        return c.html(pages.fill(key, withSlots, items, view.csrf));
      },
    )
    .get(
      "/products/:idOrSlug",
      zValidator("param", productIdParam, (result) => {
        if (!result.success) throw notFound("That product");
      }),
      async (c) => {
        const product = await catalog.product(c.req.valid("param").idOrSlug);
        if (!product) throw notFound("That product");
        // Counting views must never slow or fail the page.
        queue.publish(
          ANALYTICS_QUEUE,
          newMessage("product.viewed", { productId: product.id, day: today() }),
        ).catch((error) => log.debug("product view not recorded", { error: error.message }));
        return c.html(
          <ProductPage shop={shop} product={product} viewer={viewerOf(c)} flash={cartFlash(c)} />,
        );
      },
    )
    .get("/events/stock", (c) => {
      // Every stream starts with an id, so a browser reconnecting after a drop sends
      // Last-Event-ID and gets every badge's current stock: changes it missed are not lost.
      const reconnecting = c.req.header("Last-Event-ID") !== undefined;
      // Read after subscribing (the hub holds events meanwhile): no change slips between.
      const first = reconnecting
        ? stockOfActive(sql).then((
          items,
        ) => [{ id: "stock", data: String(StockUpdate({ items })) }])
        : [{ id: "stock", data: "" }];
      const body = live.open(STOCK_TOPIC, { first, signal: c.req.raw.signal });
      // Through the context, so headers set by middleware (X-Request-Id) are kept.
      return c.body(body, 200, sseHeaders);
    });
}

/** After adding to the cart without JavaScript, the page it came from says so. */
const cartFlash = (c: Context) =>
  c.req.query("cart") === "added" ? "Added to your cart." : undefined;

export const sseHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};
