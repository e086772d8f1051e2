import type { Queryable } from "../infra/db.ts";
import { openStatuses } from "../orders/status.ts";
import { latestEventId, openTickets, recentlyClosed, type Ticket, ticketsOf } from "./queries.ts";

/**
 * Read in full at most this long ago: a change notice lost on the way (pub/sub delivers at
 * most once) is healed by the next full read.
 */
const FULL_READ_EVERY_MS = 60_000;

export interface BoardSnapshot {
  /** Open tickets, soonest pickup first. */
  tickets: Ticket[];
  /** Recently picked up or cancelled, newest first. */
  closed: Ticket[];
  /** The newest board event the snapshot is sent under. */
  latest: number;
}

const bySoonestPickup = (a: Ticket, b: Ticket) =>
  a.pickupAt.getTime() - b.pickupAt.getTime() || a.id - b.id;
const byNewestChange = (a: Ticket, b: Ticket) =>
  b.statusChangedAt.getTime() - a.statusChangedAt.getTime() || b.id - a.id;

/**
 * What this instance's open boards and pickup screens show, kept in memory and brought up
 * to date from the orders named in change notices: a rush of orders costs one small query
 * per render for the orders that changed, not a read of every open order each time.
 */
export function createBoardModel(sql: Queryable, closedShown = 12) {
  let open = new Map<number, Ticket>();
  let closed: Ticket[] = [];
  let latest = 0;
  let readAt = -Infinity;

  const readAll = async () => {
    // The event id first, then the state: the state holds at least everything up to it.
    const id = await latestEventId(sql);
    const [tickets, recent] = await Promise.all([openTickets(sql), recentlyClosed(sql)]);
    open = new Map(tickets.map((t) => [t.id, t]));
    closed = recent;
    latest = id;
    readAt = Date.now();
  };

  const apply = async (changed: number[]) => {
    const found = await ticketsOf(sql, changed);
    let recalled = false;
    for (const ticket of found.tickets) {
      if (openStatuses.includes(ticket.status)) {
        open.set(ticket.id, ticket);
        recalled ||= closed.some((c) => c.id === ticket.id);
      } else {
        open.delete(ticket.id);
        closed = [ticket, ...closed.filter((c) => c.id !== ticket.id)]
          .sort(byNewestChange).slice(0, closedShown);
      }
    }
    // A ticket back on the board leaves a gap in the recall list that only a read can fill.
    if (recalled) closed = await recentlyClosed(sql, closedShown);
    latest = Math.max(latest, found.latest);
  };

  return {
    /** Forgets everything: the next snapshot reads it all again (nobody was watching). */
    forget() {
      readAt = -Infinity;
    },

    /** The board now, after the orders in `changed` changed. */
    async snapshot(changed: number[]): Promise<BoardSnapshot> {
      try {
        if (Date.now() - readAt > FULL_READ_EVERY_MS) await readAll();
        else if (changed.length > 0) await apply(changed);
      } catch (error) {
        readAt = -Infinity;
        throw error;
      }
      return { tickets: [...open.values()].sort(bySoonestPickup), closed, latest };
    },
  };
}
