import { recordAudit } from "../../audit/record.ts";
import { publishStock } from "../../catalog/service.ts";
import type { Sql } from "../../infra/db.ts";
import type { LiveHub } from "../../live/hub.ts";
import type { Who } from "../shared/form-kit.ts";
import { stockChanges, type StockInput } from "./schema.ts";
import { adjustStockRow, findStockRow, insertMovement, setStockCount } from "./queries.ts";

export type StockResult =
  | { kind: "saved"; stock: number }
  | { kind: "short"; stock: number }
  | { kind: "missing" };

/**
 * A stock change: the conditional update, its movement row and its audit row in one
 * transaction; after the commit, every open shop page is told the new stock.
 */
export function stockWrites(
  { sql, live, changed }: { sql: Sql; live: LiveHub; changed?: () => Promise<void> },
) {
  return {
    async change(id: number, input: StockInput, who: Who): Promise<StockResult> {
      const { mode, reason } = stockChanges[input.change];
      const result = await sql.begin(async (tx): Promise<StockResult> => {
        let delta: number;
        let after: number;
        if (mode === "set") {
          const row = await setStockCount(tx, id, input.quantity);
          if (!row) return { kind: "missing" };
          [delta, after] = [row.stock - row.previous, row.stock];
        } else {
          delta = mode === "add" ? input.quantity : -input.quantity;
          const stock = await adjustStockRow(tx, id, delta);
          if (stock === null) {
            const current = await findStockRow(tx, id);
            return current ? { kind: "short", stock: current.stock } : { kind: "missing" };
          }
          after = stock;
        }
        await insertMovement(tx, {
          productId: id,
          delta,
          stockAfter: after,
          reason,
          note: input.note,
          actorId: who.actorId ?? null,
        });
        await recordAudit(tx, {
          ...who,
          action: "stock.changed",
          entityType: "product",
          entityId: id,
          details: { change: input.change, delta, stock_after: after, note: input.note },
        });
        return { kind: "saved", stock: after };
      });
      if (result.kind === "saved") {
        await Promise.all([publishStock(live, [{ id, stock: result.stock }]), changed?.()]);
      }
      return result;
    },
  };
}
