import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import { BoardPage } from "../../views/board/board-page.tsx";
import { PickupCodes, PickupPage } from "../../views/board/pickup-codes.tsx";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { isHtmx } from "../http/htmx.ts";
import type { LiveHub } from "../live/hub.ts";
import { liveStream } from "../live/stream-response.ts";
import type { Orders } from "../orders/service.ts";
import { nextStatus, type OrderStatus, statuses, stepBack } from "../orders/status.ts";
import type { AgingRules } from "./aging.ts";
import { type Board, BOARD_TOPIC, PICKUP_TOPIC } from "./service.ts";
import type { ShopFormat } from "../shop/format.ts";
import { recordId, text } from "../http/fields.ts";

const LAYOUT_COOKIE = "board_layout";

const orderId = recordId("That ticket could not be found.");
const fromField = z.object({
  from: z.enum(statuses),
  reason: text().trim().max(200).optional(),
});
/** An event id: digits only (an empty Last-Event-ID is no id, not event 0). */
const afterParam = z.string().regex(/^\d{1,15}$/).transform(Number);

/**
 * The kitchen's order board (staff and admins) and the public pickup screen. Board actions
 * answer htmx with events for the toast (the board itself updates over its stream) and
 * plain form posts with a redirect back to the board.
 */
export function boardRoutes(
  { shop, board, orders, live, rules, format, now, heartbeatMs, timeZone }: {
    shop: ShopView;
    board: Board;
    orders: Orders;
    live: LiveHub;
    rules: AgingRules;
    format: ShopFormat;
    now: () => Date;
    heartbeatMs: number;
    timeZone: string;
  },
) {
  const staff = requireRole("staff", "admin");

  /** Moves an order and tells the screen what happened (or that someone else was faster). */
  const act = async (
    c: Context<AppEnv>,
    change: (id: number, from: OrderStatus, reason?: string) => { to: OrderStatus; back?: boolean },
  ) => {
    const id = orderId.safeParse(c.req.param("id"));
    const form = fromField.safeParse(await c.req.parseBody());
    if (!id.success || !form.success) {
      throw new AppError(400, "bad_request", "That ticket action is not valid.");
    }
    const { to, back } = change(id.data, form.data.from, form.data.reason);
    let notice: string | undefined;
    let moved: { code: string; from: OrderStatus; to: OrderStatus } | undefined;
    try {
      const result = await orders.changeStatus(id.data, to, c.get("user")!, {
        meta: c.get("meta"),
        expectedFrom: form.data.from,
        back,
        reason: form.data.reason,
      });
      moved = { code: result.order.code, from: result.from, to };
    } catch (error) {
      // Two screens bumping one ticket: one wins, the other is told, quietly.
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      notice = error.message;
    }
    if (!isHtmx(c)) {
      return c.redirect(notice ? `/board?notice=${encodeURIComponent(notice)}` : "/board", 303);
    }
    c.header(
      "HX-Trigger",
      JSON.stringify(
        moved
          ? { "board-moved": { id: id.data, ...moved } }
          : { "board-notice": { message: notice } },
      ),
    );
    return c.body(null, 200);
  };

  const noBump = (from: OrderStatus): never => {
    throw new AppError(409, "illegal_transition", `A ticket that is ${from} has no next step.`);
  };

  return new Hono<AppEnv>()
    .get("/board", staff, async (c) => {
      // The event id first, then the state: the page then shows at least everything up to
      // it, and the stream continues from it (read the other way round, a change between
      // the two reads would be in neither).
      const after = await board.latestEventId();
      const state = await board.state();
      c.header("Cache-Control", "no-store");
      const notice = c.req.query("notice");
      // The layout is the device's: a tablet at the counter keeps it across reloads.
      const asked = c.req.query("layout");
      if (asked === "compact" || asked === "roomy") {
        setCookie(c, LAYOUT_COOKIE, asked, {
          path: "/board",
          httpOnly: true,
          sameSite: "Lax",
          maxAge: 400 * 24 * 3600,
        });
      }
      const compact = (asked ?? getCookie(c, LAYOUT_COOKIE)) === "compact";
      return c.html(
        <BoardPage
          shop={shop}
          {...state}
          now={now()}
          rules={rules}
          time={format.time}
          day={format.date}
          dateLabel={board.dateLabel}
          csrf={c.get("csrfToken")()}
          after={after}
          staffName={c.get("user")!.name}
          heartbeatMs={heartbeatMs}
          timeZone={timeZone}
          notice={notice && notice.length < 200 ? notice : undefined}
          compact={compact}
        />,
      );
    })
    .get("/board/state", staff, async (c) => {
      c.header("Cache-Control", "no-store");
      return c.html(await board.render());
    })
    .get("/board/events", staff, (c) => {
      // Where this screen left off: the browser's Last-Event-ID after a drop, else the
      // event the page was rendered at.
      const since = afterParam.safeParse(c.req.header("Last-Event-ID") || c.req.query("after"));
      // Read after the stream has subscribed: a change committed meanwhile is held and sent
      // after these frames instead of falling between the two.
      const first = () =>
        since.success ? board.catchUp(since.data) : board.latestEventId().then(
          async (latest) => [{ id: String(latest), data: await board.render({ outOfBand: true }) }],
        );
      return liveStream(c, live, BOARD_TOPIC, { first, visibleHeartbeat: true });
    })
    .post(
      "/board/orders/:id/bump",
      staff,
      (c) => act(c, (_, from) => ({ to: nextStatus[from] ?? noBump(from) })),
    )
    .post(
      "/board/orders/:id/undo",
      staff,
      (c) => act(c, (_, from) => ({ to: stepBack[from] ?? noBump(from), back: true })),
    )
    .post("/board/orders/:id/recall", staff, (c) =>
      act(c, (_, from) => {
        if (from !== "picked_up") noBump(from);
        return { to: "ready", back: true };
      }))
    .post("/board/orders/:id/cancel", staff, (c) => act(c, () => ({ to: "cancelled" })))
    .get("/pickup", async (c) => {
      c.header("Cache-Control", "no-store");
      return c.html(<PickupPage shop={shop} {...await board.pickupCodes()} />);
    })
    .get("/pickup/events", (c) => {
      // The codes as they are now go first (read once the stream listens, so nothing falls
      // between), then every change.
      const first = () =>
        board.latestEventId().then(async (latest) => [{
          id: String(latest),
          data: String(PickupCodes({ ...await board.pickupCodes(), outOfBand: true })),
        }]);
      return liveStream(c, live, PICKUP_TOPIC, { first });
    });
}
