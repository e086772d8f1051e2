/**
 * Checkout: first one customer alone (orders one after another: the latency nobody else's
 * order adds to), then throughput, the whole order (stock decrements, order, lines, history,
 * outbox, and the announcements after commit) from concurrent customers for a bounded time,
 * against a plain single-row `UPDATE … RETURNING` loop over the same pool as the baseline.
 * Two shapes: orders spread over many products, and every order on one hot product
 * (row-lock contention). Then the hot slot: every order booking the same pickup slot with a
 * capacity (its seat row taken in each transaction), against its own baseline, a plain
 * UPDATE of one hot row. The run ends by checking that nothing was oversold.
 */
import { hashPassword } from "../../src/accounts/passwords.ts";
import { createTestContext } from "../harness.ts";

export interface CheckoutResult {
  name: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  ratioToBaseline?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;

async function load(
  name: string,
  seconds: number,
  concurrency: number,
  work: (worker: number) => Promise<unknown>,
): Promise<CheckoutResult> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await work(worker);
      latencies.push(performance.now() - started);
    }
  }));
  latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

const ALONE_ORDERS = 60;

export async function checkoutBench(
  { seconds, concurrency }: { seconds: number; concurrency: number },
) {
  // Open all day so the pickup rules never refuse, whatever the hour of the run.
  const t = await createTestContext({
    seed: true,
    config: { OPENING_HOURS: "mon-sun 00:00-23:45", PREP_MINUTES: "0" },
  });
  try {
    const hash = await hashPassword(crypto.randomUUID());
    const users = await t.sql<{ id: number }[]>`
      insert into users (email, name, password_hash, email_verified_at)
      select 'bench-' || n || '@example.com', 'Bench ' || n, ${hash}, now()
      from generate_series(1, ${concurrency}) n
      returning id`;
    await t.sql`update products set stock = 1000000000`;
    const products = (await t.sql<{ id: number }[]>`select id from products order by id`).map(
      (p) => p.id,
    );
    const hot = products[0];
    const order = (worker: number, items: { productId: number; quantity: number }[]) =>
      t.services.orders.place({ userId: users[worker].id, items, pickup: "asap" });

    // One customer alone: warmed up, then orders one after another.
    for (let n = 0; n < 10; n++) await order(0, [{ productId: products[n], quantity: 1 }]);
    const aloneLatencies: number[] = [];
    for (let n = 0; n < ALONE_ORDERS; n++) {
      const started = performance.now();
      await order(0, [{ productId: products[n % products.length], quantity: 1 }]);
      aloneLatencies.push(performance.now() - started);
    }
    aloneLatencies.sort((a, b) => a - b);
    const alone = {
      orders: ALONE_ORDERS,
      p50Ms: percentile(aloneLatencies, 0.5),
      p99Ms: percentile(aloneLatencies, 0.99),
    };

    const baseline = await load(
      "UPDATE … RETURNING (baseline)",
      seconds,
      concurrency,
      (w) =>
        t.sql`update products set stock = stock where id = ${products[w % products.length]}
            returning stock`,
    );
    let i = 0;
    const spread = await load("checkout, spread over products", seconds, concurrency, (w) => {
      i++;
      return order(w, [
        { productId: products[i % products.length], quantity: 1 },
        { productId: products[(i * 7 + 3) % products.length], quantity: 2 },
      ]);
    });
    const hotResult = await load(
      "checkout, one hot product",
      seconds,
      concurrency,
      (w) => order(w, [{ productId: hot, quantity: 1 }]),
    );
    for (const r of [spread, hotResult]) {
      r.ratioToBaseline = Math.round((r.perSecond / baseline.perSecond) * 1000) / 1000;
    }

    const tomorrow = (await t.services.bakery.days())[1].date;
    const slot = (await t.services.bakery.day(tomorrow)).slots.find((s) => s.available)!.at;
    await t.sql`update pickup_settings set orders_per_slot = 10000`;
    await t.sql`insert into pickup_slots (at, taken) values (${slot}, 0) on conflict do nothing`;
    const hotRow = await load(
      "UPDATE one hot row (baseline)",
      seconds,
      concurrency,
      () => t.sql`update pickup_slots set taken = taken where at = ${slot} returning taken`,
    );
    let j = 0;
    const hotSlot = await load("checkout, one hot slot (capacity)", seconds, concurrency, (w) => {
      j++;
      return t.services.orders.place({
        userId: users[w].id,
        items: [{ productId: products[j % products.length], quantity: 1 }],
        pickup: slot.toISOString(),
      }).catch((error) => {
        // A full slot would end the measurement early: say so rather than time refusals.
        if (error?.code === "slot_full") throw new Error("the bench slot filled up");
        throw error;
      });
    });
    hotSlot.ratioToBaseline = Math.round((hotSlot.perSecond / hotRow.perSecond) * 1000) / 1000;

    // Correctness under all that: stock never below zero, and it adds up with the orders.
    const [check] = await t.sql<{ negative: number; missing: number }[]>`
      select (select count(*)::int from products where stock < 0) as negative,
        (select count(*)::int from products p
         where p.stock + coalesce((select sum(quantity) from order_items i
                                   where i.product_id = p.id), 0) <> 1000000000) as missing`;
    const [codes] = await t.sql<{ repeated: number }[]>`
      select count(*)::int as repeated from (
        select 1 from orders group by code_day, code having count(*) > 1) d`;
    // The hot slot's seats count exactly its orders.
    const [seats] = await t.sql<{ taken: number; booked: number }[]>`
      select (select taken from pickup_slots where at = ${slot}) as taken,
        (select count(*)::int from orders where pickup_slot = ${slot}) as booked`;
    return {
      db: t.db.kind,
      alone,
      results: [baseline, spread, hotResult, hotRow, hotSlot],
      oversold: check.negative,
      stockMismatches: check.missing,
      repeatedCodes: codes.repeated,
      seatMismatch: seats.taken !== seats.booked,
    };
  } finally {
    await t.close();
  }
}
