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
import { CONFLICT_MESSAGE } from "../../../views/admin/products/product-form.tsx";

/** Products in the admin: list, create, edit with an optimistic lock, archive and restore. */
describe("admin products", () => {
  let t: AdminTestContext;
  let breads: number;
  let cakes: number;

  beforeAll(async () => {
    t = await createAdminContext();
    const rows = await t.sql<{ id: number; slug: string }[]>`select id, slug from categories`;
    breads = rows.find((r) => r.slug === "breads")!.id;
    cakes = rows.find((r) => r.slug === "cakes")!.id;
  });
  afterAll(() => t?.close());

  const product = async (slug: string) => {
    const [row] = await t.sql<
      {
        id: number;
        name: string;
        priceCents: number;
        version: number;
        active: boolean;
        allergens: string[];
        lowStockThreshold: number;
        categoryId: number;
        description: string;
      }[]
    >`select id, name, price_cents, version, active, allergens, low_stock_threshold, category_id,
             description
      from products where slug = ${slug}`;
    return row;
  };

  /** The product names of a list page, in order. */
  const names = (html: string) =>
    [...html.matchAll(/<a href="\/admin\/products\/\d+" class="font-semibold underline">([^<]*)</g)]
      .map((m) => m[1].replaceAll("&amp;", "&"));

  const valid = () => ({
    name: "Pumpkin Seed Batard",
    slug: "",
    price: "3.40",
    categoryId: String(breads),
    description: "Dark rye with sunflower & pumpkin seeds <b>bold</b>",
    allergens: ["gluten", "sesame"],
    lowStockThreshold: "4",
    active: "1",
  });

  const editFields = async (slug: string, changes: Record<string, string | string[]>) => {
    const p = await product(slug);
    return {
      name: p.name,
      slug,
      price: (p.priceCents / 100).toFixed(2),
      categoryId: String(p.categoryId),
      description: p.description,
      allergens: p.allergens,
      lowStockThreshold: String(p.lowStockThreshold),
      active: p.active ? "1" : "",
      version: String(p.version),
      ...changes,
    };
  };

  it("is for admins only, on every route", async () => {
    const id = (await product("country-sourdough")).id;
    const problems = await expectAdminOnly(t, [
      { method: "GET", path: "/admin/products" },
      { method: "GET", path: "/admin/products/new" },
      { method: "POST", path: "/admin/products" },
      { method: "GET", path: `/admin/products/${id}` },
      { method: "POST", path: `/admin/products/${id}` },
      { method: "POST", path: `/admin/products/${id}/archive` },
      { method: "POST", path: `/admin/products/${id}/restore` },
    ]);
    expect(problems).toEqual([]);
    expect((await product("country-sourdough")).active).toBe(true);
  });

  it("lists one page at a time, searching, filtering and sorting, filters kept in links", async () => {
    const res = await get(t, "/admin/products", t.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toContain("no-store");
    const [{ n }] = await t.sql<
      { n: number }[]
    >`select count(*)::int as n from products where active`;
    const html = await res.text();
    expect(html).toContain(`${n} products`);
    expect(names(html)).toHaveLength(25);
    expect(html).toContain('href="/admin/products?page=2"');

    const search = await (await get(t, "/admin/products?q=SOURDOUGH", t.admin)).text();
    expect(names(search)).toEqual(["Country Sourdough"]);
    const bySlug = await (await get(t, "/admin/products?q=country-sour", t.admin)).text();
    expect(names(bySlug)).toEqual(["Country Sourdough"]);

    const inCakes = await (await get(t, `/admin/products?category=${cakes}`, t.admin)).text();
    const cakeNames = await t.sql<{ name: string }[]>`
      select name from products where category_id = ${cakes} and active order by lower(name)`;
    expect(names(inCakes)).toEqual(cakeNames.map((r) => r.name));

    const byPrice = await (await get(t, "/admin/products?sort=price&dir=desc", t.admin)).text();
    const prices = await t.sql<{ name: string }[]>`
      select name from products where active order by price_cents desc, id desc limit 25`;
    expect(names(byPrice)).toEqual(prices.map((r) => r.name));
    // The next page and the other sort links keep the sort, the direction and the search.
    expect(byPrice).toContain('href="/admin/products?sort=price&amp;dir=desc&amp;page=2"');
    const filtered =
      await (await get(t, `/admin/products?q=a&category=${cakes}&sort=stock`, t.admin))
        .text();
    expect(filtered).toContain(
      `href="/admin/products?q=a&amp;category=${cakes}&amp;sort=stock&amp;dir=desc"`,
    );
    // Nonsense in the query falls back to the defaults instead of failing.
    expect((await get(t, "/admin/products?sort=evil&status=x&page=-3", t.admin)).status).toBe(200);
  });

  it("answers the results alone to an htmx search", async () => {
    const res = await get(t, "/admin/products?q=rye", t.admin, htmx("product-results", "section"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Vary")).toContain("HX-Request");
    const html = await res.text();
    expect(html.startsWith('<section id="product-results"')).toBe(true);
    expect(html).not.toContain("<html");
  });

  it("creates a product from a valid form, with the slug made from the name", async () => {
    const res = await post(t, "/admin/products", t.admin, valid());
    expect(res.status).toBe(303);
    const created = await product("pumpkin-seed-batard");
    expect(created).toMatchObject({
      name: "Pumpkin Seed Batard",
      priceCents: 340,
      allergens: ["gluten", "sesame"],
      lowStockThreshold: 4,
      active: true,
    });
    expect(res.headers.get("Location")).toBe(`/admin/products/${created.id}?done=created`);
    const page = await (await get(t, res.headers.get("Location")!, t.admin)).text();
    expect(page).toContain("The product was created.");
    // Data is escaped, never markup.
    expect(page).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(page).not.toContain("<b>bold</b>");
    const audit = await auditActions(t, "product", created.id);
    expect(audit.map((a) => a.action)).toEqual(["product.created"]);
    expect(audit[0].actorId).toBe(t.adminId);

    const accented = await post(t, "/admin/products", t.admin, {
      ...valid(),
      name: "Crème Brûlée Tart",
      price: "4,5",
    });
    expect(accented.status).toBe(303);
    expect((await product("creme-brulee-tart")).priceCents).toBe(450);
  });

  it("refuses bad fields with a message next to each and the input kept", async () => {
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ price: "3.456" }, "price", "Use at most two decimals"],
      [{ price: "-2.00" }, "price", "A price cannot be negative"],
      [{ price: "three" }, "price", "Enter the price as a number"],
      [{ price: "" }, "price", "Enter a price"],
      [{ name: "  " }, "name", "Enter a name"],
      [{ slug: "Not A Slug!" }, "slug", "Use lowercase letters"],
      [{ categoryId: "" }, "category", "Choose a category"],
      [{ categoryId: "999999" }, "category", "That category no longer exists"],
      [{ allergens: ["gluten", "arsenic"] }, "allergens", "Choose allergens from the list"],
      [{ lowStockThreshold: "-1" }, "threshold", "Enter a whole number"],
      [{ slug: "country-sourdough" }, "slug", "already used by “Country Sourdough”"],
    ];
    const [{ n: before }] = await t.sql<{ n: number }[]>`select count(*)::int as n from products`;
    for (const [change, field, message] of cases) {
      const res = await post(t, "/admin/products", t.admin, {
        ...valid(),
        name: "Kept",
        ...change,
      });
      const html = await res.text();
      expect({ change, status: res.status }).toEqual({ change, status: 422 });
      expect(html).toMatch(
        new RegExp(`id="product-${field}-error" class="field-error">[^<]*${message}`),
      );
      if (!("name" in change)) expect(inputValue(html, "product-name")).toBe("Kept");
    }
    const [{ n: after }] = await t.sql<{ n: number }[]>`select count(*)::int as n from products`;
    expect(after).toBe(before);

    // With htmx: the form alone, with the typed price kept.
    const res = await post(
      t,
      "/admin/products",
      t.admin,
      { ...valid(), price: "1.234" },
      htmx("product-form"),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html.startsWith('<form id="product-form"')).toBe(true);
    expect(inputValue(html, "product-price")).toBe("1.234");
  });

  it("saves an edit; the shop's next request shows the new price", async () => {
    const before = await product("country-sourdough");
    const shopBefore = await (await get(t, "/products/country-sourdough")).text();
    expect(shopBefore).toContain("€6.50");
    const res = await post(
      t,
      `/admin/products/${before.id}`,
      t.admin,
      await editFields("country-sourdough", { price: "7.10" }),
      htmx("product-form"),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("HX-Redirect")).toBe(`/admin/products/${before.id}?done=saved`);
    const after = await product("country-sourdough");
    expect(after.priceCents).toBe(710);
    expect(after.version).toBe(before.version + 1);
    expect(await (await get(t, "/products/country-sourdough")).text()).toContain("€7.10");
    const audit = await auditActions(t, "product", before.id);
    expect(audit.at(-1)).toMatchObject({
      action: "product.updated",
      actorId: t.adminId,
      details: { changes: { price_cents: { from: 650, to: 710 } } },
    });
  });

  it("refuses the second of two saves from the same version, showing the new values", async () => {
    const p = await product("pumpkin-seed-batard");
    const [first, second] = await Promise.all([
      post(
        t,
        `/admin/products/${p.id}`,
        t.admin,
        await editFields("pumpkin-seed-batard", { price: "3.90" }),
      ),
      post(
        t,
        `/admin/products/${p.id}`,
        t.admin,
        await editFields("pumpkin-seed-batard", { price: "4.20" }),
      ),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([303, 409]);
    const loser = first.status === 409 ? first : second;
    const winnerPrice = first.status === 409 ? "4.20" : "3.90";
    const loserPrice = first.status === 409 ? "3.90" : "4.20";
    const html = await loser.text();
    expect(html).toContain(CONFLICT_MESSAGE);
    // The fields hold what is saved now, and the form carries the new version …
    expect(inputValue(html, "product-price")).toBe(winnerPrice);
    const saved = await product("pumpkin-seed-batard");
    expect(saved.priceCents).toBe(Math.round(Number(winnerPrice) * 100));
    expect(html).toContain(`name="version" value="${saved.version}"`);
    // … and what this admin typed is shown beside the field, not lost.
    expect(html).toMatch(new RegExp(`id="product-price-note"[^>]*>You typed: ${loserPrice}<`));
    expect(html).not.toContain('id="product-name-note"');

    // Saving the refreshed form works.
    const retry = await post(
      t,
      `/admin/products/${p.id}`,
      t.admin,
      await editFields("pumpkin-seed-batard", { price: loserPrice }),
    );
    expect(retry.status).toBe(303);
    const audit = await auditActions(t, "product", p.id);
    expect(audit.filter((a) => a.action === "product.updated")).toHaveLength(2);
  });

  it("archives a product out of the shop and restores it", async () => {
    const p = await product("pumpkin-seed-batard");
    const res = await post(t, `/admin/products/${p.id}/archive`, t.admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/products/${p.id}?done=archived`);
    expect((await product("pumpkin-seed-batard")).active).toBe(false);
    expect((await get(t, "/products/pumpkin-seed-batard")).status).toBe(404);
    expect(await (await get(t, "/?q=pumpkin")).text()).not.toContain("Pumpkin Seed Batard");
    const archived = await (await get(t, "/admin/products?status=archived", t.admin)).text();
    expect(names(archived)).toEqual(["Pumpkin Seed Batard"]);
    expect(names(await (await get(t, "/admin/products?q=pumpkin-seed", t.admin)).text())).toEqual(
      [],
    );

    // An edit form opened before the archive now conflicts instead of undoing it.
    const stale = await post(t, `/admin/products/${p.id}`, t.admin, {
      ...(await editFields("pumpkin-seed-batard", { active: "1" })),
      version: String(p.version),
    });
    expect(stale.status).toBe(409);

    expect((await post(t, `/admin/products/${p.id}/restore`, t.admin, {})).status).toBe(303);
    expect((await product("pumpkin-seed-batard")).active).toBe(true);
    expect((await get(t, "/products/pumpkin-seed-batard")).status).toBe(200);
    const actions = (await auditActions(t, "product", p.id)).map((a) => a.action);
    expect(actions.slice(-2)).toEqual(["product.archived", "product.restored"]);
  });

  it("answers 404 for unknown products", async () => {
    expect((await get(t, "/admin/products/999999", t.admin)).status).toBe(404);
    expect((await get(t, "/admin/products/12345678901234567890", t.admin)).status).toBe(404);
    expect((await post(t, "/admin/products/999999/archive", t.admin, {})).status).toBe(404);
    const res = await post(t, "/admin/products/999999", t.admin, { ...valid(), version: "1" });
    expect(res.status).toBe(404);
  });
});
