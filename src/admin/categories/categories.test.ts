import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminTestContext,
  auditActions,
  createAdminContext,
  expectAdminOnly,
  get,
  htmx,
  inputValue,
  post,
} from "../../../tests/admin-support.ts";

/** Categories in the admin: create, rename, reorder, delete only when empty. */
describe("admin categories", () => {
  let t: AdminTestContext;

  beforeAll(async () => {
    t = await createAdminContext();
  });
  afterAll(() => t?.close());

  const category = async (slug: string) => {
    const [row] = await t.sql<
      { id: number; name: string; description: string; position: number }[]
    >`select id, name, description, position from categories where slug = ${slug}`;
    return row;
  };
  const order = async () =>
    (await t.sql<{ slug: string }[]>`select slug from categories order by position, name, id`)
      .map((r) => r.slug);
  const count = async () =>
    (await t.sql<{ n: number }[]>`select count(*)::int as n from categories`)[0].n;

  it("is for admins only, on every route", async () => {
    const { id } = await category("breads");
    const problems = await expectAdminOnly(t, [
      { method: "GET", path: "/admin/categories" },
      { method: "POST", path: "/admin/categories" },
      { method: "GET", path: `/admin/categories/${id}` },
      { method: "POST", path: `/admin/categories/${id}` },
      { method: "POST", path: `/admin/categories/${id}/move` },
      { method: "POST", path: `/admin/categories/${id}/delete` },
    ]);
    expect(problems).toEqual([]);
    expect(await category("breads")).toBeDefined();
  });

  it("lists categories in the shop's order with their product counts", async () => {
    const res = await get(t, "/admin/categories", t.admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from products p join categories c on c.id = p.category_id
      where c.slug = 'breads'`;
    expect(html).toMatch(new RegExp(`>Breads</a>[\\s\\S]*?<td[^>]*class="tabular-nums">${n}</td>`));
    const shown = [...html.matchAll(/<div class="text-ink-soft">([a-z-]+)<\/div>/g)].map((m) =>
      m[1]
    );
    expect(shown).toEqual(await order());
  });

  it("creates a category at the end, with the slug made from the name", async () => {
    // The shop's category list is cached; the new one must show on the next request.
    expect(await (await get(t, "/")).text()).not.toContain("Savoury Bakes");
    const before = await order();
    const res = await post(t, "/admin/categories", t.admin, {
      name: "Savoury Bakes",
      slug: "",
      description: "Quiches & pasties",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/categories?done=created");
    expect(await order()).toEqual([...before, "savoury-bakes"]);
    const created = await category("savoury-bakes");
    expect(created.description).toBe("Quiches & pasties");
    expect((await auditActions(t, "category", created.id)).map((a) => a.action)).toEqual([
      "category.created",
    ]);
    expect(await (await get(t, "/")).text()).toContain("Savoury Bakes");
    const page = await (await get(t, "/admin/categories?done=created", t.admin)).text();
    expect(page).toContain("The category was added at the end of the list.");
  });

  it("refuses bad fields with the message by the field and the input kept", async () => {
    const before = await count();
    const cases: [Record<string, string>, string, string][] = [
      [{ name: "", slug: "x" }, "name", "Enter a name."],
      [{ name: "A".repeat(81) }, "name", "at most 80"],
      [{ name: "Good", slug: "Not OK" }, "slug", "Use lowercase letters"],
      [{ name: "Breads again", slug: "breads" }, "slug", "already used by the category “Breads”"],
      [{ name: "!!!" }, "slug", "Use lowercase letters"],
    ];
    for (const [fields, field, message] of cases) {
      const res = await post(
        t,
        "/admin/categories",
        t.admin,
        { slug: "", description: "kept text", ...fields },
        htmx("category-new-form"),
      );
      expect({ fields, status: res.status }).toEqual({ fields, status: 422 });
      const html = await res.text();
      expect(html.startsWith('<form id="category-new-form"')).toBe(true);
      expect(html).toMatch(
        new RegExp(`id="new-category-${field}-error" class="field-error">[^<]*${message}`),
      );
      expect(html).toContain(">kept text</textarea>");
    }
    expect(await count()).toBe(before);
  });

  it("renames a category and changes its slug, refusing a slug in use", async () => {
    const { id } = await category("savoury-bakes");
    const clash = await post(t, `/admin/categories/${id}`, t.admin, {
      name: "Savoury",
      slug: "cakes",
      description: "",
    });
    expect(clash.status).toBe(422);
    const html = await clash.text();
    expect(html).toContain("already used by the category “Cakes”");
    expect(inputValue(html, "category-name")).toBe("Savoury");

    const res = await post(
      t,
      `/admin/categories/${id}`,
      t.admin,
      { name: "Savoury", slug: "savoury", description: "Quiche, pasties, sausage rolls" },
      htmx("category-form"),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("HX-Redirect")).toBe(`/admin/categories/${id}?done=saved`);
    expect(await category("savoury")).toMatchObject({
      id,
      name: "Savoury",
      description: "Quiche, pasties, sausage rolls",
    });
    const audit = await auditActions(t, "category", id);
    expect(audit.at(-1)).toMatchObject({
      action: "category.updated",
      details: { from: { slug: "savoury-bakes" }, to: { slug: "savoury" } },
    });
    // Keeping its own slug is no clash.
    const again = await post(t, `/admin/categories/${id}`, t.admin, {
      name: "Savoury",
      slug: "savoury",
      description: "",
    });
    expect(again.status).toBe(303);
  });

  it("moves categories up and down with plain forms", async () => {
    const before = await order();
    const cakes = await category("cakes");
    const res = await post(t, `/admin/categories/${cakes.id}/move`, t.admin, { direction: "up" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/categories?done=moved#category-${cakes.id}`);
    const i = before.indexOf("cakes");
    const expected = [...before];
    [expected[i - 1], expected[i]] = [expected[i], expected[i - 1]];
    expect(await order()).toEqual(expected);
    await post(t, `/admin/categories/${cakes.id}/move`, t.admin, { direction: "down" });
    expect(await order()).toEqual(before);
    // The first cannot go further up.
    const first = await category(before[0]);
    await post(t, `/admin/categories/${first.id}/move`, t.admin, { direction: "up" });
    expect(await order()).toEqual(before);
    const moves = (await auditActions(t, "category", cakes.id)).map((a) => a.action);
    expect(moves).toEqual(["category.moved", "category.moved"]);
  });

  it("refuses to delete a category that still has products, archived ones included", async () => {
    const breads = await category("breads");
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from products where category_id = ${breads.id}`;
    const res = await post(t, `/admin/categories/${breads.id}/delete`, t.admin, {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      `This category still has ${n} products: move them to another category first.`,
    );
    expect(await category("breads")).toBeDefined();

    const savoury = await category("savoury");
    await t.sql`
      update products set category_id = ${savoury.id}, active = false
      where slug = 'walnut-spelt-loaf'`;
    const archived = await post(t, `/admin/categories/${savoury.id}/delete`, t.admin, {});
    expect(archived.status).toBe(409);
    expect(await archived.text()).toContain(
      "This category still has 1 product (1 archived): move them to another category first.",
    );
    expect(await category("savoury")).toBeDefined();
    const actions = (await auditActions(t, "category", savoury.id)).map((a) => a.action);
    expect(actions).not.toContain("category.deleted");
  });

  it("deletes an empty category", async () => {
    const savoury = await category("savoury");
    const breads = await category("breads");
    await t.sql`update products set category_id = ${breads.id} where category_id = ${savoury.id}`;
    const res = await post(t, `/admin/categories/${savoury.id}/delete`, t.admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/categories?done=deleted");
    expect(await category("savoury")).toBeUndefined();
    expect((await auditActions(t, "category", savoury.id)).at(-1)?.action).toBe(
      "category.deleted",
    );
    expect((await post(t, `/admin/categories/${savoury.id}/delete`, t.admin, {})).status).toBe(404);
    expect((await get(t, `/admin/categories/${savoury.id}`, t.admin)).status).toBe(404);
  });
});
