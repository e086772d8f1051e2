import { type Context, Hono } from "hono";
import {
  StockForm,
  stockFormId,
  StockHistoryPage,
  StockPage,
  type StockPageView,
} from "../../../views/admin/stock/stock-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { pageQuery } from "../shared/schema.ts";
import { stockFormSchema, stockListQuery } from "./schema.ts";
import { findStockRow, listMovements, listStock } from "./queries.ts";
import { stockWrites } from "./writes.ts";
import {
  auditBy,
  finish,
  FIX_FIELDS,
  flashOf,
  formErrors,
  idOf,
  noStore,
  readForm,
  text,
} from "../shared/form-kit.ts";
import { withQuery } from "../shared/lists.ts";

type Ctx = Context<AppEnv>;

export const STOCK_PAGE_SIZE = 30;
export const HISTORY_PAGE_SIZE = 30;

const flashes: Record<string, string> = {
  saved: "The stock was saved. Open shop pages show it now.",
};

type ListQuery = ReturnType<typeof stockListQuery.parse>;

const listHref = (query: ListQuery, page = query.page) =>
  withQuery("/admin/stock", {
    q: query.q,
    low: query.low ? "1" : undefined,
    page: page > 1 ? page : undefined,
  });

/** The list state a stock form came from: only /admin/stock with its own filters. */
function listQueryOf(back: string): ListQuery {
  const url = new URL(back.startsWith("/admin/stock?") ? back : "/admin/stock", "http://x");
  return stockListQuery.parse(Object.fromEntries(url.searchParams));
}

/** Stock levels with a change form per product, and each product's movement history. */
export function stockAdminRoutes(
  { shop, sql, live, format, words, dashboardChanged, bakery }: AdminDeps,
) {
  const admin = requireRole("admin");
  const writes = stockWrites({ sql, live, bakery, changed: dashboardChanged });

  const listPage = async (
    c: Ctx,
    query: ListQuery,
    status: 200 | 422 = 200,
    failed?: StockPageView["failed"],
  ) => {
    noStore(c);
    const found = await listStock(sql, {
      q: query.q,
      low: query.low,
      limit: STOCK_PAGE_SIZE,
      offset: (query.page - 1) * STOCK_PAGE_SIZE,
      today: bakery.today(),
    });
    const view: StockPageView = {
      shop,
      viewer: viewerOf(c),
      csrfToken: c.get("csrfToken")(),
      rows: found.items,
      total: found.total,
      query,
      pageCount: Math.max(1, Math.ceil(found.total / STOCK_PAGE_SIZE)),
      back: listHref(query),
      href: (page) => listHref(query, page),
      flash: failed ? undefined : flashOf(c, flashes),
      failed,
    };
    return c.html(<StockPage {...view} />, status);
  };

  return new Hono<AppEnv>()
    .get("/admin/stock", admin, (c) => listPage(c, stockListQuery.parse(c.req.query())))
    .post("/admin/stock/:id{[0-9]+}", admin, async (c) => {
      const product = await findStockRow(sql, idOf(c, "That product"), bakery.today());
      if (!product) throw notFound("That product");
      const body = await readForm(c);
      const values = {
        change: text(body, "change"),
        quantity: text(body, "quantity"),
        note: text(body, "note"),
      };
      const query = listQueryOf(text(body, "back"));
      const parsed = stockFormSchema.safeParse(values);
      let fields: Record<string, string>;
      if (!parsed.success) {
        fields = formErrors(parsed.error);
      } else {
        const result = await writes.change(product.id, parsed.data, auditBy(c));
        if (result.kind === "missing") throw notFound("That product");
        if (result.kind === "saved") {
          const back = withQuery("/admin/stock", {
            q: query.q,
            low: query.low ? "1" : undefined,
            page: query.page > 1 ? query.page : undefined,
            done: "saved",
          });
          return finish(c, stockFormId(product.id), `${back}#stock-row-${product.id}`);
        }
        if (result.kind === "made_to_order") {
          fields = {
            quantity: `${product.name} is made to order: it has no stock to change.`,
          };
        } else {
          product.stock = result.stock;
          fields = {
            quantity: `Only ${result.stock} ${
              product.kind === "daily" ? "left of today's plan" : "in stock"
            }: you cannot take ${parsed.data.quantity}.`,
          };
        }
      }
      if (wantsFragment(c, stockFormId(product.id))) {
        noStore(c);
        const form = {
          csrfToken: c.get("csrfToken")(),
          product,
          back: listHref(query),
          values,
          fields,
        };
        return c.html(<StockForm {...form} />, 422);
      }
      const failed = { productId: product.id, values, error: FIX_FIELDS, fields };
      return await listPage(c, query, 422, failed);
    })
    .get("/admin/stock/:id{[0-9]+}", admin, async (c) => {
      const product = await findStockRow(sql, idOf(c, "That product"), bakery.today());
      if (!product) throw notFound("That product");
      const page = pageQuery.parse(c.req.query("page"));
      const found = await listMovements(sql, product.id, {
        limit: HISTORY_PAGE_SIZE,
        offset: (page - 1) * HISTORY_PAGE_SIZE,
      });
      noStore(c);
      return c.html(
        <StockHistoryPage
          shop={shop}
          viewer={viewerOf(c)}
          product={product}
          movements={found.items}
          page={page}
          pageCount={Math.max(1, Math.ceil(found.total / HISTORY_PAGE_SIZE))}
          dateTime={format.dateTime}
          dateLabel={words.day}
        />,
      );
    });
}
