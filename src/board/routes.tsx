import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import { BoardPage } from "../../views/board/board-page.tsx";
import { PickupCodes, PickupPage } from "../../views/board/pickup-codes.tsx";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import type { LiveHub } from "../live/hub.ts";
import { liveStream } from "../live/stream-response.ts";
import type { Orders } from "../orders/service.ts";
import { statuses, stepBack } from "../orders/status.ts";
import type { AgingRules } from "./aging.ts";
import { type Board, BOARD_TOPIC, PICKUP_TOPIC } from "./service.ts";
import type { ShopFormat } from "../shop/format.ts";
import { boardActions } from "./actions.ts";
import type { Ticket } from "./queries.ts";

const LAYOUT_COOKIE = "board_layout";

/** What a board page was sent back with after a plain form post (see actions.ts). */
const afterAction = z.object({
  moved: z.coerce.number().int().positive().optional().catch(undefined),
  from: z.enum(statuses).optional().catch(undefined),
  to: z.enum(statuses).optional().catch(undefined),
  confirm: z.coerce.number().int().positive().optional().catch(undefined),
  reason: z.string().max(200).optional().catch(undefined),
});

/**
 * The last move's undo (while the ticket is still where that move put it), and the question
 * a cancellation asks before it is done.
 */
function pending(query: Record<string, string>, tickets: Ticket[], closed: Ticket[]) {
  const q = afterAction.parse(query);
  const moved = [...tickets, ...closed].find((t) => t.id === q.moved);
  const undo = moved && q.from && q.to === moved.status && stepBack[moved.status] === q.from
    ? { id: moved.id, code: moved.code, from: q.from, to: moved.status }
    : undefined;
  const asked = tickets.find((t) => t.id === q.confirm);
  const confirm = asked
    ? { id: asked.id, code: asked.code, status: asked.status, reason: q.reason ?? "" }
    : undefined;
  return { undo, confirm };
}

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

  return new Hono<AppEnv>()
    .route("/", boardActions({ orders }))
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
          {...pending(c.req.query(), state.tickets, state.closed)}
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
    .get("/pickup", async (c) => {
      c.header("Cache-Control", "no-store");
      return c.html(
        <PickupPage
          shop={shop}
          {...await board.pickupCodes()}
          clock={format.time(now())}
          timeZone={timeZone}
        />,
      );
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
