import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type E2E, startE2E } from "./browser.ts";

/**
 * The bakery's days from the back: the admin plans and closes dates, the kitchen prints the
 * bake list and works a rush on the compact board. Also takes the README's pictures of the
 * plan grid and the bake list.
 */
const PICTURES = "docs/screenshots";

describe("bakery days for the admin and the kitchen in Chromium", () => {
  let e2e: E2E;
  const password = "proofing overnight";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };
  let tomorrow: string;
  let dayAfter: string;

  const register = (email: string, name: string, role?: "staff" | "admin") =>
    e2e.t.services.accounts.manage.register({ email, password, name }, meta, role, {
      emailVerified: true,
    });

  async function device(email: string, viewport: { width: number; height: number }) {
    const context = await e2e.browser.newContext({
      baseURL: e2e.baseUrl,
      viewport,
      locale: "en-GB",
    });
    const page = await e2e.newPage(context);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/signin"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    return page;
  }

  beforeAll(async () => {
    // Open all day, so today's orders work whatever the hour the tests run at.
    e2e = await startE2E({
      seed: "bakery",
      config: { OPENING_HOURS: "mon-sun 00:00-23:45", PREP_MINUTES: "15" },
    });
    await mkdir(PICTURES, { recursive: true });
    await register("ada.admin@example.com", "Ada Admin", "admin");
    await register("kim.kitchen@example.com", "Kim Kitchen", "staff");
    const customers = await Promise.all(
      ["Cleo Carter", "Dora Baker", "Emil Ross", "Farah Khan", "Gus Lee", "Hana Ito"].map(
        (name) => register(`${name.split(" ")[0].toLowerCase()}@example.com`, name),
      ),
    );
    const services = e2e.t.services;
    const days = await services.bakery.days();
    tomorrow = days[1].date;
    dayAfter = days[2].date;
    // Tomorrow's pre-orders, spread over the first slots of the morning.
    const daily = await e2e.t.sql<{ id: number }[]>`
      select id from products where active and kind = 'daily' order by id limit 8`;
    const slots = (await services.bakery.day(tomorrow)).slots
      .filter((s) => s.available && services.words.time(s.at) >= "07:00");
    for (const [i, customer] of customers.entries()) {
      await services.orders.place({
        userId: customer.id,
        items: [0, 1, 2].map((n) => ({
          productId: daily[(i + n * 3) % daily.length].id,
          quantity: 1 + ((i + n) % 3),
        })),
        pickup: slots[Math.floor(i / 2) * 2].at.toISOString(),
      });
    }
  });
  afterAll(() => e2e?.close());

  it("plans a date in the grid by keyboard, and is refused inline below what is ordered", async () => {
    const admin = await device("ada.admin@example.com", { width: 1280, height: 900 });
    await admin.goto("/admin/bake-plan");
    const cell = admin.locator('[id^="cell-q-"][id$="-1"]').first();
    await expect.poll(() => cell.count()).toBe(1);
    // caret "initial": hiding it styles every input inline, which the CSP refuses.
    await admin.screenshot({ path: `${PICTURES}/bake-plan.png`, caret: "initial" });
    const ordered = await admin.locator('[id^="cell-q-"][id$="-1-ordered"]').first().textContent();
    const taken = Number(/(\d+) ordered/.exec(ordered ?? "")?.[1] ?? 0);
    expect(taken).toBeGreaterThan(0);
    // Below what is ordered: the form stays, the cell is marked, nothing is saved.
    await cell.focus();
    await cell.fill(String(taken - 1));
    await admin.keyboard.press("Enter");
    await expect.poll(() => admin.locator("#plan-grid .error-banner").textContent())
      .toContain(`${taken} already ordered`);
    expect(await cell.getAttribute("aria-invalid")).toBe("true");
    // Enough: saved (once the refused request has let go of the form).
    const save = admin.getByRole("button", { name: "Save plans" });
    await expect.poll(() => save.isEnabled()).toBe(true);
    await cell.fill(String(taken + 10));
    await admin.keyboard.press("Enter");
    await expect.poll(() => admin.url(), { timeout: 10_000 }).toContain("done=saved");
    await expect.poll(() => admin.locator(".flash").textContent()).toContain("plans were saved");
    expect(await admin.locator('[id^="cell-q-"][id$="-1"]').first().inputValue()).toBe(
      String(taken + 10),
    );
  });

  it("closes a date on the calendar, and the shop shows it closed", async () => {
    const admin = await device("ada.admin@example.com", { width: 1280, height: 900 });
    await admin.goto("/admin/calendar");
    await admin.getByLabel("From").fill(dayAfter);
    await admin.getByLabel("Reason customers see").fill("Closed for the staff outing");
    await admin.getByRole("button", { name: "Close these dates" }).click();
    await expect.poll(() => admin.locator(".flash").textContent()).toContain(
      "The dates are closed",
    );
    const shopper = await device("hana@example.com", { width: 390, height: 844 });
    const [shelf] = await e2e.t.sql<{ slug: string }[]>`
      select slug from products where active and kind = 'shelf' order by id limit 1`;
    await shopper.goto(`/products/${shelf.slug}`);
    await shopper.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => shopper.locator("#cart-count .cart-badge").textContent()).toBe("1");
    await shopper.goto("/checkout");
    const closed = shopper.locator(`#pickup-date option[value="${dayAfter}"]`);
    expect(await closed.textContent()).toContain("Closed for the staff outing");
    expect(await closed.isDisabled()).toBe(true);
    const days = await (await shopper.request.get("/api/v1/pickup/days")).json();
    expect(days.days.find((d: { date: string }) => d.date === dayAfter)).toMatchObject({
      open: false,
      reason: "Closed for the staff outing",
    });
  });

  it("prints tomorrow's bake list on one A4 page, without the tools", async () => {
    const kitchen = await device("kim.kitchen@example.com", { width: 1180, height: 820 });
    await kitchen.goto("/board");
    await kitchen.locator(`[data-later-date="${tomorrow}"]`).click();
    await expect.poll(() => kitchen.url()).toContain(`/board/bake-list?date=${tomorrow}`);
    expect(await kitchen.locator(".bake-list-slot").count()).toBeGreaterThan(1);
    await kitchen.emulateMedia({ media: "print" });
    expect(await kitchen.locator(".bake-list-tools").isVisible()).toBe(false);
    await kitchen.setViewportSize({ width: 794, height: 1123 });
    await kitchen.screenshot({ path: `${PICTURES}/bake-list.png`, fullPage: true });
    await e2e.screenshot(kitchen, "bake-list-print");
    const pdf = new TextDecoder("latin1").decode(await kitchen.pdf({ format: "A4" }));
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(1);
  });

  it("shows at least eight new orders at once on the compact board of a 1180×820 tablet", async () => {
    const services = e2e.t.services;
    const [customer] = await e2e.t.sql<{ id: number }[]>`
      select id from users where email = 'gus@example.com'`;
    const [loaf] = await e2e.t.sql<{ id: number }[]>`
      select id from products where active and kind = 'shelf' order by id limit 1`;
    await e2e.t.sql`update products set stock = 100 where id = ${loaf.id}`;
    // A rush: ten orders for as soon as possible.
    for (let i = 0; i < 10; i++) {
      await services.orders.place({
        userId: customer.id,
        items: [{ productId: loaf.id, quantity: 1 + (i % 3) }],
        note: i % 4 === 0 ? "Sliced, please" : undefined,
      });
    }
    const tablet = await device("kim.kitchen@example.com", { width: 1180, height: 820 });
    await tablet.goto("/board?layout=compact");
    const tickets = tablet.locator("#col-new .ticket");
    await expect.poll(() => tickets.count()).toBeGreaterThanOrEqual(10);
    const boxes = await tickets.evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      })
    );
    await e2e.screenshot(tablet, "board-compact");
    const whole = boxes.filter((b) => b.top >= 0 && b.bottom <= 820);
    expect(whole.length).toBeGreaterThanOrEqual(8);
    // Legible at arm's length: codes of 24 px and more, items of 18 px.
    const sizes = await tablet.evaluate(() => ({
      code: parseFloat(getComputedStyle(document.querySelector(".ticket-code")!).fontSize),
      items: parseFloat(getComputedStyle(document.querySelector(".ticket-items")!).fontSize),
    }));
    expect(sizes.code).toBeGreaterThanOrEqual(24);
    expect(sizes.items).toBeGreaterThanOrEqual(18);
  });

  it("logged no browser errors but the refusal it asked for", () => {
    // Chromium logs every 4xx answer to fetch() as a console error: the plan below what is
    // ordered was refused once, on purpose.
    const expected = /\/admin\/bake-plan: Failed to load resource: .* status of 409 /;
    expect(e2e.consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
    expect(e2e.consoleErrors).toHaveLength(1);
  });
});
