import type { Context } from "hono";
import type { ShopDay, ShopDayChoice } from "../../views/catalog/day-picker.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import type { Logger } from "../infra/log.ts";
import { errorFields } from "../infra/log.ts";
import { isDate } from "../bakery/calendar.ts";
import { DATE_MESSAGE } from "../bakery/schema.ts";
import type { Bakery } from "../bakery/service.ts";
import type { Words } from "../bakery/words.ts";
import type { Cart } from "../cart/service.ts";
import type { CartOwners } from "../cart/owner.ts";
import type { ProductWithStock } from "./service.ts";

/**
 * The pickup day a shopper is looking at. It is the cart's day, so the catalog, the product
 * pages, the cart and checkout agree: `?date=` on a shop page chooses it (a plain link or GET
 * form, no JavaScript needed) and it sticks for the visit; until then it is the first day
 * that takes orders.
 */
export function shopDays(
  { bakery, cart, owners, words, log }: {
    bakery: Bakery;
    cart: Cart;
    owners: CartOwners;
    words: Words;
    log: Logger;
  },
) {
  /** The chosen date: asked in the query (checked and remembered), or the cart's. */
  async function chosenDate(c: Context<AppEnv>): Promise<string> {
    const asked = c.req.query("date");
    if (asked === undefined || asked === "") {
      const owner = await owners.peek(c);
      try {
        if (owner) return await cart.dateOf(owner);
      } catch (error) {
        // A guest's cart while the store is away: the first day that takes orders.
        log.debug("pickup day unavailable", errorFields(error));
      }
      return await bakery.firstOrderableDay();
    }
    if (!isDate(asked)) {
      throw new AppError(400, "validation_failed", DATE_MESSAGE, { date: DATE_MESSAGE });
    }
    await bakery.checkDate(asked);
    try {
      await cart.chooseDay(await owners.forWriting(c), asked);
    } catch (error) {
      // The store is away: this page still shows the day asked; the next may forget it.
      log.debug("pickup day not remembered", errorFields(error));
    }
    return asked;
  }

  return {
    /** The day to show and every day a shopper may choose, closed ones with their reason. */
    async chosen(c: Context<AppEnv>): Promise<ShopDay> {
      const [date, all] = await Promise.all([chosenDate(c), bakery.days()]);
      const days: ShopDayChoice[] = all.map((d) => ({
        date: d.date,
        label: words.day(d.date),
        orderable: d.orderable,
        open: d.open,
        reason: d.reason,
      }));
      const day = all.find((d) => d.date === date);
      const label = words.day(date);
      const note = !day
        ? null
        : !day.orderable
        ? day.reason
        : day.orderBy
        ? `Orders for ${label} close ${words.dayTime(day.orderBy)}.`
        : null;
      return { date, label, orderable: day?.orderable ?? false, note, days };
    },

    /** The products as they can be had on `date`: remaining, and why not with the next date. */
    async apply<P extends ProductWithStock>(date: string, products: P[]): Promise<P[]> {
      if (products.length === 0) return products;
      const on = await bakery.availability(date, products.map((p) => p.id));
      return products.map((p) => {
        const a = on.get(p.id);
        if (!a) return p;
        return {
          ...p,
          stock: a.available,
          onDay: {
            orderable: a.orderable,
            reason: a.reason,
            orderBy: a.orderable && a.orderBy ? words.dayTime(a.orderBy) : null,
            next: a.nextDate ? { date: a.nextDate, label: words.day(a.nextDate) } : null,
          },
        };
      });
    },
  };
}

export type ShopDays = ReturnType<typeof shopDays>;
