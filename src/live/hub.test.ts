import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sseClient } from "../../tests/sse-client.ts";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { frame } from "./hub.ts";

/** Server-sent events: frame encoding, and live stock through GET /events/stock. */

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("frame()", () => {
  it("writes id, event and data lines and ends with a blank line", () => {
    expect(text(frame({ id: "7", event: "ticket", data: "hello" }))).toBe(
      "id: 7\nevent: ticket\ndata: hello\n\n",
    );
  });

  it("splits multi-line data into one data line per line, whatever the line ending", () => {
    expect(text(frame({ data: "<p>a</p>\n<p>b</p>\r\n<p>c</p>\r<p>d</p>" }))).toBe(
      "data: <p>a</p>\ndata: <p>b</p>\ndata: <p>c</p>\ndata: <p>d</p>\n\n",
    );
  });

  it("sends an id alone without any data line", () => {
    expect(text(frame({ id: "stock", data: "" }))).toBe("id: stock\n\n");
  });

  it("keeps an empty data line when there is no id", () => {
    expect(text(frame({ data: "" }))).toBe("data: \n\n");
  });
});

/** The out-of-band badge elements of a frame's data: [product id, stock, text]. */
const badges = (data = "") =>
  [
    ...data.matchAll(
      /<span hx-swap-oob="outerHTML:\.stock-(\d+)" class="stock-badge [a-z-]+ stock-(\d+)" data-product-id="(\d+)" data-stock="(\d+)">([^<]*)<\/span>/g,
    ),
  ].map((m) => {
    expect(m[2]).toBe(m[1]);
    expect(m[3]).toBe(m[1]);
    return [Number(m[1]), Number(m[4]), m[5]] as const;
  });

describe("GET /events/stock", () => {
  let a: TestContext;
  let b: TestContext;
  beforeAll(async () => {
    a = await createTestContext({ seed: true });
    // A second app instance on the same database and store, as behind a load balancer.
    b = await createTestContext({
      db: a.db,
      store: a.store,
      config: { SSE_HEARTBEAT_SECONDS: "1" },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const idOf = async (slug: string) => {
    const [row] = await a.sql<{ id: number }[]>`select id from products where slug = ${slug}`;
    return row.id;
  };

  // Streams a failed test left open are closed, so the next test starts with none.
  const opened: AbortController[] = [];
  afterEach(() => {
    for (const controller of opened.splice(0)) controller.abort();
  });

  const open = async (t: TestContext, headers: Record<string, string> = {}) => {
    const controller = new AbortController();
    opened.push(controller);
    const res = await t.app.request(
      new Request("http://localhost/events/stock", { headers, signal: controller.signal }),
    );
    return { res, client: sseClient(res), abort: () => controller.abort() };
  };

  it("answers with an event stream that starts with a retry hint and an id", async () => {
    const { res, client } = await open(a);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("Cache-Control")).toContain("no-cache");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(await client.next()).toEqual({ retry: "2000", comments: [] });
    // No snapshot on a first connection: only the id, so a reconnect sends Last-Event-ID.
    expect(await client.next()).toEqual({ id: "stock", comments: [] });
    await client.cancel();
  });

  it("pushes out-of-band stock badges when stock changes", async () => {
    const id = await idOf("almond-croissant");
    const { client } = await open(a);
    await client.until((f) => f.id === "stock");

    await a.services.catalog.setStock(id, 3);
    const low = await client.until((f) => f.data !== undefined);
    expect(low.data).toContain(`hx-swap-oob="outerHTML:.stock-${id}"`);
    expect(badges(low.data)).toEqual([[id, 3, "Only 3 left"]]);

    await a.services.catalog.setStock(id, 0);
    const out = await client.until((f) => f.data !== undefined);
    expect(badges(out.data)).toEqual([[id, 0, "Sold out"]]);
    expect(out.data).toContain("stock-out");

    await a.services.catalog.setStock(id, 25);
    expect(badges((await client.until((f) => f.data !== undefined)).data)).toEqual([
      [id, 25, "In stock"],
    ]);
    await client.cancel();
  });

  it("sends the stock of every active product first on a reconnect", async () => {
    const archived = await idOf("victoria-sponge");
    await a.sql`update products set active = false where id = ${archived}`;
    const changed = await idOf("cinnamon-bun");
    await a.sql`update products set stock = 7 where id = ${changed}`;

    const { client } = await open(a, { "Last-Event-ID": "stock" });
    await client.until((f) => f.retry !== undefined);
    const snapshot = (await client.next())!;
    expect(snapshot.id).toBe("stock");
    const rows = await a.sql<{ id: number; stock: number }[]>`
      select id, stock from products where active`;
    const shown = badges(snapshot.data);
    expect(shown).toHaveLength(rows.length);
    expect(new Map(shown.map(([id, stock]) => [id, stock]))).toEqual(
      new Map(rows.map((r) => [r.id, r.stock])),
    );
    expect(shown.find(([id]) => id === changed)).toEqual([changed, 7, "Only 7 left"]);
    expect(shown.some(([id]) => id === archived)).toBe(false);
    await client.cancel();
    await a.sql`update products set active = true where id = ${archived}`;
  });

  it("fans a change on one instance out to streams held by another", async () => {
    const id = await idOf("pain-au-chocolat");
    const onB = await open(b);
    await onB.client.until((f) => f.id === "stock");
    expect(b.live.size()).toBe(1);

    await a.services.catalog.setStock(id, 4);
    const received = await onB.client.until((f) => f.data !== undefined);
    expect(badges(received.data)).toEqual([[id, 4, "Only 4 left"]]);
    await onB.client.cancel();
  });

  it("keeps idle streams alive with heartbeat comments", async () => {
    const { client } = await open(b);
    const beat = await client.until((f) => f.comments.length > 0, 5000);
    expect(beat.comments).toEqual(["heartbeat"]);
    await client.cancel();
  });

  it("forgets a stream when its request is aborted", async () => {
    await eventually(() => a.live.size() === 0);
    const first = await open(a);
    const second = await open(a);
    expect(a.live.size()).toBe(2);

    first.abort();
    await eventually(() => a.live.size() === 1);
    // The aborted stream is closed; the other one still receives changes.
    expect(await first.client.until((f) => f.data !== undefined).catch((e) => e.message))
      .toBe("stream ended before the expected frame");
    const id = await idOf("flat-white");
    await a.services.catalog.setStock(id, 5);
    expect(badges((await second.client.until((f) => f.data !== undefined)).data)).toEqual([
      [id, 5, "Only 5 left"],
    ]);

    await second.client.cancel();
    await eventually(() => a.live.size() === 0);
  });

  it("does not hold a stream whose client left before it opened", async () => {
    await eventually(() => a.live.size() === 0);
    const res = await a.app.request(
      new Request("http://localhost/events/stock", {
        headers: { "Last-Event-ID": "stock" },
        signal: AbortSignal.abort(),
      }),
    );
    expect(a.live.size()).toBe(0);
    // The body ends at once instead of waiting for events no one will read.
    const client = sseClient(res);
    let frames = 0;
    while (await client.next() !== null) frames++;
    expect(frames).toBe(0);
  });
});
