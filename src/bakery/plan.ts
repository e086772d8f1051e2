import type { Sql } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../audit/record.ts";
import { addDays } from "../shop/hours.ts";
import { type BakeList, bakeList } from "./bake-list.ts";
import { isDate } from "./calendar.ts";
import { setDatePlan, takenOn } from "./day-queries.ts";
import { stockContext } from "../stock/ledger.ts";
import {
  type BlockedPlan,
  followPar,
  lockProduct,
  productSchedules,
  writeSchedule,
} from "./queries.ts";
import { weekdayKeys } from "./schema.ts";
import type { Bakery } from "./service.ts";
import type { ProductKind } from "./availability.ts";

/** Who changes a plan or a schedule, for the audit log. */
export interface Who {
  actorId: number;
  ip?: string;
  userAgent?: string;
}

export type Par = Record<typeof weekdayKeys[number], number>;

export interface Schedule {
  productId: number;
  kind: ProductKind;
  leadTimeHours: number;
  par: Par;
}

/** How far ahead a plan can be set: bakers plan holidays well before customers can order. */
export const PLAN_DAYS_AHEAD = 366;

const parObject = (par: number[]): Par =>
  Object.fromEntries(weekdayKeys.map((d, i) => [d, par[i] ?? 0])) as Par;

/** Postgres refused a write that would leave a plan below what is ordered (a racing order). */
const isPlanConflict = (error: unknown) =>
  (error as { code?: string })?.code === "23514" &&
  String((error as { message?: string }).message ?? "").includes("product_days");

/**
 * Writing plans: a date's plan by hand, and a product's schedule (kind, lead time, weekly
 * par). A plan can never go below what is already ordered for its date: the conditional
 * write and the table's check decide it in SQL, so a checkout racing the change either
 * goes first (and the change is refused, naming the ordered total) or waits.
 */
