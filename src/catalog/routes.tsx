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
import { liveStream } from "../live/stream-response.ts";
import { notFound, validationError } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";
import type { AppEnv } from "../http/env.ts";
import { viewerOf } from "../http/viewer.ts";
import { catalogPageQuery, productIdParam } from "./schema.ts";
import { type Catalog, STOCK_TOPIC } from "./service.ts";
import { stockOfActive } from "./queries.ts";
import type { Bakery } from "../bakery/service.ts";
import { dayTopic, SHELF_TOPIC } from "../bakery/live.ts";
import { isDate } from "../bakery/calendar.ts";
import { DATE_MESSAGE } from "../bakery/schema.ts";
import { AppError } from "../http/errors.ts";
import { ANALYTICS_QUEUE } from "../jobs/names.ts";
import type { CartOwners } from "../cart/owner.ts";
import { cartTopic } from "../cart/live.ts";
import type { ShopDays } from "./day.ts";

export const CATALOG_PAGE_SIZE = 24;

export interface CatalogRouteDeps {
  shop: ShopView;
  catalog: Catalog;
  sql: Sql;
  live: LiveHub;
  queue: Queue;
  log: Logger;
  today: () => string;
  bakery: Bakery;
  owners: CartOwners;
  /** The pickup day a shopper looks at, and products as they can be had on it. */
  days: ShopDays;
}

/** The customer catalog: browsing, product pages and the live stock stream. */
export function catalogRoutes(
  { shop, catalog, sql, live, queue, log, today, bakery, owners, days }: CatalogRouteDeps,
) {
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
        const day = await days.chosen(c);
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
        const products = await days.apply(day.date, items);
        const view: CatalogView = {
          shop,
          categories,
          products,
          day,
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
          day,
          // The cards as they show on the day: in stock, sold out or made to order, and
          // whether (and until when) each can be ordered for it.
          products.map((p) =>
            cardKey(p) + (p.stock === null ? "*" : p.stock > 0 ? "+" : "-") +
            JSON.stringify(p.onDay ?? null)
          ),
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
        return c.html(pages.fill(key, withSlots, products, view.csrf));
      },
    )
    .get(
      "/products/:idOrSlug",
      zValidator("param", productIdParam, (result) => {
        if (!result.success) throw notFound("That product");
      }),
      async (c) => {
        const found = await catalog.product(c.req.valid("param").idOrSlug);
        if (!found) throw notFound("That product");
        const day = await days.chosen(c);
        const [product] = await days.apply(day.date, [found]);
        // Counting views must never slow or fail the page.
        queue.publish(
          ANALYTICS_QUEUE,
          newMessage("product.viewed", { productId: product.id, day: today() }),
        ).catch((error) => log.debug("product view not recorded", { error: error.message }));
        return c.html(
          <ProductPage
            shop={shop}
            product={product}
            day={day}
            viewer={viewerOf(c)}
            flash={cartFlash(c)}
          />,
        );
      },
    )
    .get("/events/stock", async (c) => {
      // Every stream starts with an id, so a browser reconnecting after a drop sends
      // Last-Event-ID and gets every badge's current stock: changes it missed are not lost.
      const reconnecting = c.req.header("Last-Event-ID") !== undefined;
      const date = c.req.query("date");
      const shopToday = bakery.today();
      // The owner's cart topic rides on the same stream: the header's count and the cart
      // page follow changes made in other tabs and on other devices.
      const owner = await owners.peek(c);
      const cart = owner ? [cartTopic(owner)] : [];
      if (date === undefined || date === shopToday) {
        // Read after subscribing (the hub holds events meanwhile): no change slips between.
        const first = () =>
          reconnecting
            ? stockOfActive(sql, shopToday).then((items) => [
              { id: "stock", data: String(StockUpdate({ items })) },
            ])
            : [{ id: "stock", data: "" }];
        return liveStream(c, live, STOCK_TOPIC, { first, also: cart });
      }
      // Another date: that date's plans and the shelf, as one stream.
      if (!isDate(date)) {
        throw new AppError(400, "validation_failed", DATE_MESSAGE, { date: DATE_MESSAGE });
      }
      await bakery.checkDate(date);
      const first = () =>
        reconnecting
          ? bakery.remainingOn(date).then((items) => [
            { id: "stock", data: String(StockUpdate({ items })) },
          ])
          : [{ id: "stock", data: "" }];
      return liveStream(c, live, dayTopic(date), { first, also: [SHELF_TOPIC, ...cart] });
    });
}

/** After adding to the cart without JavaScript, the page it came from says so. */
const cartFlash = (c: Context) =>
  c.req.query("cart") === "added" ? "Added to your cart." : undefined;

export { sseHeaders } from "../live/stream-response.ts";
