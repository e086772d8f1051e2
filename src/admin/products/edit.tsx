import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  CONFLICT_MESSAGE,
  differences,
  formValuesOf,
  newProductValues,
  PRODUCT_FORM_ID,
  ProductForm,
  ProductFormPage,
  type ProductFormValues,
  type ProductFormView,
} from "../../../views/admin/products/product-form.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { checkImage, imageMessages, MAX_IMAGE_MB, UPLOAD_BYTES } from "./images.ts";
import { routeBodyLimit } from "../../http/body-limit.ts";
import type { NewImage, ProductWrites, SaveResult } from "./writes.ts";
import { type AdminProduct, categoryOptions, findAdminProduct } from "./queries.ts";
import { productFormSchema, type ProductInput } from "./schema.ts";
import {
  ScheduleForm,
  type ScheduleFormView,
} from "../../../views/admin/products/schedule-form.tsx";
import { scheduleFromForm } from "./schedule.ts";
import {
  actorOf,
  auditBy,
  finish,
  FIX_FIELDS,
  flashOf,
  type FormBody,
  formErrors,
  idOf,
  noStore,
  readForm,
  text,
  texts,
} from "../shared/form-kit.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  created: "The product was created. Set its stock on the Stock screen.",
  saved: "Your changes were saved. The shop shows them now.",
  archived: "The product was archived: it is gone from the shop and kept on past orders.",
  restored: "The product was restored: it is back in the shop.",
  schedule: "The baking schedule was saved. Dates that follow the par moved with it.",
};

type ScheduleProblems = Pick<ScheduleFormView, "error" | "fields" | "typed">;

const TOO_BIG_BANNER =
  `Nothing was saved: the upload was larger than ${MAX_IMAGE_MB} MB, so the form could not be read. Choose a smaller image and enter your changes again.`;
const CONFLICT_HELP =
  " The form now shows what is saved; under each field where yours differed is what you typed. Make your changes again and save.";

/** The fields as typed, to show them again after a refused save. */
const typedValues = (body: FormBody): ProductFormValues => ({
  name: text(body, "name"),
  slug: text(body, "slug"),
  price: text(body, "price"),
  categoryId: text(body, "categoryId"),
  description: text(body, "description"),
  allergens: texts(body, "allergens"),
  lowStockThreshold: text(body, "lowStockThreshold"),
  active: text(body, "active") === "1",
});

