import { recordAudit } from "../../audit/record.ts";
import { publishStock } from "../../catalog/service.ts";
import type { Sql } from "../../infra/db.ts";
import type { LiveHub } from "../../live/hub.ts";
import type { Bakery } from "../../bakery/service.ts";
import { counterChange } from "../../bakery/day-queries.ts";
import { stockContext } from "../../stock/ledger.ts";
import type { Who } from "../shared/form-kit.ts";
import { findStockRow, listStock, setStockCount, type StockRow } from "./queries.ts";

/** The most a count may say, as on the one-product form. */
export const MAX_COUNT = 100_000;

export interface Count {
  productId: number;
  quantity: number;
}

/** A count as typed: blank (unchanged), a whole number, or a problem to show beside it. */
export function readCounts(
  entries: [productId: number, typed: string][],
): { counts: Count[]; fields: Record<string, string> } {
  const counts: Count[] = [];
  const fields: Record<string, string> = {};
  for (const [productId, typed] of entries) {
    const value = typed.trim();
    if (value === "") continue;
    const quantity = Number(value);
    if (!/^\d{1,6}$/.test(value) || quantity > MAX_COUNT) {
      fields[`count-${productId}`] =
        `Enter a whole number from 0 to ${MAX_COUNT}, or leave it empty.`;
    } else counts.push({ productId, quantity });
  }
  return { counts, fields };
}

/**
 * The morning count and the counter's "sold out": many products set to what is left today in
 * one transaction (a shelf product's stock, a daily product's plan for today), each with its
 * ledger row and audit entry; after the commit, open shop pages are told, never awaited.
 */
export function stockCount(
  { sql, live, bakery, changed }: {
    sql: Sql;
    live: LiveHub;
    bakery: Pick<Bakery, "today" | "announce">;
    changed?: () => Promise<void>;
  },
) {
  return {
    /** What can be counted today: shelf and daily products, active ones first. */
    async countable(): Promise<StockRow[]> {
      const { items } = await listStock(sql, {
        low: false,
        limit: 1000,
        offset: 0,
        today: bakery.today(),
      });
      return items.filter((p) => p.kind !== "made_to_order");
    },

    /** Sets each product to its count; the products that changed, with their new stock. */
    async save(
      counts: Count[],
      who: Who,
      how: { reason: "set" | "sold_out"; note: string },
    ): Promise<{ id: number; stock: number; daily: boolean }[]> {
      const today = bakery.today();
      const saved = await sql.begin(async (tx) => {
        await stockContext(tx, { reason: how.reason, actorId: who.actorId, note: how.note });
        const changes: { id: number; stock: number; daily: boolean }[] = [];
        // In product-id order, as checkouts take them, so the two cannot deadlock.
        for (
          const { productId, quantity } of [...counts].sort((a, b) => a.productId - b.productId)
        ) {
          const product = await findStockRow(tx, productId, today);
          if (!product || product.kind === "made_to_order") continue;
          const daily = product.kind === "daily";
          const done = daily
            ? await counterChange(tx, productId, today, { mode: "set", reason: "set", quantity })
            : await setStockCount(tx, productId, quantity).then((r) =>
              r && { delta: r.stock - r.previous, remaining: r.stock }
            );
          if (!done || done.delta === 0) continue;
          await recordAudit(tx, {
            ...who,
            action: "stock.changed",
            entityType: "product",
            entityId: productId,
            details: {
              change: how.reason,
              delta: done.delta,
              stock_after: done.remaining,
              note: how.note,
              ...(daily ? { plan_date: today } : {}),
            },
          });
          changes.push({ id: productId, stock: done.remaining, daily });
        }
        return changes;
      });
      if (saved.length) {
        const shelf = saved.filter((s) => !s.daily).map(({ id, stock }) => ({ id, stock }));
        const plan = saved.filter((s) => s.daily).map(({ id, stock }) => ({ id, stock }));
        // Beside the answer: shop pages and dashboards catch up on their own.
        void Promise.allSettled([
          shelf.length ? publishStock(live, shelf) : undefined,
          plan.length ? bakery.announce({ plan: { date: today, items: plan } }) : undefined,
          changed?.(),
        ]);
      }
      return saved;
    },
  };
}

export type StockCount = ReturnType<typeof stockCount>;
