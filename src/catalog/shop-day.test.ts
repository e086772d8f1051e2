import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { api, expectOrder, order, people, type Person } from "../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  madeToOrder,
  MONDAY,
  SATURDAY,
  SUNDAY,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";
import { sseClient } from "../../tests/sse-client.ts";

/**
 * The shop's pages for a chosen pickup day: the days as plain links (closed ones with their
 * reason), each product's remaining on that day, why it cannot be had and the earliest day
 * it can; the choice sticks for the visit; the live stock follows that day's plan.
 */

let base: TestContext;
let t: TestContext;
let ann: Person;
let admin: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [ann] = await people(t, 1);
  [admin] = await people(t, 1, "admin");
});
afterAll(() => base?.close());

const browser = () => new CookieBrowser(() => t.app);
const slugOf = async (id: number) =>
  (await t.sql<{ slug: string }[]>`select slug from products where id = ${id}`)[0].slug;

/** The markup of one product's card on a catalog page. */
function card(html: string, id: number) {
  const cards = html.split('<li class="product-card">').slice(1);
  const found = cards.find((c) => c.includes(`stock-${id}"`) || c.includes(`stock-${id} `));
  expect(found, `the card of product ${id}`).toBeDefined();
  return found!;
}
const stockShown = (html: string, id: number) =>
  html.match(new RegExp(`stock-${id}"[^>]*data-stock="([^"]+)"`))?.[1];
const currentDay = (html: string) =>
  html.match(/<a class="day-link[^"]*" href="[^"]*date=(\d{4}-\d\d-\d\d)" aria-current="date"/)
    ?.[1];
const addDisabled = (html: string) =>
  /<button type="submit" class="btn-primary" disabled/.test(html);
const text = (html: string) =>
  html.replace(/<[^>]+>/g, " ").replaceAll("&#39;", "'").replaceAll("&amp;", "&")
    .replace(/\s+/g, " ");

describe("choosing a pickup day", () => {
  it("lists today to the horizon as links, Sundays closed with the reason and not a link", async () => {
    const { res, html } = await browser().get("/");
    expect(res.status).toBe(200);
    expect(currentDay(html)).toBe(TODAY);
    expect(html).toContain(`href="/?date=${SATURDAY}"`);
    expect(html).not.toContain(`href="/?date=${SUNDAY}"`);
    expect(text(html)).toContain("Sun 20 Apr Closed: Closed on Sundays");
    // 14 days from today: the 29th is the last, the 30th is not offered.
    expect(html).toContain('href="/?date=2031-04-29"');
    expect(html).not.toContain("2031-04-30");
  });

  it("shows the chosen day's remaining, and the choice sticks for this visitor only", async () => {
    const bread = await dailyProduct(t, 10);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 4 }],
        pickupAt: at(SATURDAY, "10:00"),
      }),
    );
    const shopper = browser();
    const saturday = await shopper.get(`/?date=${SATURDAY}`);
    expect(currentDay(saturday.html)).toBe(SATURDAY);
    expect(stockShown(saturday.html, bread.id)).toBe("6");
    expect(saturday.html).toContain(`hx-sse:connect="/events/stock?date=${SATURDAY}"`);

    // The next page of the visit keeps Saturday; the product page too.
    const again = await shopper.get("/");
    expect(currentDay(again.html)).toBe(SATURDAY);
    expect(stockShown(again.html, bread.id)).toBe("6");
    const page = await shopper.get(`/products/${await slugOf(bread.id)}`);
    expect(stockShown(page.html, bread.id)).toBe("6");
    expect(text(page.html)).toContain("for Sat 19 Apr");

    // Someone else still sees today, where nothing was ordered.
    const other = await browser().get("/");
    expect(currentDay(other.html)).toBe(TODAY);
    expect(stockShown(other.html, bread.id)).toBe("10");
  });

  it("refuses a date that is not one, is past or beyond the horizon, in words", async () => {
    for (
      const [date, words] of [
        ["2031-13-01", "YYYY-MM-DD"],
        ["2031-04-15", "That date is in the past."],
        ["2031-05-30", "We take orders up to 14 days ahead"],
      ]
    ) {
      const { res, html } = await browser().get(`/?date=${date}`);
      expect(res.status, date).toBe(400);
      expect(html).toContain(words);
    }
  });
});

