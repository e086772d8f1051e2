import type { Sql } from "../../infra/db.ts";
import { bakeList } from "../../bakery/bake-list.ts";
import { dayOf } from "../../bakery/calendar.ts";
import { activeSchedules } from "../../bakery/queries.ts";
import type { Bakery } from "../../bakery/service.ts";
import type { Words } from "../../bakery/words.ts";
import { addDays } from "../../shop/hours.ts";
import type { FormBody } from "../shared/form-kit.ts";
import { text } from "../shared/form-kit.ts";

/** How many dates the plan grid shows, from today. */
export const GRID_DAYS = 14;

export interface GridDay {
  date: string;
  /** "Thu 17 Apr" */
  label: string;
  open: boolean;
  /** Why the shop is closed that day, as customers read it. */
  reason: string | null;
}

export interface GridCell {
  planned: number;
  ordered: number;
  /** Net units gone over the counter (today only, in practice). */
  counter: number;
  followsPar: boolean;
  /**
   * A quantity to suggest for the date (from past sell-through, when the shop has it);
   * null until something computes one: the grid shows a column only for real figures.
   */
  suggested: number | null;
}

export interface GridProduct {
  id: number;
  name: string;
  /** Par per weekday, Monday first. */
  par: number[];
}

export interface PlanGrid {
  days: GridDay[];
  products: GridProduct[];
  /** By `${productId}:${dayIndex}`. */
  cells: Map<string, GridCell>;
}

export const cellKey = (productId: number, day: number) => `${productId}:${day}`;
/** Form names: short, so a big bakery's grid stays far below the form size limit. */
export const quantityName = (productId: number, day: number) => `q.${productId}.${day}`;
export const shownName = (productId: number, day: number) => `w.${productId}.${day}`;

/** Suggested quantities of dates, by `${productId}:${date}`. */
export type Suggest = (dates: string[]) => Promise<Map<string, number>>;

/**
 * The next GRID_DAYS dates' plans of every active daily product, with what is ordered and,
 * given `suggest`, the quantity suggested from past sales.
 */
export async function readGrid(
  { sql, bakery, words, suggest }: {
    sql: Sql;
    bakery: Pick<Bakery, "today" | "rules">;
    words: Words;
    suggest?: Suggest;
  },
): Promise<PlanGrid> {
  const today = bakery.today();
  const dates = Array.from({ length: GRID_DAYS }, (_, i) => addDays(today, i));
  const [rules, schedules, lists, suggested] = await Promise.all([
    bakery.rules(dates.at(-1)),
    activeSchedules(sql),
    Promise.all(dates.map((date) => bakeList(sql, date))),
    suggest ? suggest(dates) : Promise.resolve(new Map<string, number>()),
  ]);
  const products = schedules.filter((p) => p.kind === "daily")
    .map((p) => ({ id: p.id, name: p.name, par: p.par }));
  const cells = new Map<string, GridCell>();
  lists.forEach((list, day) => {
    for (const item of list.items) {
      if (item.kind !== "daily" || item.planned === null) continue;
      cells.set(cellKey(item.productId, day), {
        planned: item.planned,
        ordered: item.ordered,
        counter: item.counter,
        followsPar: item.followsPar ?? true,
        suggested: suggested.get(`${item.productId}:${dates[day]}`) ?? null,
      });
    }
  });
  const days = dates.map((date) => {
    const day = dayOf(rules.calendar, date);
    return { date, label: words.day(date), open: day.open, reason: day.reason };
  });
  return { days, products, cells };
}

export interface GridChange {
  date: string;
  items: { productId: number; quantity: number; field: string }[];
}

/**
 * The cells a submitted grid changed: those whose value differs from the one the form
 * showed (so two people planning different cells do not undo each other). Values typed
 * wrong come back as field messages, keyed by the cell's name.
 */
export function changedCells(grid: PlanGrid, body: FormBody) {
  const fields: Record<string, string> = {};
  const typed: Record<string, string> = {};
  const changes: GridChange[] = [];
  grid.days.forEach((day, index) => {
    const items: GridChange["items"] = [];
    for (const p of grid.products) {
      const name = quantityName(p.id, index);
      if (!(name in body)) continue;
      const value = text(body, name).trim();
      typed[name] = value;
      const shown = text(body, shownName(p.id, index));
      if (value === shown) continue;
      if (!/^\d{1,6}$/.test(value) || Number(value) > 100_000) {
        fields[name] = `${p.name}, ${day.label}: enter a whole number from 0 to 100000.`;
        continue;
      }
      items.push({ productId: p.id, quantity: Number(value), field: name });
    }
    if (items.length) changes.push({ date: day.date, items });
  });
  return { changes, fields, typed };
}
