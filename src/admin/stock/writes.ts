import { recordAudit } from "../../audit/record.ts";
import { publishStock } from "../../catalog/service.ts";
import type { Sql, Tx } from "../../infra/db.ts";
import type { LiveHub } from "../../live/hub.ts";
import type { Bakery } from "../../bakery/service.ts";
import { counterChange } from "../../bakery/day-queries.ts";
import type { Who } from "../shared/form-kit.ts";
import { stockChanges, type StockInput } from "./schema.ts";
import { adjustStockRow, findStockRow, setStockCount } from "./queries.ts";
import { stockContext } from "../../stock/ledger.ts";

export type StockResult =
  | { kind: "saved"; stock: number }
  | { kind: "short"; stock: number }
  /** Made to order: nothing is kept, each one is made for its order. */
  | { kind: "made_to_order" }
  | { kind: "missing" };

type Change = { delta: number; after: number } | StockResult;

/**
 * A stock change: the conditional update, its movement row (written by the database with
 * the update) and its audit row in one transaction; after the commit, every open shop page is told the new stock. A daily
 * product's stock is today's plan: the change applies to it (an extra bake raises the plan,
 * waste and walk-in sales come off what is left) and the movement names the date.
 */
export function stockWrites(
  { sql, live, bakery, changed }: {
    sql: Sql;
    live: LiveHub;
    bakery: Pick<Bakery, "today" | "announce">;
    changed?: () => Promise<void>;
  },
) {
  /** Shelf stock: the product's one number, never below zero. */
  async function onShelf(tx: Tx, id: number, input: StockInput, today: string): Promise<Change> {
    const { mode } = stockChanges[input.change];
    if (mode === "set") {
      const row = await setStockCount(tx, id, input.quantity);
      return row ? { delta: row.stock - row.previous, after: row.stock } : { kind: "missing" };
    }
    const delta = mode === "add" ? input.quantity : -input.quantity;
    const stock = await adjustStockRow(tx, id, delta);
    if (stock !== null) return { delta, after: stock };
    const current = await findStockRow(tx, id, today);
    return current ? { kind: "short", stock: current.stock } : { kind: "missing" };
  }

  /** A daily product: today's plan, never below what is ordered and gone. */
  async function onPlan(tx: Tx, id: number, input: StockInput, today: string): Promise<Change> {
    const change = await counterChange(tx, id, today, {
      ...stockChanges[input.change],
      quantity: input.quantity,
    });
    if (change) return { delta: change.delta, after: change.remaining };
    const current = await findStockRow(tx, id, today);
    return current ? { kind: "short", stock: current.stock } : { kind: "missing" };
  }

  return {
    async change(id: number, input: StockInput, who: Who): Promise<StockResult> {
      const { reason } = stockChanges[input.change];
      const today = bakery.today();
      let daily = false;
      const result = await sql.begin(async (tx): Promise<StockResult> => {
        const product = await findStockRow(tx, id, today);
        if (!product) return { kind: "missing" };
        if (product.kind === "made_to_order") return { kind: "made_to_order" };
        daily = product.kind === "daily";
        // The ledger's row is the database's, written with the change itself.
        await stockContext(tx, { reason, actorId: who.actorId, note: input.note });
        const done = daily
          ? await onPlan(tx, id, input, today)
          : await onShelf(tx, id, input, today);
        if ("kind" in done) return done;
        await recordAudit(tx, {
          ...who,
          action: "stock.changed",
          entityType: "product",
          entityId: id,
          details: {
            change: input.change,
            delta: done.delta,
            stock_after: done.after,
            note: input.note,
            ...(daily ? { plan_date: today } : {}),
          },
        });
        return { kind: "saved", stock: done.after };
      });
      if (result.kind === "saved") {
        const items = [{ id, stock: result.stock }];
        // Beside the answer, never before it: shoppers' badges and open dashboards catch up
        // on their own, and a failed publish loses nothing the next change or reload shows.
        void Promise.allSettled([
          daily ? bakery.announce({ plan: { date: today, items } }) : publishStock(live, items),
          changed?.(),
        ]);
      }
      return result;
    },
  };
}
