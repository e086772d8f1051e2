import type { AdminCategory } from "../../../src/admin/categories/queries.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner, type FormProblems } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { DataTable, EmptyState } from "../shared/list-kit.tsx";
import { ActionButton, AdminForm, Input, TextArea } from "../shared/form-parts.tsx";

export const NEW_CATEGORY_FORM_ID = "category-new-form";
export const CATEGORY_FORM_ID = "category-form";

export interface CategoryFormValues {
  name: string;
  slug: string;
  description: string;
}

export interface CategoryFormView extends FormProblems {
  csrfToken: string;
  values: CategoryFormValues;
  /** Absent for a new category. */
  categoryId?: number;
}

/** The create form (on the list) and the edit form (on the category's page). */
export function CategoryForm(view: CategoryFormView) {
  const { values, fields = {}, categoryId } = view;
  const prefix = categoryId ? "category" : "new-category";
  return (
    <AdminForm
      id={categoryId ? CATEGORY_FORM_ID : NEW_CATEGORY_FORM_ID}
      action={categoryId ? `/admin/categories/${categoryId}` : "/admin/categories"}
      label={categoryId ? "Edit category" : "New category"}
    >
      <ErrorBanner id={`${prefix}-error`} message={view.error} />
      <CsrfField token={view.csrfToken} />
      <div class="grid gap-4 sm:grid-cols-2">
        <Input
          id={`${prefix}-name`}
          name="name"
          label="Name"
          value={values.name}
          required
          maxlength={80}
          error={fields.name}
          autofocus={!!fields.name}
        />
        <Input
          id={`${prefix}-slug`}
          name="slug"
          label="Slug (web address)"
          value={values.slug}
          maxlength={60}
          hint="Leave empty to make it from the name. Changing it changes the shop's links."
          error={fields.slug}
          autofocus={!fields.name && !!fields.slug}
        />
      </div>
      <TextArea
        id={`${prefix}-description`}
        name="description"
        label="Description"
        value={values.description}
        maxlength={500}
        error={fields.description}
      />
      <button type="submit" class="btn-primary self-start">
        {categoryId ? "Save changes" : "Add category"}
      </button>
    </AdminForm>
  );
}

const countText = (c: AdminCategory) =>
  `${c.productCount}${c.archivedCount ? ` (${c.archivedCount} archived)` : ""}`;

export function CategoriesPage(
  view: {
    shop: ShopView;
    viewer: Viewer;
    categories: AdminCategory[];
    flash?: string;
    newForm: CategoryFormView;
  },
) {
  const csrf = view.newForm.csrfToken;
  const last = view.categories.length - 1;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="categories"
      title="Categories"
      flash={view.flash}
    >
      <p>The shop lists categories in this order.</p>
      {view.categories.length === 0
        ? <EmptyState>No categories yet.</EmptyState>
        : (
          <DataTable columns={["#", "Name", "Products", "Order"]}>
            {view.categories.map((c, i) => (
              <tr id={`category-${c.id}`}>
                <td data-label="#" class="tabular-nums">{i + 1}</td>
                <td data-label="Name">
                  <a href={`/admin/categories/${c.id}`} class="font-semibold underline">
                    {c.name}
                  </a>
                  <div class="text-ink-soft">{c.slug}</div>
                </td>
                <td data-label="Products" class="tabular-nums">{countText(c)}</td>
                <td data-label="Order">
                  <div class="flex flex-wrap gap-2">
                    {i > 0 && (
                      <ActionButton
                        action={`/admin/categories/${c.id}/move`}
                        csrfToken={csrf}
                        fields={{ direction: "up" }}
                        label="↑ Up"
                        hidden={` (move ${c.name} up)`}
                      />
                    )}
                    {i < last && (
                      <ActionButton
                        action={`/admin/categories/${c.id}/move`}
                        csrfToken={csrf}
                        fields={{ direction: "down" }}
                        label="↓ Down"
                        hidden={` (move ${c.name} down)`}
                      />
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      <section class="panel" aria-labelledby="new-category-heading">
        <h2 id="new-category-heading" class="section-heading">New category</h2>
        <CategoryForm {...view.newForm} />
      </section>
    </AdminLayout>
  );
}

export function CategoryPage(
  view: {
    shop: ShopView;
    viewer: Viewer;
    category: AdminCategory;
    form: CategoryFormView;
    flash?: string;
    /** Why the delete was refused. */
    deleteError?: string;
  },
) {
  const { category } = view;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="categories"
      title={`Edit ${category.name}`}
      flash={view.flash}
      error={view.deleteError}
    >
      <p>
        <a href="/admin/categories" class="text-link">← All categories</a>
      </p>
      <section class="panel" aria-label="Category details">
        <CategoryForm {...view.form} />
      </section>
      <section class="panel flex flex-col gap-3" aria-labelledby="delete-heading">
        <h2 id="delete-heading" class="section-heading">Delete</h2>
        <p>
          {category.productCount === 0
            ? "No product is in this category, so it can be deleted."
            : `Products in this category: ${
              countText(category)
            }. Move them to another category before deleting it.`}
        </p>
        <ActionButton
          action={`/admin/categories/${category.id}/delete`}
          csrfToken={view.form.csrfToken}
          label="Delete category"
          hidden={` ${category.name}`}
        />
      </section>
    </AdminLayout>
  );
}
