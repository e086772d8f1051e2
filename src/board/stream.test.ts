import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import {
  type Account,
  account,
  boardColumns,
  boardConfig,
  Browser,
  productIds,
  signedIn,
  type SseClient,
  sseClient,
  type SseFrame,
} from "../../tests/board-support.ts";
import { REFRESH_TOKEN_DAYS } from "../accounts/tokens.ts";
import type { LiveEvent } from "../live/hub.ts";
import type { OrderStatus } from "../orders/status.ts";

/**
 * The board's live stream: every order event reaches open boards, a board that was away
 * catches up on exactly what it missed, and a kiosk signed out remotely stops at once.
 */

const KIOSK_HOURS = 3;
let t: TestContext;
let staff: Browser;
let staffAccount: Account;
let ada: Account;
let productId: number;

beforeAll(async () => {
  t = await createTestContext({
    seed: true,
    config: {
      ...boardConfig,
      SSE_HEARTBEAT_SECONDS: "1",
      KIOSK_SESSION_HOURS: String(KIOSK_HOURS),
    },
  });
  ({ browser: staff, who: staffAccount } = await signedIn(t, "staff"));
  ada = await account(t, "customer", "Ada Lovelace");
  ({ "country-sourdough": productId } = await productIds(t, ["country-sourdough"]));
});
afterAll(() => t?.close());

// Streams a failed test left open are closed, so the next test starts with none.
const open: (() => void)[] = [];
afterEach(async () => {
  for (const abort of open.splice(0)) abort();
  await eventually(() => t.live.size() === 0);
});

async function stream(browser: Browser | null, path: string, headers?: Record<string, string>) {
  const opened = await (browser ?? new Browser((r) => t.app.request(r))).stream(path, headers);
  open.push(opened.abort);
  expect(await opened.client.next()).toEqual({ retry: "2000", comments: [] });
  return opened;
}

const place = async () =>
  (await t.services.orders.place({ userId: ada.id, items: [{ productId, quantity: 1 }] })).order;

const move = (orderId: number, to: OrderStatus) =>
  t.services.orders.changeStatus(orderId, to, staffAccount);

const eventIdsAfter = async (after: number) =>
  (await t.sql<{ id: number }[]>`
    select id::int from order_status_history where id > ${after} order by id`).map((r) => r.id);

/** Waits until a stream has seen the frame with this id (the events are all delivered). */
const seen = (client: SseClient, id: number) => client.until((f) => f.id === String(id));

