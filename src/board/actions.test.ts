import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type Account,
  account,
  boardColumns,
  boardConfig,
  Browser,
  historyOf,
  productIds,
  signedIn,
  statusOf,
  ticketOf,
} from "../../tests/board-support.ts";
import { api, expectError, person } from "../../tests/orders-support.ts";
import type { OrderStatus } from "../orders/status.ts";

/** Bump, undo, recall and cancel from the board, as staff press them. */

let t: TestContext;
let staff: Browser;
let staffAccount: Account;
let ada: Account;
let productId: number;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: boardConfig });
  ({ browser: staff, who: staffAccount } = await signedIn(t, "staff"));
  ada = await account(t, "customer", "Ada Lovelace");
  ({ "country-sourdough": productId } = await productIds(t, ["country-sourdough"]));
});
afterAll(() => t?.close());

const place = async (who = ada) =>
  (await t.services.orders.place({ userId: who.id, items: [{ productId, quantity: 1 }] })).order;

const advance = async (orderId: number, ...steps: OrderStatus[]) => {
  for (const to of steps) await t.services.orders.changeStatus(orderId, to, staffAccount);
};

const htmx = { "HX-Request": "true" };

/** The fields of a form on the board page, as a browser would send them. */
async function formOn(browser: Browser, action: string, page = "/board") {
  const { html } = await browser.get(page);
  const form = formHtml(html, action);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"[^>]*>/g)) {
    fields[m[1]] = m[2];
  }
  const select = /<select name="([^"]+)"[^>]*>\s*<option>([^<]*)<\/option>/.exec(form);
  if (select) fields[select[1]] = select[2];
  return fields;
}

