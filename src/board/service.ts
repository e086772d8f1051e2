import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import type { LiveEvent, LiveHub } from "../live/hub.ts";
import type { OrderRow } from "../orders/queries.ts";
import { coalesce } from "../live/coalesce.ts";
import type { ShopFormat } from "../shop/format.ts";
import { BoardState } from "../../views/board/board-state.tsx";
import { PickupCodes } from "../../views/board/pickup-codes.tsx";
import { addDays, instantAt } from "../shop/hours.ts";
import type { AgingRules } from "./aging.ts";
import {
  allDayCounts,
  eventsAfter,
  laterDays,
  latestEventId,
  openTickets,
  recentlyClosed,
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
  /** The shop's date today (YYYY-MM-DD): the board works today's orders. */
  today: () => string;
  /** "Thu 17 Apr" for a YYYY-MM-DD date. */
  dateLabel: (date: string) => string;
  timeZone: string;
  log: Logger;
}

interface ChangeNotice {
  code: string;
  /** A new order: boards chime. */
  arrival: boolean;
}

/**
 * One board renderer per hub (an app instance): the board made last for it. An instance has
 * one; several made on one hub (tests with their own clock) would otherwise each render.
 */
type NoticeHandler = (note: string, at?: number) => void;
const renderers = new WeakMap<LiveHub, { handle: NoticeHandler }>();
function renderOnNotices(live: LiveHub, handle: NoticeHandler) {
  let renderer = renderers.get(live);
  if (!renderer) {
    const created = { handle };
    live.onNotice(BOARD_VIEW, (note, _, at) => created.handle(note, at));
    renderers.set(live, renderer = created);
  }
  renderer.handle = handle;
}

/**
 * The order board's data and its live stream. Every order event (a row of the status
 * history, so ids are global and ordered) goes out with the whole board state rendered once:
 * a board applying it cannot end up with a ticket missing or twice. A change is announced to
 * every instance as a small notice; only instances holding a board or pickup screen read and
 * render, at most once per gap however many orders change, and no response waits for it.
 */
export function createBoard(
  { sql, live, rules, format, now, today, dateLabel, timeZone, log }: BoardDeps,
) {
  const state = async () => {
    const date = today();
    const day = { today: date, prepareBy: new Date(now().getTime() + rules.prepMinutes * 60_000) };
    const [tickets, closed, counts, later] = await Promise.all([
      openTickets(sql, day),
      recentlyClosed(sql),
      allDayCounts(sql, day),
      laterDays(sql, day),
    ]);
    // At the shop's midnight tomorrow's orders become today's: the board asks again then.
    const dayEndsAt = instantAt(addDays(date, 1), 0, timeZone);
    return { tickets, closed, counts, later, today: date, dayEndsAt };
  };

  const render = async (options: { csrf?: string; outOfBand?: boolean } = {}) =>
    String(
      BoardState({
        ...await state(),
        now: now(),
        rules,
        time: format.time,
        day: format.date,
        dateLabel,
        ...options,
      }),
    );

  /**
   * The pickup screen's codes: Ready ones, and today's orders not ready yet (received or
   * baking), so a customer who just ordered finds their number at once.
   */
  const pickupCodes = async () => {
    const rows = await sql<{ code: string; status: string }[]>`
      select code, status from orders
      where status = 'ready'
        or (status in ('placed', 'baking')
          and coalesce(pickup_date, ${today()}::date) <= ${today()}::date)
      order by status_changed_at, id`;
    return {
      preparing: rows.filter((r) => r.status !== "ready").map((r) => r.code),
      ready: rows.filter((r) => r.status === "ready").map((r) => r.code),
    };
  };

  const arrivals = new Set<string>();
  /** When the oldest change not yet rendered was announced (for the delivery time metric). */
  let pendingSince: number | undefined;
  /** The last frame rendered for each topic on this instance. */
  const last = new Map<string, string>();
  const sameAsLast = (topic: string, id: string, data: string) => {
    const frame = `${id}\n${data}`;
    if (last.get(topic) === frame) return true;
    last.set(topic, frame);
    return false;
  };
  const watched = () => live.watching(BOARD_TOPIC) || live.watching(PICKUP_TOPIC);

  /** One render for a burst of changes, sent to this instance's screens under the newest id. */
  const broadcast = coalesce(async () => {
    const chimes = [...arrivals].map((code) => `<!--arrival:${code}-->`).join("");
    arrivals.clear();
    const since = pendingSince;
    pendingSince = undefined;
    const boards = live.watching(BOARD_TOPIC);
    const screens = live.watching(PICKUP_TOPIC);
    if (!boards && !screens) return;
    // The event id first, then the state: the state holds at least everything up to it.
    const id = String(await latestEventId(sql));
    const [board, codes] = await Promise.all([
      boards ? render({ outOfBand: true }) : undefined,
      screens ? pickupCodes() : undefined,
    ]);
    // A render that says nothing new (a change already shown by the render before) is not
    // sent: screens would only swap in the same markup again.
    if (board !== undefined && (chimes || !sameAsLast(BOARD_TOPIC, id, board))) {
      live.sendLocal(BOARD_TOPIC, { id, data: chimes + board }, since);
    }
    const screen = codes && String(PickupCodes({ ...codes, outOfBand: true }));
    if (screen && !sameAsLast(PICKUP_TOPIC, id, screen)) {
      live.sendLocal(PICKUP_TOPIC, { id, data: screen }, since);
    }
  }, BROADCAST_GAP_MS);

  renderOnNotices(live, (note, at) => {
    // Nobody here watches: nothing to read or render.
    if (!watched()) return;
    if (at !== undefined) pendingSince = Math.min(pendingSince ?? at, at);
    const notice = JSON.parse(note) as ChangeNotice;
    // A new order chimes on the boards (the comment is read by board.js, never shown); an
    // order undone back to New does not.
    if (notice.arrival) arrivals.add(notice.code);
    broadcast().catch((error) => log.warn("board not rendered", errorFields(error)));
  });

  return {
    state,
    dateLabel,
    render,
    pickupCodes,
    latestEventId: () => latestEventId(sql),

    /**
     * After a committed change: a small notice to every instance, whose boards and pickup
     * screens render on it. `arrival` when the order was just placed.
     */
    publish(order: OrderRow, { arrival }: { arrival: boolean }): Promise<void> {
      const notice: ChangeNotice = { code: order.code, arrival };
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
