import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";

/**
 * The counter in Chromium: a rush of twelve orders on the compact board of a tablet, an undo
 * laid over the tickets, the pickup screen on a 1080p TV, the printed ticket and label, and a
 * product marked sold out reaching an open shop page. Takes the README's pictures.
 */
const PICTURES = "docs/screenshots";

describe("the counter in Chromium", () => {
  let e2e: E2E;
  const password = "crust before crumb";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };
  let tablet: Page;
  let loafId: number;
  const codes: string[] = [];
  const ids: number[] = [];

  async function device(viewport: { width: number; height: number }, email?: string) {
    const context = await e2e.browser.newContext({
      baseURL: e2e.baseUrl,
      viewport,
      locale: "en-GB",
    });
    const page = await e2e.newPage(context);
    if (!email) return page;
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
    e2e = await startE2E({
      config: { OPENING_HOURS: "mon-sun 00:00-23:45", PREP_MINUTES: "15" },
    });
    await mkdir(PICTURES, { recursive: true });
    const register = (email: string, name: string, role?: "staff") =>
      e2e.t.services.accounts.manage.register({ email, password, name }, meta, role, {
        emailVerified: true,
      });
    await register("kim.kitchen@example.com", "Kim Kitchen", "staff");
    const names = ["Cleo Carter", "Dora Baker", "Emil Ross", "Farah Khan", "Gus Lee", "Hana Ito"];
    const customers = [];
    for (const name of names) {
      customers.push(await register(`${name.split(" ")[0].toLowerCase()}@example.com`, name));
    }
    const shelf = await e2e.t.sql<{ id: number }[]>`
      update products set stock = 200, kind = 'shelf'
      where id in (select id from products where active order by id limit 3)
      returning id`;
    loafId = shelf[0].id;
    const notes = ["No nuts please — severe allergy!", "please slice the loaf", undefined];
    // A rush: twelve orders for as soon as possible.
    for (let i = 0; i < 12; i++) {
      const { order } = await e2e.t.services.orders.place({
        userId: customers[i % customers.length].id,
        items: [
          { productId: shelf[i % 3].id, quantity: 1 + (i % 3) },
          ...(i % 2 ? [{ productId: shelf[(i + 1) % 3].id, quantity: 1 }] : []),
        ],
        note: notes[i % 4],
      });
      codes.push(order.code);
      ids.push(order.id);
    }
    // Two already in the oven, two on the shelf.
    const staff = {
      id: (await e2e.t.sql<{ id: number }[]>`
      select id from users where email = 'kim.kitchen@example.com'`)[0].id,
      role: "staff" as const,
    };
    for (const id of ids.slice(8)) await e2e.t.services.orders.changeStatus(id, "baking", staff);
    for (const id of ids.slice(10)) await e2e.t.services.orders.changeStatus(id, "ready", staff);
    tablet = await device({ width: 1180, height: 820 }, "kim.kitchen@example.com");
  });
  afterAll(() => e2e?.close());

  it("shows the rush of twelve on the compact board of a 1180×820 tablet", async () => {
    await tablet.goto("/board?layout=compact");
    await expect.poll(() => tablet.locator(".ticket").count()).toBe(12);
    expect(await tablet.locator("#col-new .ticket").count()).toBe(8);
    // The allergy note stands out; the pickup time is the largest text after the code.
    const flagged = tablet.locator(".ticket-note-allergy");
    expect(await flagged.count()).toBeGreaterThanOrEqual(3);
    const sizes = await tablet.evaluate(() => {
      const size = (selector: string) =>
        parseFloat(getComputedStyle(document.querySelector(selector)!).fontSize);
      return {
        code: size(".ticket-code"),
        pickup: size(".ticket-pickup"),
        customer: size(".ticket-customer"),
        items: size(".ticket-items"),
      };
    });
    expect(sizes.pickup).toBeGreaterThanOrEqual(sizes.items);
    expect(sizes.pickup).toBeGreaterThan(sizes.customer);
    // Distinct colours per column: the bump buttons differ.
    const colours = await tablet.evaluate(() =>
      ["#col-new", "#col-baking", "#col-ready"].map((col) =>
        getComputedStyle(document.querySelector(`${col} .bump`)!).backgroundColor
      )
    );
    expect(new Set(colours).size).toBe(3);
    await tablet.screenshot({ path: `${PICTURES}/board-rush.png`, animations: "disabled" });
    await e2e.screenshot(tablet, "board-compact-rush");
  });

  it("lays the undo over the board: bumping a ticket moves no other column's ticket", async () => {
    const ready = tablet.locator("#col-ready .ticket").first();
    const before = (await ready.boundingBox())!;
    const first = tablet.locator("#col-new .ticket").first();
    const code = (await first.getAttribute("data-code"))!;
    await first.getByRole("button", { name: /Start baking/ }).click();
    const undo = tablet.locator("#board-undo");
    await expect.poll(() => undo.textContent()).toContain(`${code} moved to Baking.`);
    expect((await ready.boundingBox())!.y).toBe(before.y);
    await e2e.screenshot(tablet, "board-undo");
    // Undo takes it back, however long after.
    await undo.getByRole("button", { name: /Undo/ }).click();
    await expect.poll(() => tablet.locator("#col-new .ticket", { hasText: code }).count()).toBe(1);
  });

  it("asks once before cancelling, and cancelling can be refused", async () => {
    const ticket = tablet.locator("#col-new .ticket").last();
    const code = (await ticket.getAttribute("data-code"))!;
    await ticket.locator("summary").click();
    let asked = "";
    tablet.once("dialog", (dialog) => {
      asked = dialog.message();
      dialog.dismiss();
    });
    await ticket.getByRole("button", { name: new RegExp(`Cancel order ${code}`) }).click();
    await expect.poll(() => asked).toContain(`Cancel order ${code}?`);
    expect(await tablet.locator("#col-new .ticket", { hasText: code }).count()).toBe(1);
  });

  it("fills a 1080p TV with the pickup screen: Ready largest, nothing wraps, no scrolling", async () => {
    const tv = await device({ width: 1920, height: 1080 });
    await tv.goto("/pickup");
    const ready = tv.locator(".pickup-list.ready li");
    await expect.poll(() => ready.count()).toBe(2);
    const preparing = tv.locator(".pickup-preparing li");
    expect(await preparing.count()).toBe(10); // received and baking
    const measure = await tv.evaluate(() => {
      const fontOf = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
      const items = [...document.querySelectorAll(".pickup-list li")] as HTMLElement[];
      return {
        ready: fontOf(document.querySelector(".pickup-list.ready li")!),
        preparing: fontOf(document.querySelector(".pickup-preparing li")!),
        wrapped: items.filter((li) =>
          li.scrollWidth > li.clientWidth + 1 ||
          li.getClientRects().length > 1
        ).length,
        pageHeight: document.documentElement.scrollHeight,
        clock: document.querySelector("[data-clock]")!.textContent,
      };
    });
    expect(measure.ready).toBeGreaterThan(measure.preparing);
    expect(measure.ready).toBeGreaterThanOrEqual(64);
    expect(measure.wrapped).toBe(0);
    expect(measure.pageHeight).toBeLessThanOrEqual(1080);
    expect(measure.clock).toMatch(/^\d{2}:\d{2}$/);
    await tv.screenshot({ path: `${PICTURES}/pickup-tv.png`, animations: "disabled" });
    await e2e.screenshot(tv, "pickup-1080p");
  });

  it("prints a kitchen ticket on an 80 mm roll and a bag label on A6", async () => {
    const id = ids[0];
    const printer = await device({ width: 800, height: 900 }, "kim.kitchen@example.com");
    for (const [kind, widthPt] of [["ticket", 226.77], ["label", 297.64]] as const) {
      await printer.goto(`/board/orders/${id}/print/${kind}`);
      expect(await printer.locator(".print-code").textContent()).toBe(codes[0]);
      await e2e.screenshot(printer, `print-${kind}`);
      await printer.emulateMedia({ media: "print" });
      await printer.screenshot({ path: `${PICTURES}/print-${kind}.png`, fullPage: true });
      const pdf = new TextDecoder("latin1").decode(
        await printer.pdf({ preferCSSPageSize: true, printBackground: true }),
      );
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf)!;
      expect(Math.abs(Number(box[1]) - widthPt), kind).toBeLessThan(2);
      expect(pdf.match(/\/Type\s*\/Page\b/g)?.length, kind).toBe(1);
      await printer.emulateMedia({ media: "screen" });
    }
  });

  it("marks a product sold out from the board; an open shop page shows it without a reload", async () => {
    const [product] = await e2e.t.sql<{ slug: string; name: string }[]>`
      select slug, name from products where id = ${loafId}`;
    const shopper = await device({ width: 390, height: 844 });
    await shopper.goto(`/products/${product.slug}`);
    const badge = shopper.locator(`.stock-${loafId}`).first();
    await expect.poll(() => badge.textContent()).not.toContain("Sold out");
    await tablet.goto("/board/stock");
    await tablet.getByRole("button", { name: new RegExp(`Sold out\\s*: ${product.name}`) }).click();
    await tablet.waitForURL(/done=sold-out/);
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toContain("Sold out");
    await e2e.screenshot(tablet, "board-stock");
  });

  it("logged no browser errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