/** The first form on a page posting to `action`, from its action on. */
function formHtml(html: string, action: string) {
  const start = html.indexOf(`action="${action}"`);
  expect(start, `a form posting to ${action}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</form>", start));
}

/** The undo form of the board's last move. */
function undoBar(html: string) {
  const start = html.indexOf('id="board-undo"');
  expect(start).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf("<form", start), html.indexOf("</form>", start));
}

/** Whether the page shows the undo form (it is always there, hidden until a move). */
const undoShown = (html: string) => !/^<form[^>]* hidden/.test(undoBar(html));

/** HX-Trigger of a board action's answer. */
function triggerOf(res: Response) {
  expect(res.status).toBe(200);
  const header = res.headers.get("HX-Trigger");
  expect(header).toBeTruthy();
  return JSON.parse(header!) as {
    "board-moved"?: { id: number; code: string; from: OrderStatus; to: OrderStatus };
    "board-notice"?: { message: string };
  };
}

describe("moving tickets through htmx", () => {
  it("bumps one step at a time with the page's own forms, each step in the history", async () => {
    const order = await place();
    const before = await historyOf(t, order.id);
    const path: [OrderStatus, OrderStatus][] = [
      ["placed", "baking"],
      ["baking", "ready"],
      ["ready", "picked_up"],
    ];
    for (const [from, to] of path) {
      const fields = await formOn(staff, `/board/orders/${order.id}/bump`);
      expect(fields.from).toBe(from);
      expect(fields._csrf).toBeTruthy();
      const res = await staff.post(`/board/orders/${order.id}/bump`, fields, htmx);
      expect(triggerOf(res)).toEqual({
        "board-moved": { id: order.id, code: order.code, from, to },
      });
      expect(await res.text()).toBe("");
      expect(await statusOf(t, order.id)).toBe(to);
    }
    const after = await historyOf(t, order.id);
    expect(after.slice(before.length).map((h) => [h.fromStatus, h.toStatus, h.actorId])).toEqual(
      path.map(([from, to]) => [from, to, staffAccount.id]),
    );
  });

  it("undoes a bump: baking goes back to placed, and the ticket keeps its waiting time", async () => {
    const order = await place();
    await advance(order.id, "baking");
    const res = await staff.post(`/board/orders/${order.id}/undo`, { from: "baking" }, htmx);
    expect(triggerOf(res)["board-moved"]).toMatchObject({ from: "baking", to: "placed" });
    expect(await statusOf(t, order.id)).toBe("placed");
    expect((await historyOf(t, order.id)).at(-1)).toMatchObject({
      fromStatus: "baking",
      toStatus: "placed",
      actorId: staffAccount.id,
    });
    // Back in New as it was: its waiting time runs from when it was placed, not from the undo.
    const [row] = await t.sql<{ placedAt: Date; statusChangedAt: Date }[]>`
      select placed_at, status_changed_at from orders where id = ${order.id}`;
    expect(row.statusChangedAt).toEqual(row.placedAt);
    expect(boardColumns((await staff.get("/board")).html).new).toContain(order.code);
  });

  it("recalls a picked-up order to Ready from the recently-done strip", async () => {
    const order = await place();
    await advance(order.id, "baking", "ready", "picked_up");
    const fields = await formOn(staff, `/board/orders/${order.id}/recall`);
    const res = await staff.post(`/board/orders/${order.id}/recall`, fields, htmx);
    expect(triggerOf(res)["board-moved"]).toEqual({
      id: order.id,
      code: order.code,
      from: "picked_up",
      to: "ready",
    });
    expect(await statusOf(t, order.id)).toBe("ready");
    expect((await historyOf(t, order.id)).at(-1)).toMatchObject({
      fromStatus: "picked_up",
      toStatus: "ready",
    });
    expect(boardColumns((await staff.get("/board")).html).ready).toContain(order.code);
  });

  it("cancels with the reason chosen on the ticket, once htmx has asked", async () => {
    const order = await place();
    const fields = await formOn(staff, `/board/orders/${order.id}/cancel`);
    expect(fields).toMatchObject({ from: "placed", reason: "Customer asked to cancel" });
    // The form asks before it sends, and sends its yes with it.
    const form = formHtml((await staff.get("/board")).html, `/board/orders/${order.id}/cancel`);
    expect(form).toContain(`hx-confirm="Cancel order ${order.code}?`);
    expect(form).toContain(`hx-vals="{&quot;confirmed&quot;:&quot;yes&quot;}"`);
    const res = await staff.post(
      `/board/orders/${order.id}/cancel`,
      { ...fields, confirmed: "yes" },
      htmx,
    );
    expect(triggerOf(res)["board-moved"]).toMatchObject({ from: "placed", to: "cancelled" });
    const [row] = await t.sql<{ status: string; cancelReason: string }[]>`
      select status, cancel_reason from orders where id = ${order.id}`;
    expect(row).toEqual({ status: "cancelled", cancelReason: "Customer asked to cancel" });
    expect(boardColumns((await staff.get("/board")).html).closed).toContain(order.code);
  });

  it("cancels a Ready order with its reason", async () => {
    const order = await place();
    await advance(order.id, "baking", "ready");
    const fields = await formOn(staff, `/board/orders/${order.id}/cancel`);
    const res = await staff.post(
      `/board/orders/${order.id}/cancel`,
      { ...fields, reason: "Duplicate order", confirmed: "yes" },
      htmx,
    );
    expect(triggerOf(res)["board-moved"]).toMatchObject({ from: "ready", to: "cancelled" });
    const [row] = await t.sql<{ status: string; cancelReason: string }[]>`
      select status, cancel_reason from orders where id = ${order.id}`;
    expect(row).toEqual({ status: "cancelled", cancelReason: "Duplicate order" });
  });

  it("moves any ticket back a step from its menu, with an optional reason kept in the history", async () => {
    const order = await place();
    await advance(order.id, "baking", "ready");
    // Long after the bump: no undo toast involved.
    const fields = await formOn(staff, `/board/orders/${order.id}/undo`);
    expect(fields.from).toBe("ready");
    const res = await staff.post(
      `/board/orders/${order.id}/undo`,
      { ...fields, reason: "Loaf not sliced yet" },
      htmx,
    );
    expect(triggerOf(res)["board-moved"]).toMatchObject({ from: "ready", to: "baking" });
    const [last] = await t.sql<{ toStatus: string; reason: string; actorId: number }[]>`
      select to_status, reason, actor_id from order_status_history
      where order_id = ${order.id} order by id desc limit 1`;
    expect(last).toEqual({
      toStatus: "baking",
      reason: "Loaf not sliced yet",
      actorId: staffAccount.id,
    });
    const ticket = ticketOf((await staff.get("/board")).html, order.code);
    expect(ticket).toContain(`Move ${order.code} back to New`);
    // A New ticket has nowhere to go back to.
    const fresh = await place();
    expect(ticketOf((await staff.get("/board")).html, fresh.code)).not.toContain("Move ");
  });

  it("tells the screen, without an error, when the ticket has no such step", async () => {
    const order = await place();
    await advance(order.id, "baking", "ready", "picked_up");
    const res = await staff.post(
      `/board/orders/${order.id}/cancel`,
      { from: "picked_up", confirmed: "yes" },
      htmx,
    );
    expect(triggerOf(res)["board-notice"]?.message).toMatch(
      /An order that is picked up cannot become/i,
    );
    expect(await statusOf(t, order.id)).toBe("picked_up");
  });
});

