import type { Sql } from "../infra/db.ts";
import type { LiveHub } from "../live/hub.ts";
import { addDays, localParts } from "../shop/hours.ts";
import { type Availability, availabilityOn, type PlanRows } from "./availability.ts";
import { dayOf, daysFrom } from "./calendar.ts";
import { seatsBetween } from "./day-queries.ts";
import { publishDay, publishShelf, type Remaining } from "./live.ts";
import { activeSchedules, planRows, productSchedules, readRules } from "./queries.ts";
import {
  asap,
  cutoffFor,
  dateRefusal,
  earliestPickup,
  horizonEnd,
  orderableDates,
  type Rules,
  slotsOn,
  todayOf,
} from "./rules.ts";
import type { Words } from "./words.ts";
import { AppError } from "../http/errors.ts";

export interface BakeryDeps {
  sql: Sql;
  live: LiveHub;
  timeZone: string;
  prepMinutes: number;
  words: Words;
  now: () => Date;
}

/** A date as customers see it: open or not, its hours, and whether orders are taken for it. */
export interface PickupDay {
  date: string;
  open: boolean;
  opens: string | null;
  closes: string | null;
  reason: string | null;
  /** Orders can be placed for this date now. */
  orderable: boolean;
  /** When orders for it close (the next-day cut-off), if they do. */
  orderBy: Date | null;
}

export interface PickupSlot {
  at: Date;
  capacity: number | null;
  remaining: number | null;
  /** Can be chosen now: not too soon, and a seat is left. */
  available: boolean;
  /** Before the earliest pickup an order placed now can have (or the day takes no orders). */
  tooSoon: boolean;
}

const hhmm = (m: number | null) =>
  m === null
    ? null
    : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/**
 * Reading the bakery's days: the rules (settings and calendar, read fresh from the
 * database on each call: they are a few small rows), the days and slots customers can
 * choose, and what each product can be had for on a date.
 */
export function createBakery(deps: BakeryDeps) {
  const { sql, live, words } = deps;
  const today = () => localParts(deps.now(), deps.timeZone).date;

  async function rules(until?: string): Promise<Rules> {
    const now = deps.now();
    const from = localParts(now, deps.timeZone).date;
    const to = until && until > addDays(from, 90) ? until : addDays(from, 90);
    const { settings, calendar } = await readRules(sql, { from, to });
    return {
      settings,
      calendar,
      now,
      words,
      timeZone: deps.timeZone,
      prepMinutes: deps.prepMinutes,
    };
  }

  function pickupDay(r: Rules, date: string): PickupDay {
    const day = dayOf(r.calendar, date);
    const refusal = dateRefusal(r, date);
    const cutoff = cutoffFor(r, date);
    return {
      date,
      open: day.open,
      opens: hhmm(day.opens),
      closes: hhmm(day.closes),
      reason: day.reason ?? refusal?.message ?? null,
      orderable: refusal === null,
      orderBy: refusal === null ? cutoff : null,
    };
  }

  async function slots(r: Rules, date: string): Promise<PickupSlot[]> {
    const all = slotsOn(r, date);
    if (all.length === 0) return [];
    const seats = await seatsBetween(sql, all[0], new Date(all.at(-1)!.getTime() + 1));
    const capacity = r.settings.ordersPerSlot;
    const orderable = dateRefusal(r, date) === null;
    const earliest = earliestPickup(r).getTime();
    return all.map((at) => {
      const taken = seats.get(at.getTime()) ?? 0;
      const remaining = capacity === null ? null : Math.max(0, capacity - taken);
      const tooSoon = !orderable || at.getTime() < earliest;
      return { at, capacity, remaining, available: !tooSoon && remaining !== 0, tooSoon };
    });
  }

  return {
    today,
    rules,

    /** From today to the horizon, closed days included. */
    async days(): Promise<PickupDay[]> {
      const r = await rules();
      return daysFrom(r.calendar, todayOf(r), r.settings.horizonDays).map((d) =>
        pickupDay(r, d.date)
      );
    },

    /**
     * A date customers ask about must lie from today to the horizon: a 400 naming `field`
     * otherwise. (A closed date is a fair question: the answer says it is closed.)
     */
    async checkDate(date: string, field = "date"): Promise<Rules> {
      const r = await rules(date);
      const refusal = dateRefusal(r, date);
      if (refusal && (refusal.code === "validation_failed" || refusal.code === "beyond_horizon")) {
        throw new AppError(400, refusal.code, refusal.message, { [field]: refusal.message });
      }
      return r;
    },

    /** One date's day and slots; `date` must be a real date (callers validate it). */
    async day(date: string) {
      const r = await rules(date);
      return { rules: r, day: pickupDay(r, date), slots: await slots(r, date) };
    },

    /** The date a cart is for until its customer chooses one: the first that takes orders. */
    async firstOrderableDay(): Promise<string> {
      const r = await rules();
      return orderableDates(r)[0] ?? todayOf(r);
    },

    /** "As soon as possible" right now, if there is a time left within the horizon. */
    async asap() {
      return asap(await rules());
    },

    /** What each product can be had for on `date`, read now. */
    async availability(date: string, ids: number[]): Promise<Map<number, Availability>> {
      const r = await rules(date);
      const [products, plans] = await Promise.all([
        productSchedules(sql, ids),
        planRows(sql, ids, {
          from: date < todayOf(r) ? date : todayOf(r),
          to: horizonOrDate(r, date),
        }),
      ]);
      const result = new Map<number, Availability>();
      const none: PlanRows = new Map();
      for (const [id, product] of products) {
        result.set(id, availabilityOn(r, product, plans.get(id) ?? none, date));
      }
      return result;
    },

    /** Every active product's remaining on `date` (live pages catching up after a drop). */
    async remainingOn(date: string): Promise<Remaining[]> {
      const products = await activeSchedules(sql);
      const plans = await planRows(sql, products.map((p) => p.id), { from: date, to: date });
      return products.map((p) => {
        if (p.kind === "made_to_order") return { id: p.id, stock: null };
        if (p.kind === "shelf") return { id: p.id, stock: Math.max(0, p.stock) };
        const row = plans.get(p.id)?.get(date);
        return {
          id: p.id,
          stock: row ? row.remaining : p.par[(new Date(`${date}T12:00:00Z`).getUTCDay() || 7) - 1],
        };
      });
    },

    /** After a commit: pages showing the dates that changed hear of it. Never throws. */
    async announce(change: {
      shelf?: Remaining[];
      plan?: { date: string; items: Remaining[] } | null;
      plans?: { date: string; items: Remaining[] }[];
    }) {
      const day = today();
      const plans = [...(change.plans ?? []), ...(change.plan ? [change.plan] : [])];
      await Promise.allSettled([
        publishShelf(live, change.shelf ?? []),
        ...plans.map((p) => publishDay(live, p.date, day, p.items)),
      ]);
    },
  };
}

/** The last date plan rows are needed for: the horizon, or the date asked when later. */
const horizonOrDate = (r: Rules, date: string) => {
  const end = horizonEnd(r);
  return date > end ? date : end;
};

export type Bakery = ReturnType<typeof createBakery>;