describe("what cannot be had on the chosen day says why, and when it can", () => {
  it("a cake needing 48 hours' notice: not for Thursday, offered from Friday", async () => {
    const cake = await madeToOrder(t, 48);
    const shopper = browser();
    const thursday = card((await shopper.get(`/?date=${THURSDAY}`)).html, cake.id);
    expect(text(thursday)).toContain(`${cake.name} needs 48 hours' notice.`);
    // Ready at Friday's last pickup (17:45) needs the order 48 hours before.
    expect(text(thursday)).toContain("Order by Wed 17:45 for Fri 18 Apr.");
    expect(thursday).toContain(`date=${FRIDAY}">Show Fri 18 Apr instead`);
    expect(addDisabled(thursday)).toBe(true);

    const saturday = card((await shopper.get(`/?date=${SATURDAY}`)).html, cake.id);
    expect(text(saturday)).not.toContain("notice");
    expect(text(saturday)).toContain("Made to order");
    expect(addDisabled(saturday)).toBe(false);
  });

  it("a daily product sold out for Friday offers the next day it is baked", async () => {
    const bun = await dailyProduct(t, [3, 3, 3, 3, 2, 0, 0]);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: bun.id, quantity: 2 }],
        pickupAt: at(FRIDAY, "09:00"),
      }),
    );
    const shopper = browser();
    const friday = card((await shopper.get(`/?date=${FRIDAY}`)).html, bun.id);
    expect(text(friday)).toContain(`${bun.name} is sold out for Fri 18 Apr.`);
    expect(text(friday)).toContain("Sold out");
    // Saturday has no bake, Sunday is closed: Monday is the earliest.
    expect(friday).toContain(`date=${MONDAY}">Show Mon 21 Apr instead`);
    expect(addDisabled(friday)).toBe(true);
    const page = await shopper.get(`/products/${await slugOf(bun.id)}?date=${SATURDAY}`);
    expect(text(page.html)).toContain(`${bun.name} is not baked for Sat 19 Apr.`);
    expect(page.html).toContain(`date=${MONDAY}">Show Mon 21 Apr instead`);
  });

  it("a closure shows on the day list and on the day itself, with its reason", async () => {
    await t.sql`
      insert into closures (starts_on, ends_on, reason) values (${MONDAY}, ${MONDAY}, 'Bank holiday')`;
    try {
      const bread = await dailyProduct(t, 5);
      const shopper = browser();
      expect(text((await shopper.get("/")).html)).toContain("Mon 21 Apr Closed: Bank holiday");
      const monday = await shopper.get(`/?date=${MONDAY}`);
      expect(monday.res.status).toBe(200);
      expect(text(monday.html)).toContain("We are closed on Mon 21 Apr: Bank holiday.");
      const item = card(monday.html, bread.id);
      expect(addDisabled(item)).toBe(true);
      expect(item).toContain('date=2031-04-22">Show Tue 22 Apr instead');
    } finally {
      await t.sql`delete from closures`;
    }
  });
});

describe("the cart for the chosen day", () => {
  it("the cart page lists the days, and its lines say what the chosen day is short of", async () => {
    const croissant = await dailyProduct(t, [9, 9, 9, 9, 9, 2, 0]);
    const shopper = browser();
    await shopper.post("/cart/items", { productId: String(croissant.id), quantity: "5" });
    const today = await shopper.get("/cart");
    expect(currentDay(today.html.replaceAll("/cart?", "/?"))).toBe(TODAY);
    expect(text(today.html)).not.toContain("left for");

    const saturday = await shopper.get(`/cart?date=${SATURDAY}`);
    expect(saturday.res.status).toBe(200);
    expect(saturday.html).toContain(`href="/cart?date=${SATURDAY}" aria-current="date"`);
    expect(text(saturday.html)).toContain("Only 2 left for Sat 19 Apr.");
    expect(text(saturday.html)).toContain("Change or remove the lines marked above to check out.");
    // The shop's pages now show Saturday too.
    expect(currentDay((await shopper.get("/")).html)).toBe(SATURDAY);
  });
});

describe("live stock for the chosen day", () => {
  it("a new plan for Saturday reaches pages showing Saturday at once", async () => {
    const roll = await dailyProduct(t, 8);
    const controller = new AbortController();
    const res = await browser().open(`/events/stock?date=${SATURDAY}`, {}, controller.signal);
    try {
      expect(res.status).toBe(200);
      const client = sseClient(res);
      await client.until((f) => f.id === "stock");
      const put = await api(t, admin, "PUT", `/admin/bake-plan/${SATURDAY}`, {
        items: [{ productId: roll.id, quantity: 12 }],
      });
      expect(put.status).toBe(200);
      const frame = await client.until((f) => (f.data ?? "").includes(`stock-${roll.id}`));
      expect(frame.data).toContain('data-stock="12"');
    } finally {
      controller.abort();
    }
  });

  it("refuses a stream for a date that is not one", async () => {
    const res = await browser().open("/events/stock?date=tomorrow");
    expect(res.status).toBe(400);
    await res.body?.cancel();
  });
});