describe("plain form posts (no JavaScript)", () => {
  it("answer with a redirect back to the board, showing the last move's undo form", async () => {
    const order = await place();
    for (const [action, from, to] of [["bump", "placed", "baking"], ["undo", "baking", "placed"]]) {
      const res = await staff.post(`/board/orders/${order.id}/${action}`, { from });
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe(`/board?moved=${order.id}&from=${from}&to=${to}`);
    }
    const bumped = await staff.post(`/board/orders/${order.id}/bump`, { from: "placed" });
    const { html } = await staff.get(bumped.headers.get("Location")!);
    expect(undoBar(html)).toContain(`${order.code} moved to Baking.`);
    expect(undoBar(html)).toContain(`action="/board/orders/${order.id}/undo"`);
    expect(undoShown(html)).toBe(true);
    expect(await statusOf(t, order.id)).toBe("baking");
    // A stale screen is sent back with the reason to show.
    const stale = await staff.post(`/board/orders/${order.id}/bump`, { from: "placed" });
    expect(stale.status).toBe(303);
    const location = stale.headers.get("Location")!;
    expect(location).toMatch(/^\/board\?notice=/);
    const page = await staff.get(location);
    expect(page.html).toContain("This order is already baking.");
    expect(await statusOf(t, order.id)).toBe("baking");
  });

  it("keeps the undo until the next move, however long, and only while it still applies", async () => {
    const order = await place();
    const first = await staff.post(`/board/orders/${order.id}/bump`, { from: "placed" });
    const undoPage = first.headers.get("Location")!;
    // Minutes later, the same page's undo form still takes the bump back.
    const fields = await formOn(staff, `/board/orders/${order.id}/undo`, undoPage);
    expect(fields.from).toBe("baking");
    const undone = await staff.post(`/board/orders/${order.id}/undo`, fields);
    expect(undone.status).toBe(303);
    expect(await statusOf(t, order.id)).toBe("placed");
    // A step back offers no undo of its own, and a page for a move that no longer holds
    // (someone moved the ticket since) offers none either.
    expect(undoShown((await staff.get(undone.headers.get("Location")!)).html)).toBe(false);
    expect(undoShown((await staff.get(undoPage)).html)).toBe(false);
  });

  it("asks once before a cancellation, on the page; keeping the order changes nothing", async () => {
    const order = await place();
    const asked = await staff.post(`/board/orders/${order.id}/cancel`, {
      from: "placed",
      reason: "Duplicate order",
    });
    expect(asked.status).toBe(303);
    expect(await statusOf(t, order.id)).toBe("placed");
    const question = asked.headers.get("Location")!;
    expect(question).toBe(`/board?confirm=${order.id}&reason=Duplicate%20order`);
    const { html } = await staff.get(question);
    expect(html).toContain(`Cancel order ${order.code}?`);
    expect(html).toContain(`Keep ${order.code}`);
    const yes = await formOn(staff, `/board/orders/${order.id}/cancel`, question);
    expect(yes).toMatchObject({ from: "placed", reason: "Duplicate order", confirmed: "yes" });
    const res = await staff.post(`/board/orders/${order.id}/cancel`, yes);
    expect(res.status).toBe(303);
    const [row] = await t.sql<{ status: string; cancelReason: string }[]>`
      select status, cancel_reason from orders where id = ${order.id}`;
    expect(row).toEqual({ status: "cancelled", cancelReason: "Duplicate order" });
    // Once cancelled, the question is not asked again.
    expect((await staff.get(question)).html).not.toContain(`Cancel order ${order.code}?`);
  });

  it("refuses a post without the status the screen showed", async () => {
    const order = await place();
    const res = await staff.post(`/board/orders/${order.id}/bump`, {});
    expect(res.status).toBe(400);
    expect(await statusOf(t, order.id)).toBe("placed");
  });
});

