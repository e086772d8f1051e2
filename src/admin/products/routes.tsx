import { Hono } from "hono";
import {
  PRODUCT_RESULTS_ID,
  ProductListPage,
  type ProductListState,
  ProductResults,
} from "../../../views/admin/products/product-list.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { createImageStore } from "./image-store.ts";
import { productEditRoutes } from "./edit.tsx";
import { productWrites } from "./writes.ts";
import { categoryOptions, listAdminProducts } from "./queries.ts";
import { productListQuery } from "./schema.ts";
import { uploadRoutes } from "./uploads.ts";
import { auditBy, idOf, noStore } from "../shared/form-kit.ts";
import { withQuery } from "../shared/lists.ts";

export const PRODUCTS_PAGE_SIZE = 25;

/** The URL of a product list state; defaults are left out so URLs stay short. */
export function productListHref(state: ProductListState) {
  return withQuery("/admin/products", {
    q: state.q,
    category: state.category,
    status: state.status === "active" ? undefined : state.status,
    sort: state.sort === "name" ? undefined : state.sort,
    dir: state.dir === defaultDir(state.sort) ? undefined : state.dir,
    page: state.page === 1 ? undefined : state.page,
  });
}

const defaultDir = (sort: ProductListState["sort"]) => sort === "updated" ? "desc" : "asc";

/**
 * Products: the list, create, edit, archive and restore, and their images. Admins only,
 * except the images themselves, which the shop shows to everyone.
 */
export function productAdminRoutes(deps: AdminDeps) {
  const { shop, sql, format } = deps;
  const admin = requireRole("admin");
  const images = createImageStore(deps.dataDir, { log: deps.log });
  const writes = productWrites({ sql, catalog: deps.catalog, images });

  const products = new Hono<AppEnv>()
    .get("/admin/products", admin, async (c) => {
      const query = productListQuery.parse(c.req.query());
      const state: ProductListState = {
        q: query.q,
        category: query.category,
        status: query.status,
        sort: query.sort,
        dir: query.dir ?? defaultDir(query.sort),
        page: query.page,
      };
      const [found, categories] = await Promise.all([
        listAdminProducts(sql, {
          q: state.q,
          categoryId: state.category,
          status: state.status,
          sort: state.sort,
          dir: state.dir,
          limit: PRODUCTS_PAGE_SIZE,
          offset: (state.page - 1) * PRODUCTS_PAGE_SIZE,
        }),
        categoryOptions(sql),
      ]);
      noStore(c);
      const view = {
        shop,
        state,
        categories,
        ...found,
        pageCount: Math.max(1, Math.ceil(found.total / PRODUCTS_PAGE_SIZE)),
        dateTime: format.dateTime,
        href: (changes: Partial<ProductListState>) => productListHref({ ...state, ...changes }),
      };
      if (wantsFragment(c, PRODUCT_RESULTS_ID)) return c.html(<ProductResults view={view} />);
      return c.html(<ProductListPage {...view} viewer={viewerOf(c)} />);
    })
    .post("/admin/products/:id{[0-9]+}/archive", admin, async (c) => {
      const id = idOf(c, "That product");
      if (!await writes.setActive(id, false, auditBy(c))) throw notFound("That product");
      return c.redirect(`/admin/products/${id}?done=archived`, 303);
    })
    .post("/admin/products/:id{[0-9]+}/restore", admin, async (c) => {
      const id = idOf(c, "That product");
      if (!await writes.setActive(id, true, auditBy(c))) throw notFound("That product");
      return c.redirect(`/admin/products/${id}?done=restored`, 303);
    });

  return new Hono<AppEnv>()
    .route("/", products)
    .route("/", productEditRoutes(deps, writes))
    .route("/", uploadRoutes(images));
}
