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
import { newMessage } from "../../infra/queue.ts";
import { ordersHandler } from "../../../worker/handlers/orders.ts";
import { workerDeps } from "../../../worker/handlers/index.ts";

/** Shop settings: the admin edits the shop's details; every page, order and email shows them. */

let t: AdminTestContext;
beforeAll(async () => {
  t = await createAdminContext();
});
afterAll(() => t?.close());

const details = {
  name: "Crumb & Co",
  address: "12 Rue du Four\n 75006 Paris ",
  phone: "+33 1 23 45 67 89",
  email: "hello@crumb.example",
  mapUrl: "https://www.openstreetmap.org/?mlat=48.85&mlon=2.33",
};

const footerOf = (html: string) => html.match(/<footer[\s\S]*<\/footer>/)?.[0] ?? "";
const today = () => t.services.bakery.today();

describe("shop settings", () => {
  it("are for admins only", async () => {
    const problems = await expectAdminOnly(t, [
      { method: "GET", path: "/admin/shop" },
      { method: "POST", path: "/admin/shop" },
    ]);
    expect(problems).toEqual([]);
  });

  it("refuse bad fields with words, keep what was typed, and save nothing", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ name: " " }, "name", "Enter the shop"],
      [{ phone: "call us" }, "phone", "Enter a phone number"],
      [{ email: "hello@" }, "email", "Enter an email address"],
      [{ mapUrl: "javascript:alert(1)" }, "map", "starting with https://"],
      [{ mapUrl: "http://maps.example/shop" }, "map", "starting with https://"],
      [{ address: "x".repeat(301) }, "address", "at most 300 characters"],
    ];
    for (const [change, field, message] of cases) {
      const res = await post(t, "/admin/shop", t.admin, { ...details, ...change });
      expect(res.status, JSON.stringify(change)).toBe(422);
      const html = await res.text();
      expect(html).toMatch(
        new RegExp(
          `id="shop-${field}-error" class="field-error">[^<]*${
            message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          }`,
        ),
      );
      if (!("name" in change)) expect(inputValue(html, "shop-name")).toBe("Crumb &amp; Co");
    }
    const fragment = await post(t, "/admin/shop", t.admin, { ...details, email: "x" }, {
      ...htmx("shop-form"),
    });
    expect(fragment.status).toBe(422);
    expect((await fragment.text()).startsWith('<form id="shop-form"')).toBe(true);
    const [row] = await t.sql`select name, phone from shop_details`;
    expect(row).toEqual({ name: "", phone: "" });
  });

  it("saves the details (audited); every page's footer shows them with a tel: link", async () => {
    const before = await (await get(t, "/")).text();
    expect(footerOf(before)).toContain(t.deps.config.shopName);
    const res = await post(t, "/admin/shop", t.admin, details);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/shop?done=saved");
    const form = await (await get(t, "/admin/shop?done=saved", t.admin)).text();
    expect(form).toContain("Saved.");
    expect(inputValue(form, "shop-phone")).toBe("+33 1 23 45 67 89");
    const audit = await t.sql<{ action: string; details: Record<string, unknown> }[]>`
      select action, details from audit_log where entity_type = 'shop' order by id`;
    expect(audit.at(-1)?.action).toBe("shop.details_changed");
    expect(audit.at(-1)?.details.phone).toEqual({ from: "", to: "+33 1 23 45 67 89" });

    for (const path of ["/", "/products/seeded-rye", "/signin", "/cart", "/no-such-page"]) {
      const footer = footerOf(await (await get(t, path)).text());
      expect(footer, path).toContain("Crumb &amp; Co");
      expect(footer, path).toContain("12 Rue du Four\n75006 Paris");
      expect(footer, path).toContain(
        '<a class="underline" href="tel:+33123456789">+33 1 23 45 67 89</a>',
      );
      expect(footer, path).toContain('href="mailto:hello@crumb.example"');
      expect(footer, path).toContain(`href="${details.mapUrl.replace("&", "&amp;")}"`);
    }
    // Staff and admin pages too.
    const admin = footerOf(await (await get(t, "/admin", t.admin)).text());
    expect(admin).toContain("tel:+33123456789");
  });

  it("shows today's hours from the calendar: special hours, and a closure with its reason", async () => {
    const date = today();
    await t.sql`delete from special_hours where date = ${date}`;
    await t.sql`insert into special_hours (date, opens, closes) values (${date}, 480, 780)`;
    const special = footerOf(await (await get(t, "/")).text());
    expect(special).toContain('<p id="shop-hours-today">Open today 08:00–13:00</p>');
    await t.sql`
      insert into closures (starts_on, ends_on, reason) values (${date}, ${date}, 'Stocktaking')`;
    const closed = footerOf(await (await get(t, "/")).text());
    expect(closed).toContain('<p id="shop-hours-today">Closed today: Stocktaking</p>');
    await t.sql`delete from closures where starts_on = ${date}`;
    await t.sql`delete from special_hours where date = ${date}`;
  });

  it("appear on the order's page and in the confirmation email", async () => {
    await post(t, "/admin/shop", t.admin, details);
    const [customer] = await t.sql<{ id: number; email: string }[]>`
      select id, email from users where role = 'customer' and email like 'customer-%@example.com'`;
    const [product] = await t.sql<{ id: number }[]>`
      update products set stock = 50 where slug = 'seeded-rye' returning id`;
    const { order } = await t.services.orders.place({
      userId: customer.id,
      items: [{ productId: product.id, quantity: 1 }],
    });
    const page = await (await get(t, `/orders/${order.id}?placed=1`, t.customer)).text();
    const place = page.match(/<section id="pickup-place"[\s\S]*?<\/section>/)?.[0] ?? "";
    expect(place).toContain("Where to collect it");
    expect(place).toContain("Crumb &amp; Co");
    expect(place).toContain('href="tel:+33123456789"');

    const deps = workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
    await ordersHandler(deps)(newMessage("order.placed", { orderId: order.id }), 1);
    const [mail] = await t.sql<{ body: string }[]>`
      select body from notifications where order_id = ${order.id} and kind = 'order_confirmation'`;
    expect(mail.body).toContain(
      "Collect it at:\nCrumb & Co\n12 Rue du Four\n75006 Paris\nPhone: +33 1 23 45 67 89\n" +
        "Email: hello@crumb.example\nMap: " + details.mapUrl + "\nHours that day: ",
    );
    expect(await auditActions(t, "order", order.id)).toBeDefined();
  });
});
