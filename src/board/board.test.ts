import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type Account,
  account,
  boardColumns,
  boardConfig,
  Browser,
  productIds,
  signedIn,
  ticketOf,
  toneOf,
  withClock,
} from "../../tests/board-support.ts";
import type { Services } from "../app.ts";

/** The order board as staff see it: who may open it, what sits where, how tickets age. */

let t: TestContext;
let staff: Browser;
let cleo: Account;
let boss: Account;
let products: Record<string, number>;

const MINUTE = 60_000;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: boardConfig });
  ({ browser: staff } = await signedIn(t, "staff"));
  cleo = await account(t, "customer", "Cleo van Croissant");
  boss = await account(t, "admin");
  products = await productIds(t, [
    "filter-coffee",
    "seeded-rye",
    "walnut-spelt-loaf",
    "country-sourdough",
  ]);
});
afterAll(() => t?.close());

const place = async (
  items: Record<string, number>,
  options: { who?: Account; pickup?: string; note?: string; services?: Services } = {},
) =>
  (await (options.services ?? t.services).orders.place({
    userId: (options.who ?? cleo).id,
    items: Object.entries(items).map(([slug, quantity]) => ({
      productId: products[slug],
      quantity,
    })),
    pickup: options.pickup,
    note: options.note,
  })).order;

const move = (orderId: number, ...steps: ("baking" | "ready" | "picked_up" | "cancelled")[]) =>
  steps.reduce(
    (done, to) => done.then(() => t.services.orders.changeStatus(orderId, to, boss)),
    Promise.resolve() as Promise<unknown>,
  );

const board = async (browser = staff) => {
  const { res, html } = await browser.get("/board");
  expect(res.status).toBe(200);
  return html;
};