describe("two screens at once", () => {
  it("two staff bumping the same ticket: one moves it, the other is told", async () => {
    const { browser: other } = await signedIn(t, "staff");
    for (const from of ["placed", "baking", "ready"] as const) {
      const order = await place();
      const path = { placed: [], baking: ["baking"], ready: ["baking", "ready"] }[from];
      await advance(order.id, ...path as OrderStatus[]);
      const before = await historyOf(t, order.id);
      const answers = await Promise.all(
        [staff, other].map((b) => b.post(`/board/orders/${order.id}/bump`, { from }, htmx)),
      );
      const triggers = answers.map(triggerOf);
      const moved = triggers.filter((x) => x["board-moved"]);
      const told = triggers.filter((x) => x["board-notice"]);
      expect({ moved: moved.length, told: told.length }).toEqual({ moved: 1, told: 1 });
      expect(told[0]["board-notice"]!.message).toMatch(/^This order is already /);
      const after = await historyOf(t, order.id);
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)!.fromStatus).toBe(from);
    }
  });

  it("an undo pressed on two screens steps back once", async () => {
    const { browser: other } = await signedIn(t, "staff");
    const order = await place();
    await advance(order.id, "baking", "ready");
    const answers = await Promise.all(
      [staff, other].map((b) => b.post(`/board/orders/${order.id}/undo`, { from: "ready" }, htmx)),
    );
    expect(answers.map((r) => Object.keys(triggerOf(r))[0]).sort()).toEqual([
      "board-moved",
      "board-notice",
    ]);
    expect(await statusOf(t, order.id)).toBe("baking");
  });
});

describe("who may step back", () => {
  it("customers cannot use the board actions", async () => {
    const order = await place();
    await advance(order.id, "baking");
    const { browser } = await signedIn(t, "customer");
    const res = await browser.post(`/board/orders/${order.id}/undo`, { from: "baking" }, htmx);
    expect(res.status).toBe(403);
    expect(await statusOf(t, order.id)).toBe("baking");
  });

  it("customers can never move their order back through the API (the route is staff's)", async () => {
    const customer = await person(t);
    for (
      const [steps, back] of [
        [["baking"], "placed"],
        [["baking", "ready"], "baking"],
        [["baking", "ready", "picked_up"], "ready"],
      ] as [OrderStatus[], OrderStatus][]
    ) {
      const order = await place({ id: customer.id } as Account);
      await advance(order.id, ...steps);
      const res = await api(t, customer, "POST", `/orders/${order.id}/status`, { status: back });
      await expectError(res, 403, "forbidden");
      expect(await statusOf(t, order.id)).toBe(steps.at(-1));
    }
  });

  it("even staff step back only through undo and recall, never through the API", async () => {
    const staffApi = await person(t, "staff");
    const order = await place();
    await advance(order.id, "baking");
    const res = await api(t, staffApi, "POST", `/orders/${order.id}/status`, { status: "placed" });
    await expectError(res, 409, "illegal_transition");
    expect(await statusOf(t, order.id)).toBe("baking");
  });

  it("a cancelled order cannot be recalled or undone", async () => {
    const order = await place();
    await advance(order.id, "cancelled");
    for (const action of ["undo", "recall"]) {
      const res = await staff.post(`/board/orders/${order.id}/${action}`, {
        from: "cancelled",
      }, htmx);
      expect(res.status).toBe(409);
    }
    expect(await statusOf(t, order.id)).toBe("cancelled");
  });
});