export function createPlanning(
  { sql, bakery, catalogChanged }: {
    sql: Sql;
    bakery: Bakery;
    /** Product kinds and lead times are part of the cached catalog. */
    catalogChanged: () => Promise<void>;
  },
) {
  const words = () => bakery.rules().then((r) => r.words);

  /** A date a plan may be read for: a real date (past ones are history). */
  const readable = (date: string) => {
    if (!isDate(date)) {
      throw new AppError(400, "validation_failed", "Give the date as YYYY-MM-DD.", {
        date: "Give the date as YYYY-MM-DD.",
      });
    }
  };

  /** A date a plan may be written for: from today, up to a year ahead. */
  const writable = (date: string) => {
    readable(date);
    const today = bakery.today();
    const problem = date < today
      ? "That date is in the past: its plan can no longer change."
      : date > addDays(today, PLAN_DAYS_AHEAD)
      ? `Plans can be set up to ${PLAN_DAYS_AHEAD} days ahead.`
      : null;
    if (problem) throw new AppError(400, "validation_failed", problem, { date: problem });
  };

  const belowOrdered = (
    refusals: {
      field: string;
      name: string;
      taken: { ordered: number; counter: number };
      day: string;
    }[],
  ) => {
    const fields: Record<string, string> = {};
    for (const r of refusals) {
      const floor = r.taken.ordered + r.taken.counter;
      fields[r.field] = `${r.name}: ${r.taken.ordered} already ordered for ${r.day}${
        r.taken.counter ? ` and ${r.taken.counter} gone over the counter` : ""
      }, so the plan cannot be lower than ${floor}.`;
    }
    return new AppError(409, "plan_below_ordered", Object.values(fields).join(" "), fields);
  };

  return {
    /** The bake list of a date (any date, past ones included). */
    async planFor(date: string): Promise<BakeList> {
      readable(date);
      return await bakeList(sql, date);
    },

    /** Sets the plan of daily products for one date, all or nothing. */
    async setPlan(date: string, items: { productId: number; quantity: number }[], who: Who) {
      await this.setPlans([{ date, items }], who);
      return await bakeList(sql, date);
    },

    /**
     * Sets plans of several dates (the plan grid) in one transaction: all or nothing. A
     * refused item is named by its `field` (default `items.<index>.quantity`).
     */
    async setPlans(
      dates: {
        date: string;
        items: { productId: number; quantity: number; field?: string }[];
      }[],
      who: Who,
    ) {
      for (const { date } of dates) writable(date);
      const ids = [...new Set(dates.flatMap((d) => d.items.map((i) => i.productId)))];
      const products = await productSchedules(sql, ids);
      const fields: Record<string, string> = {};
      for (const { items } of dates) {
        const seen = new Set<number>();
        items.forEach((item, i) => {
          const field = item.field ?? `items.${i}.productId`;
          const p = products.get(item.productId);
          if (seen.has(item.productId)) fields[field] = "This product is named twice.";
          else if (!p) fields[field] = "There is no such product.";
          else if (p.kind !== "daily") {
            fields[field] = `${p.name} is not a daily product, so it has no plan per date.`;
          }
          seen.add(item.productId);
        });
      }
      if (Object.keys(fields).length) {
        throw new AppError(400, "validation_failed", Object.values(fields).join(" "), fields);
      }
      const w = await words();
      const plans = await sql.begin(async (tx) => {
        await stockContext(tx, { reason: "plan", actorId: who.actorId });
        const refusals = [];
        const plans: { date: string; items: { id: number; stock: number }[] }[] = [];
        for (const { date, items } of dates) {
          const changed: { id: number; stock: number }[] = [];
          // In product-id order, as checkouts take them.
          const order = items.map((item, index) => ({ ...item, index }))
            .sort((a, b) => a.productId - b.productId);
          for (const item of order) {
            const row = await setDatePlan(tx, item.productId, date, item.quantity);
            if (row) changed.push({ id: item.productId, stock: row.remaining });
            else {
              refusals.push({
                field: item.field ?? `items.${item.index}.quantity`,
                name: products.get(item.productId)!.name,
                taken: await takenOn(tx, item.productId, date),
                day: w.day(date),
              });
            }
          }
          plans.push({ date, items: changed });
        }
        if (refusals.length) throw belowOrdered(refusals);
        for (const { date, items } of dates) {
          await recordAudit(tx, {
            ...who,
            action: "plan.changed",
            entityType: "date",
            entityId: date,
            details: { items: items.map(({ productId, quantity }) => ({ productId, quantity })) },
          });
        }
        return plans;
      });
      // After the commit, beside the answer: pages showing the dates follow.
      void bakery.announce({ plans });
    },

    /** A product's schedule. */
    async schedule(productId: number): Promise<Schedule | null> {
      const p = (await productSchedules(sql, [productId])).get(productId);
      return p
        ? { productId, kind: p.kind, leadTimeHours: p.leadTimeHours, par: parObject(p.par) }
        : null;
    },

    /**
     * Changes kind, lead time and par (each optional). Lowering a weekday's par is refused
     * when a future date that follows the par already has more ordered than the new par.
     */
    async setSchedule(
      productId: number,
      input: { kind?: ProductKind; leadTimeHours?: number; par?: Partial<Par> },
      who: Who,
    ): Promise<Schedule> {
      const today = bakery.today();
      const words_ = await words();
      let moved: { date: string; remaining: number }[] = [];
      const refuse = (blocked: BlockedPlan[], name: string) =>
        belowOrdered(blocked.map((b) => ({
          field: `par.${weekdayKeys[(new Date(`${b.date}T12:00:00Z`).getUTCDay() + 6) % 7]}`,
          name,
          taken: b,
          day: words_.day(b.date),
        })));
      let name = `product ${productId}`;
      try {
        const schedule = await sql.begin(async (tx) => {
          await stockContext(tx, { reason: "plan", actorId: who.actorId, note: "New par" });
          const current = await lockProduct(tx, productId);
          if (!current) throw new AppError(404, "not_found", "That product could not be found.");
          name = current.name;
          const par = weekdayKeys.map((d, i) => input.par?.[d] ?? current.par[i]);
          const next = {
            kind: input.kind ?? current.kind,
            leadTimeHours: input.leadTimeHours ?? current.leadTimeHours,
            par,
          };
          const followed = await followPar(tx, productId, par, today);
          if (followed.blocked.length) throw refuse(followed.blocked, current.name);
          moved = followed.moved;
          await writeSchedule(tx, productId, next);
          await recordAudit(tx, {
            ...who,
            action: "product.schedule_changed",
            entityType: "product",
            entityId: productId,
            details: {
              ...next,
              before: { kind: current.kind, lead: current.leadTimeHours, par: current.par },
            },
          });
          return {
            productId,
            kind: next.kind,
            leadTimeHours: next.leadTimeHours,
            par: parObject(par),
          };
        });
        await catalogChanged();
        void bakery.announce({
          plans: moved.map((m) => ({
            date: m.date,
            items: [{ id: productId, stock: m.remaining }],
          })),
        });
        return schedule;
      } catch (error) {
        if (!isPlanConflict(error)) throw error;
        // A checkout took from a date while the par moved under it: say which date holds it.
        const blocked = await sql<BlockedPlan[]>`
          select date::text as date, ordered, counter from product_days
          where product_id = ${productId} and date >= ${today}::date and follows_par
            and ordered + counter > (${weekdayKeys.map((d) => input.par?.[d] ?? 100_000)}::int[])
              [extract(isodow from date)::int]
          order by date`;
        if (blocked.length) throw refuse(blocked, name);
        throw new AppError(
          409,
          "plan_below_ordered",
          "Orders came in while the par was changing. Look at the plan again and retry.",
        );
      }
    },
  };
}

export type Planning = ReturnType<typeof createPlanning>;
