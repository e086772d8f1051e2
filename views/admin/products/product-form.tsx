import type { Child } from "hono/jsx";
import { ProductImage } from "../../catalog/product-image.tsx";
import { MAX_IMAGE_MB } from "../../../src/admin/products/images.ts";
import { allergenLabels, allergens } from "../../../src/catalog/allergens.ts";
import type { AdminProduct } from "../../../src/admin/products/queries.ts";
import { priceText } from "../../../src/admin/products/schema.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner, type FormProblems } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import {
  ActionButton,
  AdminForm,
  Checkbox,
  CheckboxGroup,
  FileInput,
  Input,
  Select,
  TextArea,
} from "../shared/form-parts.tsx";

export const PRODUCT_FORM_ID = "product-form";
export const CONFLICT_MESSAGE = "This product was changed by someone else while you edited it.";

/** The form's fields as text, as typed or as stored. */
export interface ProductFormValues {
  name: string;
  slug: string;
  price: string;
  categoryId: string;
  description: string;
  allergens: string[];
  lowStockThreshold: string;
  active: boolean;
}

export const newProductValues: ProductFormValues = {
  name: "",
  slug: "",
  price: "",
  categoryId: "",
  description: "",
  allergens: [],
  lowStockThreshold: "5",
  active: true,
};

export const formValuesOf = (p: Omit<AdminProduct, "id" | "stock" | "version" | "imagePath">) => ({
  name: p.name,
  slug: p.slug,
  price: priceText(p.priceCents),
  categoryId: String(p.categoryId),
  description: p.description,
  allergens: [...p.allergens],
  lowStockThreshold: String(p.lowStockThreshold),
  active: p.active,
});

type Yours = Partial<Record<keyof ProductFormValues | "image", string>>;

/** After a conflict: what the user had typed, for each field where it differs from the store. */
export function differences(
  stored: ProductFormValues,
  typed: ProductFormValues,
  categories: { id: number; name: string }[],
  imageDropped: boolean,
): Yours {
  const show = {
    categoryId: (v: ProductFormValues) =>
      categories.find((c) => String(c.id) === v.categoryId)?.name ?? "",
    allergens: (v: ProductFormValues) =>
      v.allergens.map((a) => allergenLabels[a as keyof typeof allergenLabels] ?? a).join(", ") ||
      "none",
    active: (v: ProductFormValues) => v.active ? "on sale" : "not on sale",
  };
  const yours: Yours = {};
  for (const key of Object.keys(stored) as (keyof ProductFormValues)[]) {
    const format = show[key as keyof typeof show] ?? ((v: ProductFormValues) => String(v[key]));
    const [was, typedText] = [format(stored), format(typed)];
    if (was !== typedText) yours[key] = typedText === "" ? "(empty)" : typedText;
  }
  if (imageDropped) yours.image = "the image you chose was not saved: choose it again.";
  return yours;
}

export interface ProductFormView extends FormProblems {
  shop: ShopView;
  csrfToken: string;
  currency: string;
  categories: { id: number; name: string }[];
  values: ProductFormValues;
  /** Absent for a new product. */
  product?: { id: number; version: number; imagePath: string | null };
  yours?: Yours;
}

const order = ["name", "slug", "price", "categoryId", "description", "allergens", "image"];