/** New-product and edit-product forms with image upload and the optimistic lock. */
export function productEditRoutes({ shop, sql, planning }: AdminDeps, writes: ProductWrites) {
  const admin = requireRole("admin");

  const render = async (
    c: Ctx,
    view: Omit<ProductFormView, "csrfToken" | "currency" | "categories" | "shop">,
    status: ContentfulStatusCode,
    stored?: AdminProduct,
    scheduleProblems?: ScheduleProblems,
  ) => {
    noStore(c);
    const full: ProductFormView = {
      ...view,
      shop,
      csrfToken: c.get("csrfToken")(),
      currency: shop.currency,
      categories: await categoryOptions(sql),
    };
    if (wantsFragment(c, PRODUCT_FORM_ID)) return c.html(<ProductForm {...full} />, status);
    const title = stored ? `Edit ${stored.name}` : "New product";
    const schedule = stored && await planning.schedule(stored.id);
    const page: Parameters<typeof ProductFormPage>[0] = {
      ...full,
      viewer: viewerOf(c),
      title,
      stored,
      flash: scheduleProblems ? undefined : flashOf(c, flashes),
      schedule: schedule && (
        <ScheduleForm
          csrfToken={full.csrfToken}
          productId={schedule.productId}
          schedule={schedule}
          {...scheduleProblems}
        />
      ),
    };
    return c.html(<ProductFormPage {...page} />, status);
  };

  const productOf = async (c: Ctx) => {
    const product = await findAdminProduct(sql, idOf(c, "That product"));
    if (!product) throw notFound("That product");
    return product;
  };

  const editView = (p: AdminProduct) => ({
    values: formValuesOf(p),
    product: { id: p.id, version: p.version, imagePath: p.imagePath },
  });

  /**
   * More than an image and the form: refused, read no further, the form shown again as it
   * was. Read only now, after the role check, and counted as it arrives.
   */
  const limit = (stored: (c: Ctx) => Promise<AdminProduct | undefined>) =>
    routeBodyLimit(UPLOAD_BYTES, async (c) => {
      const product = await stored(c as Ctx);
      const base = product ? editView(product) : { values: newProductValues };
      const problems = { error: TOO_BIG_BANNER, fields: { image: imageMessages.tooBig } };
      return await render(c as Ctx, { ...base, ...problems }, 413, product);
    }, ["image"]);

  /** Validates the form and image; on success hands them to `write`. */
  const submit = async (
    c: Ctx,
    write: (input: ProductInput, image: NewImage, version: number) => Promise<SaveResult>,
    stored?: AdminProduct,
  ) => {
    const body = await readForm(c);
    const typed = typedValues(body);
    const parsed = productFormSchema.safeParse(typed);
    const image = await checkImage(body.image);
    const fields = parsed.success ? {} : formErrors(parsed.error);
    if (image.kind === "error") fields.image = image.message;
    // The version the form was opened at; kept as sent so a later save can still conflict.
    const version = /^\d{1,9}$/.test(text(body, "version")) ? Number(text(body, "version")) : 0;
    if (stored && version === 0) {
      throw new AppError(400, "bad_request", "This form is out of date. Reload the page.");
    }
    const product = stored && { id: stored.id, version, imagePath: stored.imagePath };
    if (!parsed.success || image.kind === "error") {
      return await render(c, { values: typed, product, error: FIX_FIELDS, fields }, 422, stored);
    }
    const removeImage = text(body, "removeImage") === "1";
    const chosen = image.kind === "ok" ? image : removeImage ? "remove" : undefined;
    const result = await write(parsed.data, chosen, version);
    switch (result.kind) {
      case "saved":
        return finish(
          c,
          PRODUCT_FORM_ID,
          `/admin/products/${result.id}?done=${stored ? "saved" : "created"}`,
        );
      case "invalid":
        return await render(
          c,
          { values: typed, product, error: FIX_FIELDS, fields: result.fields },
          422,
          stored,
        );
      case "missing":
        throw notFound("That product");
      case "conflict": {
        const current = result.current;
        // Compared as the form would show them: "3.4" and "3.40" are the same price.
        const mine = formValuesOf({ ...parsed.data, priceCents: parsed.data.price });
        const categories = await categoryOptions(sql);
        const yours = differences(formValuesOf(current), mine, categories, image.kind === "ok");
        return await render(
          c,
          { ...editView(current), error: CONFLICT_MESSAGE + CONFLICT_HELP, yours },
          409,
          current,
        );
      }
    }
  };

  return new Hono<AppEnv>()
    .get("/admin/products/new", admin, (c) => render(c, { values: newProductValues }, 200))
    .post(
      "/admin/products",
      admin,
      limit(() => Promise.resolve(undefined)),
      (c) => submit(c, (input, image) => writes.create(input, image, auditBy(c))),
    )
    .get("/admin/products/:id{[0-9]+}", admin, async (c) => {
      const product = await productOf(c);
      return await render(c, editView(product), 200, product);
    })
    .post(
      "/admin/products/:id{[0-9]+}",
      admin,
      limit((c) => productOf(c as Ctx)),
      async (c) => {
        const stored = await productOf(c);
        return await submit(
          c,
          (input, image, version) => writes.save(stored.id, version, input, image, auditBy(c)),
          stored,
        );
      },
    )
    .post("/admin/products/:id{[0-9]+}/schedule", admin, async (c) => {
      const stored = await productOf(c);
      const { typed, input, fields } = scheduleFromForm(await readForm(c));
      const again = (problems: ScheduleProblems, status: ContentfulStatusCode) =>
        render(c, editView(stored), status, stored, problems);
      if (!input) return await again({ error: FIX_FIELDS, fields, typed }, 422);
      try {
        await planning.setSchedule(stored.id, input, actorOf(c));
      } catch (error) {
        if (!(error instanceof AppError) || error.status === 404) throw error;
        const status = error.status === 409 ? 409 : 422;
        return await again({ error: error.message, fields: error.fields, typed }, status);
      }
      return c.redirect(`/admin/products/${stored.id}?done=schedule#schedule-title`, 303);
    });
}
