import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  CategoriesPage,
  CATEGORY_FORM_ID,
  CategoryForm,
  type CategoryFormValues,
  type CategoryFormView,
  CategoryPage,
  NEW_CATEGORY_FORM_ID,
} from "../../../views/admin/categories/categories-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { recordAudit } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { Tx } from "../../infra/db.ts";
import {
  type AdminCategory,
  categorySlugOwner,
  deleteEmptyCategory,
  findAdminCategory,
  insertCategory,
  listAdminCategories,
  lockedOrder,
  updateCategory,
  writeOrder,
} from "./queries.ts";
import type { AdminDeps } from "../deps.ts";
import { categoryFormSchema, type CategoryInput } from "./schema.ts";
import {
  auditBy,
  finish,
  FIX_FIELDS,
  flashOf,
  formErrors,
  idOf,
  isUniqueViolation,
  noStore,
  readForm,
  text,
} from "../shared/form-kit.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  created: "The category was added at the end of the list.",
  saved: "The category was saved.",
  moved: "The order was changed.",
  deleted: "The category was deleted.",
};

const empty: CategoryFormValues = { name: "", slug: "", description: "" };
const valuesOf = (c: AdminCategory): CategoryFormValues => ({
  name: c.name,
  slug: c.slug,
  description: c.description,
});

const plural = (n: number) => (n === 1 ? "1 product" : `${n} products`);

/**
 * Why a category cannot be deleted. Archived products keep their category (past orders still
 * show them), so they count too: archiving does not empty a category, moving does.
 */
export const notEmptyMessage = (c: AdminCategory) =>
  c.archivedCount === 0
    ? `This category still has ${plural(c.productCount)}: move them to another category first.`
    : `This category still has ${
      plural(c.productCount)
    } (${c.archivedCount} archived): move them to another category first. Archived products keep their category, so they count too.`;

