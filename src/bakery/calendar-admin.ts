import type { Queryable, Sql } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../audit/record.ts";
import { addDays, instantAt, localParts } from "../shop/hours.ts";
import { clock, type Closure, dayOf, daysBetween, parseClock } from "./calendar.ts";
import {
  deleteClosure,
  deleteSpecialHours,
  insertClosure,
  openOrdersBetween,
  ordersFrom,
  replaceWeek,
  reseat,
  type StrandedOrder,
  upcomingClosures,
  upsertSpecialHours,
} from "./calendar-queries.ts";
import { lockRulesForWriting, readRules, updateSettings } from "./queries.ts";
import type { PickupSettings } from "./rules.ts";
import { slotHolding, slotsOf } from "./slots.ts";
import { weekdayKeys } from "./schema.ts";
import type { Bakery } from "./service.ts";
import type { Who } from "./plan.ts";

/** Pickup settings as the API writes them: the cut-off as "18:00". */
export interface SettingsView {
  slotMinutes: number;
  ordersPerSlot: number | null;
  horizonDays: number;
  nextDayCutoff: string | null;
}

export type Week = Record<typeof weekdayKeys[number], { opens: string; closes: string } | null>;

const toView = (s: PickupSettings): SettingsView => ({
  slotMinutes: s.slotMinutes,
  ordersPerSlot: s.ordersPerSlot,
  horizonDays: s.horizonDays,
  nextDayCutoff: s.nextDayCutoff === null ? null : clock(s.nextDayCutoff),
});

const hoursProblem = (opens: string, closes: string) => {
  const o = parseClock(opens);
  const c = parseClock(closes);
  if (o === null || c === null) return "Give times like 07:30, on the 24-hour clock.";
  if (c <= o) return "Closing time must come after opening time.";
  return null;
};

/**
 * Running the calendar: pickup settings, the usual week, closures and special hours. Every
 * write locks the settings row first, which checkouts key-share lock: a closure and an
 * order for its date never pass each other. Each change is in the audit log.
 */