describe("who may open the board", () => {
  it("sends a signed-out visitor to sign in, and back to the board after", async () => {
    for (const path of ["/board", "/board/state", "/board/events"]) {
      const res = await t.app.request(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
  });

  it("refuses customers", async () => {
    const { browser } = await signedIn(t, "customer");
    for (const path of ["/board", "/board/state", "/board/events"]) {
      expect((await browser.get(path)).res.status).toBe(403);
    }
  });

  it("opens for staff and admins", async () => {
    const { browser: admin } = await signedIn(t, "admin");
    for (const browser of [staff, admin]) {
      const { res, html } = await browser.get("/board");
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("private, no-store");
      expect(html).toContain('id="board-state"');
      expect(html).toMatch(/hx-sse:connect="\/board\/events\?after=\d+"/);
    }
  });
});

describe("what the board shows", () => {
  it("puts each open order in the column of its status", async () => {
    const fresh = await place({ "country-sourdough": 1 });
    const baking = await place({ "country-sourdough": 1 });
    const ready = await place({ "country-sourdough": 1 });
    await move(baking.id, "baking");
    await move(ready.id, "baking", "ready");

    const columns = boardColumns(await board());
    expect(columns.new).toContain(fresh.code);
    expect(columns.baking).toContain(baking.code);
    expect(columns.ready).toContain(ready.code);
    for (
      const [code, column] of [[fresh.code, "new"], [baking.code, "baking"], [
        ready.code,
        "ready",
      ]] as const
    ) {
      const elsewhere = Object.entries(columns).filter(([name, codes]) =>
        name !== column && Array.isArray(codes) && codes.includes(code)
      );
      expect(elsewhere, code).toEqual([]);
    }
  });

  it("keeps an order for a later day out of New and Upcoming, counted under Later with its bake list", async () => {
    const tomorrow = await slotsTomorrow(t.services);
    expect(tomorrow.length).toBeGreaterThan(0);
    const later = await place({ "seeded-rye": 2 }, { pickup: tomorrow.at(-1)!.toISOString() });
    expect(later.pickupAsap).toBe(false);
    const asap = await place({ "seeded-rye": 1 });
    expect(asap.pickupAsap).toBe(true);

    const html = await board();
    const columns = boardColumns(html);
    for (const column of [columns.new, columns.baking, columns.ready, columns.upcoming]) {
      expect(column).not.toContain(later.code);
    }
    expect(columns.new).toContain(asap.code);
    expect(columns.upcoming).not.toContain(asap.code);
    const date = (await t.services.bakery.days())[1].date;
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from orders
      where pickup_date = ${date}::date and status in ('placed', 'baking', 'ready')`;
    expect(html).toMatch(
      new RegExp(
        `href="/board/bake-list\\?date=${date}"[^>]*data-later-date="${date}">[^<]* · ${n} orders?`,
      ),
    );
  });

  it("lists picked-up and cancelled orders in the recently-done strip, with a recall for pickups", async () => {
    const collected = await place({ "country-sourdough": 1 });
    const cancelled = await place({ "country-sourdough": 1 });
    await move(collected.id, "baking", "ready", "picked_up");
    await move(cancelled.id, "cancelled");

    const html = await board();
    const columns = boardColumns(html);
    expect(columns.closed).toEqual(expect.arrayContaining([collected.code, cancelled.code]));
    for (const column of [columns.new, columns.baking, columns.ready, columns.upcoming]) {
      expect(column).not.toContain(collected.code);
      expect(column).not.toContain(cancelled.code);
    }
    // Newest first: the cancellation came last.
    expect(columns.closed.indexOf(cancelled.code)).toBeLessThan(
      columns.closed.indexOf(collected.code),
    );
    expect(html).toContain(`action="/board/orders/${collected.id}/recall"`);
    expect(html).not.toContain(`action="/board/orders/${cancelled.id}/recall"`);
  });

  it("names the customer as first name and initial, never by email", async () => {
    const order = await place({ "country-sourdough": 1 }, { note: "Sliced, please" });
    const html = await board();
    const ticket = ticketOf(html, order.code);
    expect(ticket).toContain('<span class="ticket-customer">Cleo C.</span>');
    expect(ticket).toContain("Sliced, please");
    expect(html).not.toContain(cleo.email);
    expect(html).not.toContain("van Croissant");
    expect(html).not.toContain("@example.com");

    const single = await account(t, "customer", "  Madonna ");
    const hers = await place({ "country-sourdough": 1 }, { who: single });
    expect(ticketOf(await board(), hers.code)).toContain(
      '<span class="ticket-customer">Madonna</span>',
    );
  });

  it("flags the allergens of every item on a ticket", async () => {
    const order = await place({ "seeded-rye": 1, "walnut-spelt-loaf": 1, "filter-coffee": 1 });
    const ticket = ticketOf(await board(), order.code);
    const flag = /<p class="ticket-allergens"[^>]*>([^<]*)<\/p>/.exec(ticket)?.[1] ?? "";
    expect(flag.split("·").map((s) => s.replace("⚠", "").trim()).sort()).toEqual([
      "Gluten",
      "Sesame",
      "Tree nuts",
    ]);
    const plain = await place({ "filter-coffee": 2 });
    expect(ticketOf(await board(), plain.code)).not.toContain("ticket-allergens");
  });

  it("flags a note that speaks of an allergy like the allergen band; others stay plain", async () => {
    const warned = await place({ "country-sourdough": 1 }, {
      note: "No nuts please — severe allergy!",
    });
    const plain = await place({ "country-sourdough": 1 }, { note: "please slice the loaf" });
    const html = await board();
    const flagged = ticketOf(html, warned.code);
    expect(flagged).toContain('class="ticket-note ticket-note-allergy"');
    expect(flagged).toContain('data-allergy-words="nuts allergy"');
    expect(flagged).toContain("⚠ Allergy note:");
    expect(ticketOf(html, plain.code)).toContain(
      '<p class="ticket-note">“please slice the loaf”</p>',
    );
  });

  it("puts the pickup time right after the code, in the ticket's head", async () => {
    const order = await place({ "country-sourdough": 1 });
    const ticket = ticketOf(await board(), order.code);
    const head = ticket.slice(ticket.indexOf('class="ticket-head"'), ticket.indexOf("</header>"));
    const time = t.services.format.time(order.pickupAt);
    expect(head).toMatch(
      new RegExp(`ticket-code">${order.code}</span><span class="ticket-pickup">.*${time}</time>`),
    );
  });

  it("counts what is still to bake today in the all-day panel, Ready apart, tomorrow not", async () => {
    // Everything open before this test counts too: compare with what the database says.
    const extra = [
      await place({ "walnut-spelt-loaf": 3, "filter-coffee": 1 }),
      await place({ "walnut-spelt-loaf": 2 }),
      await place({ "walnut-spelt-loaf": 4 }),
      await place({ "walnut-spelt-loaf": 5 }),
      await place({ "walnut-spelt-loaf": 6 }),
      await place({ "walnut-spelt-loaf": 7 }),
    ];
    await move(extra[1].id, "baking");
    await move(extra[2].id, "baking", "ready", "picked_up");
    await move(extra[3].id, "cancelled");
    await move(extra[4].id, "baking", "ready");
    const tomorrow = await slotsTomorrow(t.services);
    await place({ "walnut-spelt-loaf": 9 }, { pickup: tomorrow.at(-1)!.toISOString() });
    const today = t.services.bakery.today();
    const sums = (statuses: string[]) =>
      t.sql<{ name: string; quantity: number }[]>`
        select i.name, sum(i.quantity)::int as quantity from order_items i
        join orders o on o.id = i.order_id where o.status in ${t.sql(statuses)}
          and coalesce(o.pickup_date, ${today}::date) = ${today}::date
        group by i.name`;
    const expectedToBake = await sums(["placed", "baking"]);
    const expectedReady = await sums(["ready"]);
    const { allDay, allDayReady } = boardColumns(await board());
    const names = new Set([...expectedToBake, ...expectedReady].map((r) => r.name));
    const of = (rows: { name: string; quantity: number }[]) =>
      Object.fromEntries([...names].map((n) => [n, rows.find((r) => r.name === n)?.quantity ?? 0]));
    expect(allDay).toEqual(of(expectedToBake));
    expect(allDayReady).toEqual(of(expectedReady));
    // This test's own walnut loaves: 3 + 2 + 7 to bake, 6 ready; none of the picked-up, the
    // cancelled or tomorrow's order.
    const [{ mine }] = await t.sql<{ mine: number }[]>`
      select coalesce(sum(i.quantity), 0)::int as mine from order_items i
      join orders o on o.id = i.order_id
      where o.status in ('placed', 'baking') and o.pickup_date = ${today}::date
        and i.product_id = ${products["walnut-spelt-loaf"]} and o.id not in ${
      t.sql(extra.map((o) => o.id))
    }`;
    expect(allDay["Walnut & Spelt Loaf"]).toBe(mine + 3 + 2 + 7);
    expect(allDayReady["Walnut & Spelt Loaf"]).toBeGreaterThanOrEqual(6);
  });

  it("serves the changing part alone at /board/state", async () => {
    const order = await place({ "country-sourdough": 1 });
    const { res, html } = await staff.get("/board/state", { "HX-Request": "true" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(html.startsWith('<div id="board-state"')).toBe(true);
    expect(html).not.toContain("<html");
    expect(html).not.toContain("hx-swap-oob");
    expect(boardColumns(html).new).toContain(order.code);
  });
});

describe("aging on the board", () => {
  it("renders amber and red by waiting time in New and by pickup time", async () => {
    const { app, clock, services } = withClock(t, Date.now());
    // Signed in on this clock: its tokens age with it.
    const { browser } = await signedIn(t, "staff", { app });
    const waiting = await place({ "country-sourdough": 1 }, { services });
    const baking = await place({ "country-sourdough": 1 }, { services });
    await move(baking.id, "baking");
    const prep = t.deps.config.prepMinutes;
    expect(baking.pickupAt.getTime() - clock.now).toBeGreaterThan((prep - 1) * MINUTE);

    const tones = async () => {
      const html = await board(browser);
      return { waiting: toneOf(html, waiting.code), baking: toneOf(html, baking.code) };
    };
    expect(await tones()).toEqual({ waiting: "ok", baking: "ok" });
    clock.now += 5.5 * MINUTE; // 5 min in New: amber; baking is 14 min from pickup
    expect(await tones()).toEqual({ waiting: "amber", baking: "ok" });
    clock.now += 5 * MINUTE; // 10 min in New: red
    expect(await tones()).toEqual({ waiting: "red", baking: "ok" });
    clock.now = baking.pickupAt.getTime() - 4.5 * MINUTE; // 5 min before pickup: amber
    expect((await tones()).baking).toBe("amber");
    clock.now = baking.pickupAt.getTime(); // pickup time: red
    expect((await tones()).baking).toBe("red");
    expect(ticketOf(await board(browser), baking.code)).toContain("due now");
  });

  it("moves a booked order from Later through Upcoming to New, waiting from its prep", async () => {
    const { app, clock, services } = withClock(t, Date.now());
    const { browser } = await signedIn(t, "staff", { app });
    const [slot] = await slotsTomorrow(services);
    const booked = await place({ "seeded-rye": 1 }, { services, pickup: slot.toISOString() });
    const prepStart = slot.getTime() - t.deps.config.prepMinutes * MINUTE;
    const tomorrow = (await services.bakery.days())[1].date;

    const before = await board(browser);
    expect(boardColumns(before).upcoming).not.toContain(booked.code);
    expect(before).toContain(`data-later-date="${tomorrow}"`);
    // The browser asks for the board again at the shop's midnight.
    const midnight = /data-day-ends-at="([^"]+)"/.exec(before)![1];
    expect(services.bakery.today()).not.toBe(tomorrow);
    clock.now = Date.parse(midnight);
    expect(services.bakery.today()).toBe(tomorrow);
    if (prepStart > clock.now) {
      const morning = await board(browser);
      expect(boardColumns(morning).upcoming).toContain(booked.code);
      expect(morning).toContain(`data-starts-at="${new Date(prepStart).toISOString()}"`);
    }

    clock.now = prepStart + MINUTE;
    const due = await board(browser);
    expect(boardColumns(due).new).toContain(booked.code);
    expect(boardColumns(due).upcoming).not.toContain(booked.code);
    // Booked long ago, but only waiting in New for a minute: not red.
    expect(toneOf(due, booked.code)).toBe("ok");
    expect(ticketOf(due, booked.code)).toContain(
      `data-since="${new Date(prepStart).toISOString()}"`,
    );
    clock.now = prepStart + 6 * MINUTE;
    expect(toneOf(await board(browser), booked.code)).toBe("amber");
  });

  it("follows BOARD_AMBER_MINUTES and BOARD_RED_MINUTES", async () => {
    const strict = await createTestContext({
      db: t.db,
      store: t.store,
      config: { ...boardConfig, BOARD_AMBER_MINUTES: "2", BOARD_RED_MINUTES: "3" },
    });
    try {
      const { app, clock, services } = withClock(strict, Date.now());
      const { browser } = await signedIn(strict, "staff", { app });
      const order = await place({ "country-sourdough": 1 }, { services });
      clock.now += 1.5 * MINUTE;
      expect(toneOf(await board(browser), order.code)).toBe("ok");
      clock.now += 1 * MINUTE;
      expect(toneOf(await board(browser), order.code)).toBe("amber");
      clock.now += 1 * MINUTE;
      expect(toneOf(await board(browser), order.code)).toBe("red");
      // The browser applies the same thresholds as time passes.
      const html = await board(browser);
      expect(html).toContain('data-amber-before="2"');
      expect(html).toContain('data-amber-waiting="2"');
      expect(html).toContain('data-red-waiting="3"');
    } finally {
      await strict.close();
    }
  });
});

describe("the pickup screen", () => {
  it("is public: Ready codes, then today's received and baking ones as being prepared, no names", async () => {
    const fresh = await place({ "country-sourdough": 1 });
    const baking = await place({ "country-sourdough": 1 });
    const ready = await place({ "country-sourdough": 1 });
    const gone = await place({ "country-sourdough": 1 });
    const tomorrow = await place({ "country-sourdough": 1 }, {
      pickup: (await slotsTomorrow(t.services)).at(-1)!.toISOString(),
    });
    await move(baking.id, "baking");
    await move(ready.id, "baking", "ready");
    await move(gone.id, "baking", "ready", "picked_up");

    const res = await t.app.request("/pickup");
    expect(res.status).toBe(200);
    const html = await res.text();
    const [readyPart, preparingPart] = html.split('aria-labelledby="pickup-baking"');
    expect(readyPart).toContain(`<li>${ready.code}</li>`);
    expect(readyPart).not.toContain(`<li>${baking.code}</li>`);
    for (const code of [fresh.code, baking.code]) {
      expect(preparingPart).toContain(`<li>${code}</li>`);
    }
    expect(preparingPart).not.toContain(`<li>${ready.code}</li>`);
    for (const code of [gone.code, tomorrow.code]) expect(html).not.toContain(`<li>${code}</li>`);
    expect(html).not.toContain("Cleo");
    expect(html).not.toContain("@example.com");
    // A 24-hour clock in the shop's zone, kept by pickup.js.
    expect(html).toMatch(/<span class="pickup-clock" data-clock="true">\d{2}:\d{2}<\/span>/);
  });
});

/** Tomorrow's pickup slots a customer can choose now. */
async function slotsTomorrow(services: TestContext["services"]) {
  const tomorrow = (await services.bakery.days())[1].date;
  return (await services.bakery.day(tomorrow)).slots.filter((s) => s.available).map((s) => s.at);
}
