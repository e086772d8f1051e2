import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import type { LiveEvent, LiveHub } from "../live/hub.ts";
import type { OrderRow } from "../orders/queries.ts";
import { coalesce } from "../live/coalesce.ts";
import type { ShopFormat } from "../shop/format.ts";
import { BoardState } from "../../views/board/board-state.tsx";
import { PickupCodes } from "../../views/board/pickup-codes.tsx";
import type { AgingRules } from "./aging.ts";
import { createBoardModel } from "./live-model.ts";
import {
  allDayCounts,
  eventsAfter,
  latestEventId,
  openTickets,
  recentlyClosed,
  type Ticket,
} from "./queries.ts";

export const BOARD_TOPIC = "board";
export const PICKUP_TOPIC = "pickup";
/** The notices of changed orders that boards and pickup screens re-render on. */
const BOARD_VIEW = "board";

/** At most one board render per this long while orders rush in (boards show them within it). */
const BROADCAST_GAP_MS = 200;

/** Events a reconnecting board may ask to catch up on; older gaps just get the state. */
const CATCH_UP_LIMIT = 500;

export interface BoardDeps {
  sql: Sql;
  live: LiveHub;
  rules: AgingRules;
  format: ShopFormat;
  now: () => Date;
  log: Logger;
}

interface ChangeNotice {
  id: number;
  code: string;
  /** A new order: boards chime. */
  arrival: boolean;
}

/**
 * One board renderer per hub (an app instance): the board made last for it. An instance has
 * one; several made on one hub (tests with their own clock) would otherwise each render.
 */
const renderers = new WeakMap<LiveHub, { handle: (note: string) => void }>();
function renderOnNotices(live: LiveHub, handle: (note: string) => void) {
  let renderer = renderers.get(live);
  if (!renderer) {
    const created = { handle };
    live.onNotice(BOARD_VIEW, (note) => created.handle(note));
    renderers.set(live, renderer = created);
  }
  renderer.handle = handle;
}

/** The codes on the pickup screen: being prepared and ready, longest waiting first. */
function codesOf(tickets: Ticket[]) {
  const since = (status: string) =>
    tickets.filter((t) => t.status === status)
      .sort((a, b) => a.statusChangedAt.getTime() - b.statusChangedAt.getTime() || a.id - b.id)
      .map((t) => t.code);
  return { baking: since("baking"), ready: since("ready") };
}

/**
 * The order board's data and its live stream. Every order event (a row of the status
 * history, so ids are global and ordered) goes out with the whole board state rendered once:
 * a board applying it cannot end up with a ticket missing or twice. A change is announced to
 * every instance as a small notice; only instances holding a board or pickup screen render,
 * from their own copy of the board brought up to date with the orders that changed.
 */
export function createBoard({ sql, live, rules, format, now, log }: BoardDeps) {
  const state = async () => {
    const [tickets, closed] = await Promise.all([openTickets(sql), recentlyClosed(sql)]);
    return { tickets, closed, counts: allDayCounts(tickets) };
  };

  const renderState = (
    board: { tickets: Ticket[]; closed: Ticket[] },
    options: { csrf?: string; outOfBand?: boolean } = {},
  ) =>
    String(
      BoardState({
        ...board,
        counts: allDayCounts(board.tickets),
        now: now(),
        rules,
        time: format.time,
        day: format.date,
        ...options,
      }),
    );

  const render = async (options: { csrf?: string; outOfBand?: boolean } = {}) =>
    renderState(await state(), options);

  const pickupCodes = async () => {
    const rows = await sql<{ code: string; status: string }[]>`
      select code, status from orders where status in ('baking', 'ready')
      order by status_changed_at, id`;
    return {
      baking: rows.filter((r) => r.status === "baking").map((r) => r.code),
      ready: rows.filter((r) => r.status === "ready").map((r) => r.code),
    };
  };

  const model = createBoardModel(sql);
  const changed = new Set<number>();
  const arrivals = new Set<string>();
  const watched = () => live.watching(BOARD_TOPIC) || live.watching(PICKUP_TOPIC);

  /** One render for a burst of changes, sent to this instance's screens under the newest id. */
  const broadcast = coalesce(async () => {
    const chimes = [...arrivals].map((code) => `<!--arrival:${code}-->`).join("");
    const ids = [...changed];
    arrivals.clear();
    changed.clear();
    if (!watched()) return model.forget();
    const board = await model.snapshot(ids);
    const id = String(board.latest);
    if (live.watching(BOARD_TOPIC)) {
      live.sendLocal(BOARD_TOPIC, { id, data: chimes + renderState(board, { outOfBand: true }) });
    }
    if (live.watching(PICKUP_TOPIC)) {
      const codes = codesOf(board.tickets);
      live.sendLocal(PICKUP_TOPIC, {
        id,
        data: String(PickupCodes({ ...codes, outOfBand: true })),
      });
    }
  }, BROADCAST_GAP_MS);

  renderOnNotices(live, (note) => {
    // Nobody here watches: nothing to render, and the copy of the board goes stale.
    if (!watched()) return model.forget();
    const notice = JSON.parse(note) as ChangeNotice;
    changed.add(notice.id);
    // A new order chimes on the boards (the comment is read by board.js, never shown); an
    // order undone back to New does not.
    if (notice.arrival) arrivals.add(notice.code);
    broadcast().catch((error) => log.warn("board not rendered", errorFields(error)));
  });

  return {
    state,
    render,
    pickupCodes,
    latestEventId: () => latestEventId(sql),

    /** After a committed change: every board and pickup screen, on every instance. */
    publish(order: OrderRow, { arrival }: { arrival: boolean }): Promise<void> {
      const notice: ChangeNotice = { id: order.id, code: order.code, arrival };
      return live.notify(BOARD_VIEW, JSON.stringify(notice));
    },

    /**
     * What a board that saw event `after` missed: one frame per missed event, in order, the
     * last carrying the state as it is now (applying each in turn would end the same). The
     * state comes even when nothing was missed: history ids are taken when a transaction
     * writes, not when it commits, so a change can commit under an id below one the board has
     * already seen; only the state as it is now is sure to hold it. After a longer gap than
     * the catch-up limit, the state alone under the newest id.
     */
    async catchUp(after: number): Promise<LiveEvent[]> {
      const missed = await eventsAfter(sql, after, CATCH_UP_LIMIT + 1);
      if (missed.length === 0 || missed.length > CATCH_UP_LIMIT) {
        const latest = await latestEventId(sql);
        return [{ id: String(latest), data: await render({ outOfBand: true }) }];
      }
      const last = missed[missed.length - 1];
      return [
        ...missed.slice(0, -1).map((e) => ({ id: String(e.id), event: "catch-up", data: "" })),
        { id: String(last.id), data: await render({ outOfBand: true }) },
      ];
    },
  };
}

export type Board = ReturnType<typeof createBoard>;