export function createCalendarAdmin(
  { sql, bakery, timeZone }: { sql: Sql; bakery: Bakery; timeZone: string },
) {
  const audit = (tx: Queryable, who: Who, action: string, details: Record<string, unknown>) =>
    recordAudit(tx, { ...who, action, entityType: "calendar", details });

  return {
    async settings(): Promise<SettingsView> {
      return toView((await bakery.rules()).settings);
    },

    /** Changes the settings; a new slot length gives today's and later orders new seats. */
    async updateSettings(input: Partial<SettingsView>, who: Who): Promise<SettingsView> {
      return await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        const today = bakery.today();
        const current = await readRules(tx, { from: today, to: addDays(today, 90) });
        const next: PickupSettings = {
          slotMinutes: input.slotMinutes ?? current.settings.slotMinutes,
          ordersPerSlot: input.ordersPerSlot !== undefined
            ? input.ordersPerSlot
            : current.settings.ordersPerSlot,
          horizonDays: input.horizonDays ?? current.settings.horizonDays,
          nextDayCutoff: input.nextDayCutoff !== undefined
            ? (input.nextDayCutoff === null ? null : parseClock(input.nextDayCutoff))
            : current.settings.nextDayCutoff,
        };
        await updateSettings(tx, next);
        // Seats are counted only while slots have a capacity: a new capacity or a new slot
        // length counts them again from the orders.
        const counting = current.settings.ordersPerSlot === null && next.ordersPerSlot !== null;
        if (counting || next.slotMinutes !== current.settings.slotMinutes) {
          const from = instantAt(today, 0, timeZone);
          const seats = (await ordersFrom(tx, from)).map((o) => {
            const day = dayOf(current.calendar, localParts(o.pickupAt, timeZone).date);
            const slots = slotsOf(day, next.slotMinutes, timeZone);
            return { orderId: o.id, slot: slotHolding(slots, o.pickupAt, next.slotMinutes) };
          });
          await reseat(tx, from, seats);
        }
        await audit(tx, who, "pickup_settings.changed", {
          before: toView(current.settings),
          after: toView(next),
        });
        return toView(next);
      });
    },

    /** Closures ending today or later, each with its open orders counted. */
    closures: () => upcomingClosures(sql, bakery.today()),

    /** Closes a date or a range; answers the open orders that fall in it, to contact. */
    async addClosure(
      input: { from: string; to?: string; reason: string },
      who: Who,
    ): Promise<{ closure: Closure; orders: StrandedOrder[] }> {
      const to = input.to ?? input.from;
      const today = bakery.today();
      const fields: Record<string, string> = {};
      if (input.from < today) fields.from = "That date is in the past.";
      if (to < input.from) fields.to = "The last closed date cannot come before the first.";
      else if (daysBetween(input.from, to) > 366) fields.to = "A closure can last a year at most.";
      if (Object.keys(fields).length) {
        throw new AppError(400, "validation_failed", Object.values(fields).join(" "), fields);
      }
      return await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        const closure = await insertClosure(tx, { ...input, to, createdBy: who.actorId });
        const orders = await openOrdersBetween(tx, input.from, to);
        await audit(tx, who, "closure.added", {
          ...closure,
          openOrders: orders.map((o) => o.code),
        });
        return { closure, orders };
      });
    },

    async removeClosure(id: number, who: Who) {
      await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        const removed = await deleteClosure(tx, id);
        if (!removed) throw new AppError(404, "not_found", "That closure could not be found.");
        await audit(tx, who, "closure.removed", { ...removed });
      });
    },

    /** The usual week: hours per weekday, null when closed. */
    async week(): Promise<Week> {
      const { calendar } = await bakery.rules();
      return Object.fromEntries(weekdayKeys.map((d, i) => {
        const hours = calendar.weekly[(i + 1) % 7];
        return [d, hours ? { opens: clock(hours.opens), closes: clock(hours.closes) } : null];
      })) as Week;
    },

    async setWeek(week: Week, who: Who): Promise<Week> {
      const fields: Record<string, string> = {};
      const rows = weekdayKeys.map((d) => {
        const h = week[d];
        if (!h) return null;
        const problem = hoursProblem(h.opens, h.closes);
        if (problem) fields[d] = problem;
        return { opens: parseClock(h.opens)!, closes: parseClock(h.closes)! };
      });
      if (Object.keys(fields).length) {
        throw new AppError(400, "validation_failed", Object.values(fields).join(" "), fields);
      }
      // Stored Sunday first (0 = Sunday); the API speaks Monday first.
      const bySunday = [rows[6], ...rows.slice(0, 6)];
      await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        await replaceWeek(tx, bySunday);
        await audit(tx, who, "opening_hours.changed", { week });
      });
      return await this.week();
    },

    async setSpecialHours(
      date: string,
      input: { opens: string; closes: string; note?: string },
      who: Who,
    ) {
      const problem = date < bakery.today()
        ? "That date is in the past."
        : hoursProblem(input.opens, input.closes);
      if (problem) {
        const field = date < bakery.today() ? "date" : "closes";
        throw new AppError(400, "validation_failed", problem, { [field]: problem });
      }
      const hours = {
        date,
        opens: parseClock(input.opens)!,
        closes: parseClock(input.closes)!,
        note: input.note ?? "",
      };
      await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        await upsertSpecialHours(tx, hours);
        await audit(tx, who, "special_hours.set", { ...input, date });
      });
      return { date, opens: input.opens, closes: input.closes, note: hours.note };
    },

    async removeSpecialHours(date: string, who: Who) {
      await sql.begin(async (tx) => {
        await lockRulesForWriting(tx);
        if (!await deleteSpecialHours(tx, date)) {
          throw new AppError(404, "not_found", "That date has no special hours.");
        }
        await audit(tx, who, "special_hours.removed", { date });
      });
    },
  };
}

export type CalendarAdmin = ReturnType<typeof createCalendarAdmin>;