describe("GET /board/events", () => {
  it("starts with the board as it is now under the newest event id", async () => {
    const order = await place();
    const { res, client } = await stream(staff, "/board/events");
    expect(res.headers.get("Cache-Control")).toContain("no-cache");
    const first = (await client.event())!;
    const [latest] = (await eventIdsAfter(0)).slice(-1);
    expect(first.id).toBe(String(latest));
    expect(first.data).toMatch(/^<div id="board-state" hx-swap-oob="true"/);
    expect(boardColumns(first.data!).new).toContain(order.code);
  });

  it("catches up after a drop with exactly the missed events, in order, then the state", async () => {
    const early = await place();
    const observer = await stream(staff, "/board/events");
    await observer.client.event();
    const { client, abort } = await stream(staff, "/board/events");
    const seenId = Number((await client.event())!.id);
    expect(seenId).toBeGreaterThan(0);
    abort(); // the board's connection drops
    await client.cancel();
    await eventually(() => t.live.size() === 1);

    // Three changes while it is away.
    const later = await place();
    await move(early.id, "baking");
    await move(later.id, "baking");
    const missed = await eventIdsAfter(seenId);
    expect(missed).toHaveLength(3);
    await seen(observer.client, missed[2]);

    const back = await stream(staff, "/board/events", { "Last-Event-ID": String(seenId) });
    const frames: SseFrame[] = [];
    for (let i = 0; i < 3; i++) frames.push((await back.client.event())!);
    expect(frames.map((f) => Number(f.id))).toEqual(missed);
    expect(frames.slice(0, 2).map((f) => [f.event, f.data])).toEqual([
      ["catch-up", undefined],
      ["catch-up", undefined],
    ]);
    const state = boardColumns(frames[2].data!);
    expect(frames[2].event).toBeUndefined();
    expect(state.baking).toEqual(expect.arrayContaining([early.code, later.code]));
    expect(state.new).not.toContain(early.code);
    expect(state.new).not.toContain(later.code);

    // Nothing else was queued for it: the next frame is the next change.
    await move(early.id, "ready");
    const [next] = await eventIdsAfter(missed[2]);
    const following = (await back.client.event())!;
    expect(following.id).toBe(String(next));
    expect(boardColumns(following.data!).ready).toContain(early.code);
  });

  it("catches up the same way from the event a page was rendered at (?after=)", async () => {
    const { html } = await staff.get("/board");
    const after = Number(/hx-sse:connect="\/board\/events\?after=(\d+)"/.exec(html)![1]);
    const [latest] = (await eventIdsAfter(0)).slice(-1);
    expect(after).toBe(latest);
    const observer = await stream(staff, "/board/events");
    await observer.client.event();

    const order = await place();
    await move(order.id, "baking");
    await move(order.id, "ready");
    const missed = await eventIdsAfter(after);
    expect(missed).toHaveLength(3);
    await seen(observer.client, missed[2]);

    const { client } = await stream(staff, `/board/events?after=${after}`);
    const frames: SseFrame[] = [];
    for (let i = 0; i < 3; i++) frames.push((await client.event())!);
    expect(frames.map((f) => Number(f.id))).toEqual(missed);
    expect(boardColumns(frames[2].data!).ready).toContain(order.code);

    // A browser reconnecting keeps the page's URL but sends Last-Event-ID: that wins.
    await move(order.id, "picked_up");
    const [newest] = await eventIdsAfter(missed[2]);
    await seen(observer.client, newest);
    await client.cancel();
    const again = await stream(staff, `/board/events?after=${after}`, {
      "Last-Event-ID": String(missed[2]),
    });
    const only = (await again.client.event())!;
    expect(only.id).toBe(String(newest));
    expect(boardColumns(only.data!).closed).toContain(order.code);
  });

  it("sends the board as it is even when nothing was missed", async () => {
    const order = await place();
    const [latest] = (await eventIdsAfter(0)).slice(-1);
    const { client } = await stream(staff, "/board/events", { "Last-Event-ID": String(latest) });
    const frame = (await client.event())!;
    expect(frame.id).toBe(String(latest));
    expect(boardColumns(frame.data!).new).toContain(order.code);
  });

  it("keeps the board's stream alive with visible heartbeat events", async () => {
    const { client } = await stream(staff, "/board/events");
    const beat = await client.until((f) => f.event !== undefined || f.comments.length > 0, 5000);
    expect(beat).toMatchObject({ event: "heartbeat", comments: [] });
    expect(beat.id).toBeUndefined();
  });

  it("delivers a new order (with an arrival marker) and each bump to an open board", async () => {
    const { client } = await stream(staff, "/board/events");
    await client.event();

    const order = await place();
    const [placedId] = (await eventIdsAfter(0)).slice(-1);
    const arrived = (await client.event())!;
    expect(arrived.id).toBe(String(placedId));
    expect(arrived.data).toContain(`<!--arrival:${order.code}-->`);
    expect(boardColumns(arrived.data!).new).toContain(order.code);

    const res = await staff.post(`/board/orders/${order.id}/bump`, { from: "placed" }, {
      "HX-Request": "true",
    });
    expect(res.status).toBe(200);
    const bumped = (await client.event())!;
    expect(Number(bumped.id)).toBeGreaterThan(placedId);
    expect(bumped.data).toContain(order.code);
    expect(bumped.data).not.toContain("<!--arrival:");
    expect(boardColumns(bumped.data!).baking).toContain(order.code);

    // Undone back to New it is not announced as new again.
    await staff.post(`/board/orders/${order.id}/undo`, { from: "baking" }, {
      "HX-Request": "true",
    });
    const undone = (await client.event())!;
    expect(boardColumns(undone.data!).new).toContain(order.code);
    expect(undone.data).not.toContain("<!--arrival:");
  });
});