/** Categories: create, rename, reorder, delete when empty. Every change is audited. */
export function categoryAdminRoutes({ shop, sql, catalog }: AdminDeps) {
  const admin = requireRole("admin");

  const listPage = async (
    c: Ctx,
    newForm: Omit<CategoryFormView, "csrfToken">,
    status: ContentfulStatusCode,
  ) => {
    noStore(c);
    const form = { ...newForm, csrfToken: c.get("csrfToken")() };
    if (wantsFragment(c, NEW_CATEGORY_FORM_ID)) return c.html(<CategoryForm {...form} />, status);
    const categories = await listAdminCategories(sql);
    const page = {
      shop,
      viewer: viewerOf(c),
      categories,
      newForm: form,
      flash: flashOf(c, flashes),
    };
    return c.html(<CategoriesPage {...page} />, status);
  };

  const editPage = (
    c: Ctx,
    category: AdminCategory,
    form: Omit<CategoryFormView, "csrfToken" | "categoryId">,
    status: ContentfulStatusCode,
    deleteError?: string,
  ) => {
    noStore(c);
    const full = { ...form, categoryId: category.id, csrfToken: c.get("csrfToken")() };
    if (wantsFragment(c, CATEGORY_FORM_ID)) return c.html(<CategoryForm {...full} />, status);
    const flash = flashOf(c, flashes);
    const page = { shop, viewer: viewerOf(c), category, form: full, flash, deleteError };
    return c.html(<CategoryPage {...page} />, status);
  };

  const categoryOf = async (id: number) => {
    const category = await findAdminCategory(sql, id);
    if (!category) throw notFound("That category");
    return category;
  };

  const typed = async (c: Ctx): Promise<CategoryFormValues> => {
    const body = await readForm(c);
    return {
      name: text(body, "name"),
      slug: text(body, "slug"),
      description: text(body, "description"),
    };
  };

  /** Runs a category write; a clash on the slug becomes a field message. */
  const write = async (
    input: CategoryInput,
    exceptId: number | undefined,
    run: (tx: Tx) => Promise<number | null>,
  ): Promise<{ id: number } | { fields: Record<string, string> }> => {
    const taken = (name: string) => ({
      fields: { slug: `That slug is already used by the category “${name}”. Choose another one.` },
    });
    try {
      const result = await sql.begin(async (tx) => {
        const owner = await categorySlugOwner(tx, input.slug, exceptId);
        if (owner) return taken(owner.name);
        const id = await run(tx);
        return id === null ? taken(input.slug) : { id };
      });
      if ("id" in result) await catalog.changed();
      return result;
    } catch (error) {
      if (isUniqueViolation(error)) return taken(input.slug);
      throw error;
    }
  };

  return new Hono<AppEnv>()
    .get("/admin/categories", admin, (c) => listPage(c, { values: empty }, 200))
    .post("/admin/categories", admin, async (c) => {
      const values = await typed(c);
      const parsed = categoryFormSchema.safeParse(values);
      if (!parsed.success) {
        return listPage(c, { values, error: FIX_FIELDS, fields: formErrors(parsed.error) }, 422);
      }
      const input = parsed.data;
      const result = await write(input, undefined, async (tx) => {
        const id = await insertCategory(tx, input);
        if (id !== null) {
          await recordAudit(tx, {
            ...auditBy(c),
            action: "category.created",
            entityType: "category",
            entityId: id,
            details: { slug: input.slug, name: input.name },
          });
        }
        return id;
      });
      if ("fields" in result) {
        return listPage(c, { values, error: FIX_FIELDS, fields: result.fields }, 422);
      }
      return finish(c, NEW_CATEGORY_FORM_ID, "/admin/categories?done=created");
    })
    .get("/admin/categories/:id{[0-9]+}", admin, async (c) => {
      const category = await categoryOf(idOf(c, "That category"));
      return editPage(c, category, { values: valuesOf(category) }, 200);
    })
    .post("/admin/categories/:id{[0-9]+}", admin, async (c) => {
      const category = await categoryOf(idOf(c, "That category"));
      const values = await typed(c);
      const parsed = categoryFormSchema.safeParse(values);
      if (!parsed.success) {
        return editPage(c, category, {
          values,
          error: FIX_FIELDS,
          fields: formErrors(parsed.error),
        }, 422);
      }
      const input = parsed.data;
      const result = await write(input, category.id, async (tx) => {
        await updateCategory(tx, category.id, input);
        await recordAudit(tx, {
          ...auditBy(c),
          action: "category.updated",
          entityType: "category",
          entityId: category.id,
          details: { from: valuesOf(category), to: input },
        });
        return category.id;
      });
      if ("fields" in result) {
        return editPage(c, category, { values, error: FIX_FIELDS, fields: result.fields }, 422);
      }
      return finish(c, CATEGORY_FORM_ID, `/admin/categories/${category.id}?done=saved`);
    })
    .post("/admin/categories/:id{[0-9]+}/move", admin, async (c) => {
      const id = idOf(c, "That category");
      const direction = text(await readForm(c), "direction") === "up" ? -1 : 1;
      const moved = await sql.begin(async (tx) => {
        const order = await lockedOrder(tx);
        const from = order.indexOf(id);
        if (from === -1) return null;
        const to = from + direction;
        if (to < 0 || to >= order.length) return false;
        [order[from], order[to]] = [order[to], order[from]];
        await writeOrder(tx, order);
        await recordAudit(tx, {
          ...auditBy(c),
          action: "category.moved",
          entityType: "category",
          entityId: id,
          details: { from: from + 1, to: to + 1 },
        });
        return true;
      });
      if (moved === null) throw notFound("That category");
      if (moved) await catalog.changed();
      return c.redirect(`/admin/categories?done=moved#category-${id}`, 303);
    })
    .post("/admin/categories/:id{[0-9]+}/delete", admin, async (c) => {
      const id = idOf(c, "That category");
      const refused = await sql.begin(async (tx) => {
        const category = await findAdminCategory(tx, id, true);
        if (!category) throw notFound("That category");
        if (category.productCount > 0 || !await deleteEmptyCategory(tx, id)) return category;
        await recordAudit(tx, {
          ...auditBy(c),
          action: "category.deleted",
          entityType: "category",
          entityId: id,
          details: { slug: category.slug, name: category.name },
        });
        return null;
      });
      if (refused) {
        const current = await categoryOf(id);
        return editPage(c, current, { values: valuesOf(current) }, 409, notEmptyMessage(current));
      }
      await catalog.changed();
      return c.redirect("/admin/categories?done=deleted", 303);
    });
}
