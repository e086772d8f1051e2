import { type Context, Hono } from "hono";
import { z } from "zod";
import { BoardStockPage } from "../../views/board/stock-page.tsx";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { recordId } from "../http/fields.ts";
import type { ShopView } from "../../views/context.ts";
import { MAX_COUNT, readCounts, type StockCount } from "../admin/stock/count.ts";
import { countEntries } from "../admin/stock/count-routes.tsx";
import { auditBy, flashOf, readForm, text } from "../admin/shared/form-kit.ts";

const productId = recordId("That product could not be found.");
const remaining = z.coerce.number().int().min(0).max(MAX_COUNT);

const flashes = {
  saved: "Saved. The shop shows it now.",
  "sold-out": "Marked sold out. The shop shows it now.",
};

/**
 * The counter's stock, for staff: what is left today, a "Sold out" per product and a box to
 * set what is left (all in one form, one save). Audited and in the stock ledger; the shop's
 * pages hear of it after the commit.
 */
export function boardStockRoutes({ shop, count }: { shop: ShopView; count: StockCount }) {
  const staff = requireRole("staff", "admin");

  const page = async (
    c: Context<AppEnv>,
    form: { values: Record<number, string>; fields: Record<string, string> },
    status: 200 | 422 = 200,
  ) => {
    c.header("Cache-Control", "private, no-store");
    return c.html(
      <BoardStockPage
        shop={shop}
        csrfToken={c.get("csrfToken")()}
        rows={await count.countable()}
        {...form}
        soldOutAction={(id) => `/board/stock/${id}`}
        flash={status === 200 ? flashOf(c, flashes) : undefined}
        error={status === 422
          ? "Nothing was saved: please correct the boxes marked below."
          : undefined}
      />,
      status,
    );
  };

  return new Hono<AppEnv>()
    .get("/board/stock", staff, (c) => page(c, { values: {}, fields: {} }))
    .post("/board/stock", staff, async (c) => {
      const entries = countEntries(await readForm(c));
      const { counts, fields } = readCounts(entries);
      if (Object.keys(fields).length) {
        return page(c, { values: Object.fromEntries(entries), fields }, 422);
      }
      await count.save(counts, auditBy(c), { reason: "set", note: "Set at the counter" });
      return c.redirect("/board/stock?done=saved", 303);
    })
    // One product: "Sold out" (remaining 0) or what is left.
    .post("/board/stock/:id", staff, async (c) => {
      const id = productId.safeParse(c.req.param("id"));
      const left = remaining.safeParse(text(await readForm(c), "remaining"));
      if (!id.success || !left.success) {
        return page(c, {
          values: {},
          fields: id.success
            ? { [`count-${id.data}`]: `Enter a whole number from 0 to ${MAX_COUNT}.` }
            : {},
        }, 422);
      }
      const soldOut = left.data === 0;
      await count.save([{ productId: id.data, quantity: left.data }], auditBy(c), {
        reason: soldOut ? "sold_out" : "set",
        note: soldOut ? "Sold out at the counter" : "Set at the counter",
      });
      return c.redirect(`/board/stock?done=${soldOut ? "sold-out" : "saved"}`, 303);
    });
}