describe("a stream that is still reading its first frames", () => {
  it("holds events published meanwhile and sends them after, without the ones it already has", async () => {
    const observer = t.live.open("board-race");
    const watch = sseClient(new Response(observer));
    await watch.next();
    let resolve!: (frames: LiveEvent[]) => void;
    const first = new Promise<LiveEvent[]>((r) => (resolve = r));
    const body = t.live.open("board-race", { first });
    const client = sseClient(new Response(body));
    expect(await client.next()).toEqual({ retry: "2000", comments: [] });

    // Committed while the catch-up query runs: one it will include, one it will not.
    await t.live.publish("board-race", { id: "101", data: "state after 101" });
    await t.live.publish("board-race", { id: "102", data: "state after 102" });
    await watch.until((f) => f.id === "102");
    resolve([{ id: "100", event: "catch-up", data: "" }, { id: "101", data: "state now" }]);

    expect(await client.next()).toMatchObject({ id: "100", event: "catch-up" });
    expect(await client.next()).toMatchObject({ id: "101", data: "state now" });
    expect(await client.next()).toMatchObject({ id: "102", data: "state after 102" });
    await t.live.publish("board-race", { id: "103", data: "state after 103" });
    expect(await client.next()).toMatchObject({ id: "103" });
    await client.cancel();
    await watch.cancel();
  });
});

describe("kiosk sessions", () => {
  const sessionsOf = (userId: number) =>
    t.sql<{ id: string; kind: string; createdAt: Date; expiresAt: Date }[]>`
      select id, kind, created_at, expires_at from sessions where user_id = ${userId}
      order by created_at`;
  const HOUR = 3_600_000;

  it("staff ticking 'kiosk' get a shift-long kiosk session; without it, a web one", async () => {
    const { who } = await signedIn(t, "staff", { kiosk: true });
    const [kiosk] = await sessionsOf(who.id);
    expect(kiosk.kind).toBe("kiosk");
    const lifetime = kiosk.expiresAt.getTime() - kiosk.createdAt.getTime();
    expect(Math.abs(lifetime - KIOSK_HOURS * HOUR)).toBeLessThan(60_000);

    const { who: plain } = await signedIn(t, "staff");
    const [web] = await sessionsOf(plain.id);
    expect(web.kind).toBe("web");
  });

  it("a customer ticking it gets a normal web session", async () => {
    const { who } = await signedIn(t, "customer", { kiosk: true });
    const [session] = await sessionsOf(who.id);
    expect(session.kind).toBe("web");
    const lifetime = session.expiresAt.getTime() - session.createdAt.getTime();
    expect(Math.abs(lifetime - REFRESH_TOKEN_DAYS * 24 * HOUR)).toBeLessThan(60_000);
  });

  it("signing a kiosk out ends its open board stream and its cookies, nobody else's", async () => {
    const { browser: kiosk, who } = await signedIn(t, "staff", { kiosk: true });
    const [session] = await sessionsOf(who.id);
    const admin = await account(t, "admin");
    const kioskStream = await stream(kiosk, "/board/events");
    await kioskStream.client.event();
    const other = await stream(staff, "/board/events");
    await other.client.event();

    const ended = await t.services.accounts.auth.endSession(session.id, admin.id, {
      ip: "192.0.2.9",
      userAgent: "board-test",
    });
    expect(ended).toBe(true);
    const last = await kioskStream.client.event();
    expect(last).toMatchObject({ event: "session-ended" });
    expect(await kioskStream.client.next()).toBeNull();
    await eventually(() => t.live.size() === 1);

    const { res } = await kiosk.get("/board");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/signin?next=%2Fboard");
    expect((await kiosk.get("/board/events")).res.status).toBe(303);

    // The other board is still live.
    const order = await place();
    expect((await other.client.event())!.data).toContain(`<!--arrival:${order.code}-->`);
  });
});

describe("GET /pickup/events", () => {
  const lists = (data = "") => {
    const [ready, baking] = data.split('aria-labelledby="pickup-baking"');
    const codes = (part = "") => [...part.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]);
    return { ready: codes(ready), baking: codes(baking) };
  };

  it("is public, starts with the codes, and updates when an order becomes ready", async () => {
    const order = await place();
    await move(order.id, "baking");
    const waiting = await place();

    const { client } = await stream(null, "/pickup/events");
    const first = (await client.event())!;
    expect(first.data).toMatch(/^<div id="pickup-codes"[^>]*hx-swap-oob="true"/);
    expect(lists(first.data).baking).toContain(order.code);
    expect(lists(first.data).ready).not.toContain(order.code);
    // A received order is being prepared too: its customer finds the number at once.
    expect(lists(first.data).baking).toContain(waiting.code);
    expect(first.data).not.toContain("Ada");

    await move(order.id, "ready");
    const update = (await client.event())!;
    expect(lists(update.data).ready).toContain(order.code);
    expect(lists(update.data).baking).not.toContain(order.code);
    expect(update.data).not.toContain("Ada");
  });
});
