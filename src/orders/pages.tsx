import { type Context, Hono } from "hono";
import { z } from "zod";
import type { DayHours, ShopView } from "../../views/context.ts";
import { OrderHistoryPage } from "../../views/orders/order-lists.tsx";
import { OrderPage } from "../../views/orders/order-page.tsx";
import { OrderActionsGone, OrderProgress } from "../../views/orders/order-status.tsx";
import { requireUser } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError, notFound } from "../http/errors.ts";
import { viewerOf } from "../http/viewer.ts";
import type { LiveHub } from "../live/hub.ts";
import { liveStream } from "../live/stream-response.ts";
import type { ShopFormat } from "../shop/format.ts";
import { type Orders, orderTopic } from "./service.ts";
import { recordId } from "../http/fields.ts";

const orderId = recordId("That order could not be found.");
const PAGE_SIZE = 20;

/** The customer's order pages: confirmation with live status, cancel, history. */
export function orderPages(
  { shop, orders, live, format, pickupHours }: {
    shop: ShopView;
    orders: Orders;
    live: LiveHub;
    format: ShopFormat;
    /** The shop's hours on the local date of a pickup, for the order's page. */
    pickupHours?: (at: Date) => Promise<DayHours>;
  },
) {
  const idOf = (c: Context<AppEnv>) => {
    const id = orderId.safeParse(c.req.param("id"));
    if (!id.success) throw notFound("That order");
    return id.data;
  };

  const show = async (
    c: Context<AppEnv>,
    id: number,
    extra: { error?: string; flash?: string; status?: 200 | 409; confirmCancel?: boolean } = {},
  ) => {
    const detail = await orders.detail(id, c.get("user")!);
    const hours = await pickupHours?.(detail.order.pickupAt);
    c.header("Cache-Control", "private, no-store");
    return c.html(
      <OrderPage
        shop={shop}
        viewer={viewerOf(c)}
        {...detail}
        justPlaced={c.req.query("placed") === "1"}
        error={extra.error}
        flash={extra.flash}
        confirmCancel={extra.confirmCancel}
        dateTime={format.dateTime}
        pickupHours={hours}
        pickupDay={format.date(detail.order.pickupAt)}
      />,
      extra.status ?? 200,
    );
  };

  return new Hono<AppEnv>()
    .get("/orders/:id", requireUser(), (c) => show(c, idOf(c)))
    .get("/orders/:id/events", requireUser(), async (c) => {
      const id = idOf(c);
      const user = c.get("user")!;
      await orders.detail(id, user); // someone else's order: 404 before any stream opens
      // The status as it is now goes first, read once subscribed: nothing that happened before
      // the stream opened (or while it was down) is missed. Past "placed" the cancel form goes
      // too, also for a page loaded before the change.
      const first = () =>
        orders.detail(id, user).then(({ order }) => {
          const progress = String(
            OrderProgress({ orderId: id, status: order.status, outOfBand: true }),
          );
          const actions = order.status === "placed"
            ? ""
            : String(OrderActionsGone({ orderId: id }));
          return [{ id: String(order.statusChangedAt.getTime()), data: progress + actions }];
        });
      return liveStream(c, live, orderTopic(id), { first });
    })
    .post("/orders/:id/cancel", async (c) => {
      const id = idOf(c);
      const user = c.get("user");
      // The session ended meanwhile: an expected event, so sign in and come back to the order
      // (which asks again), not an error page.
      if (!user) {
        return c.redirect(`/signin?next=${encodeURIComponent(`/orders/${id}`)}`, 303);
      }
      // Cancelling asks once: a form sent without the confirmation (an old page, a stray
      // click) shows the question instead of cancelling.
      const { confirm } = await c.req.parseBody();
      if (confirm !== "yes") return show(c, id, { confirmCancel: true });
      try {
        await orders.changeStatus(id, "cancelled", user, {
          meta: c.get("meta"),
          reason: user.role === "customer"
            ? "Cancelled by the customer"
            : `Cancelled by ${user.name}`,
        });
      } catch (error) {
        if (error instanceof AppError && error.status === 409) {
          return show(c, id, { error: error.message, status: 409 });
        }
        throw error;
      }
      return c.redirect(`/orders/${id}`, 303);
    })
    .get("/account/orders", requireUser(), async (c) => {
      const page = z.coerce.number().int().min(1).max(10_000).catch(1).parse(c.req.query("page"));
      const userId = c.get("user")!.id;
      const { orders: list, total } = await orders.list(userId, {
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      if (list.length === 0 && page > 1) {
        // Past the end (a stale link): the last page, not "No orders yet".
        const { total: all } = await orders.list(userId, { limit: 1, offset: 0 });
        const last = Math.max(1, Math.ceil(all / PAGE_SIZE));
        return c.redirect(last > 1 ? `/account/orders?page=${last}` : "/account/orders", 303);
      }
      c.header("Cache-Control", "private, no-store");
      return c.html(
        <OrderHistoryPage
          shop={shop}
          viewer={viewerOf(c)}
          orders={list}
          page={page}
          pageCount={Math.max(1, Math.ceil(total / PAGE_SIZE))}
          dateTime={format.dateTime}
        />,
      );
    });
}