export function ProductForm(view: ProductFormView) {
  const { values, fields = {}, yours = {}, product } = view;
  const focus = order.find((name) => fields[name]);
  const note = (key: keyof Yours) => yours[key] && <>You typed: {yours[key]}</>;
  return (
    <AdminForm
      id={PRODUCT_FORM_ID}
      action={product ? `/admin/products/${product.id}` : "/admin/products"}
      label={product ? "Edit product" : "New product"}
      multipart
    >
      <ErrorBanner id="product-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      {product && <input type="hidden" name="version" value={String(product.version)} />}
      <Input
        id="product-name"
        name="name"
        label="Name"
        value={values.name}
        required
        maxlength={120}
        error={fields.name}
        note={note("name")}
        autofocus={focus === "name"}
      />
      <Input
        id="product-slug"
        name="slug"
        label="Slug (web address)"
        value={values.slug}
        maxlength={80}
        hint="Lowercase letters, digits and dashes. Leave empty to make it from the name."
        error={fields.slug}
        note={note("slug")}
        autofocus={focus === "slug"}
      />
      <div class="grid gap-4 sm:grid-cols-2">
        <Input
          id="product-price"
          name="price"
          label={`Price (${view.currency})`}
          value={values.price}
          inputmode="decimal"
          required
          maxlength={12}
          placeholder="3.40"
          hint="Up to two decimals, like 3.40."
          error={fields.price}
          note={note("price")}
          autofocus={focus === "price"}
        />
        <Select
          id="product-category"
          name="categoryId"
          label="Category"
          placeholder="Choose a category…"
          required
          options={view.categories.map((c) => ({ value: String(c.id), label: c.name }))}
          value={values.categoryId}
          error={fields.categoryId}
          note={note("categoryId")}
        />
      </div>
      <TextArea
        id="product-description"
        name="description"
        label="Description"
        value={values.description}
        maxlength={2000}
        error={fields.description}
        note={note("description")}
      />
      <CheckboxGroup
        id="product-allergens"
        name="allergens"
        legend="Allergens it contains"
        options={allergens.map((a) => ({ value: a, label: allergenLabels[a] }))}
        values={values.allergens}
        error={fields.allergens}
        note={note("allergens")}
      />
      <Input
        id="product-threshold"
        name="lowStockThreshold"
        label="Low-stock threshold"
        type="number"
        min={0}
        max={10000}
        value={values.lowStockThreshold}
        required
        hint="The stock screen flags the product when its stock is at or below this."
        error={fields.lowStockThreshold}
        note={note("lowStockThreshold")}
        class="max-w-xs"
      />
      <Checkbox
        id="product-active"
        name="active"
        label="On sale (shown in the shop)"
        checked={values.active}
        note={note("active")}
      />
      {product?.imagePath && (
        <ProductImage
          shop={view.shop}
          imagePath={product.imagePath}
          alt="Current image"
          sizes="160px"
          width={160}
          height={120}
          lazy={false}
          class="rounded-lg object-cover aspect-[4/3] bg-wheat"
        />
      )}
      <FileInput
        id="product-image"
        name="image"
        label={product?.imagePath ? "Replace the image" : "Image"}
        accept="image/jpeg,image/png,image/webp"
        hint={`JPEG, PNG or WebP, up to ${MAX_IMAGE_MB} MB, as a phone takes it: it is turned upright, cropped to the shop's 4:3 frame and stripped of its location and camera details.`}
        error={fields.image}
        note={note("image")}
      />
      {product?.imagePath && (
        <Checkbox
          id="product-remove-image"
          name="removeImage"
          label="Remove the image (the shop shows a drawing instead)"
          checked={false}
        />
      )}
      <button type="submit" class="btn-primary self-start">
        {product ? "Save changes" : "Create product"}
      </button>
    </AdminForm>
  );
}

export function ProductFormPage(
  view: ProductFormView & {
    viewer: Viewer;
    title: string;
    flash?: string;
    stored?: AdminProduct;
    /** The product's baking schedule form, once it exists. */
    schedule?: Child;
  },
) {
  const { stored } = view;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="products"
      title={view.title}
      flash={view.flash}
    >
      <p>
        <a href="/admin/products" class="text-link">← All products</a>
      </p>
      {stored && (
        <div class="panel flex flex-wrap items-center gap-4">
          <p>
            <span class="font-semibold">{stored.active ? "On sale" : "Archived"}</span>
            {" · "}
            {stored.stock} in stock ·{" "}
            <a href={`/admin/stock/${stored.id}`} class="underline">stock history</a>
            {stored.active && (
              <>
                {" · "}
                <a href={`/products/${stored.slug}`} class="underline">view in the shop</a>
              </>
            )}
          </p>
          <ActionButton
            action={`/admin/products/${stored.id}/${stored.active ? "archive" : "restore"}`}
            csrfToken={view.csrfToken}
            label={stored.active ? "Archive" : "Restore"}
            hidden={stored.active
              ? " (hide from the shop, keep on past orders)"
              : " (show in the shop again)"}
          />
        </div>
      )}
      <section class="panel" aria-label="Product details">
        <ProductForm {...view} />
      </section>
      {view.schedule}
    </AdminLayout>
  );
}
