import { Hono } from "hono";
import { BakeListPage } from "../../views/board/bake-list-page.tsx";
import type { ShopView } from "../../views/context.ts";
import { requireRole } from "../accounts/middleware.ts";
import { bakeListCsv } from "../bakery/bake-list.ts";
import type { Planning } from "../bakery/plan.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { addDays } from "../shop/hours.ts";

/**
 * The bake list of a date for the kitchen (staff and admins): a page that prints on A4, and
 * the same as CSV. Without a date it is today's.
 */
export function bakeListRoutes(
  { shop, planning, today, dateLabel, time, dateTime, now }: {
    shop: ShopView;
    planning: Pick<Planning, "planFor">;
    today: () => string;
    dateLabel: (date: string) => string;
    time: (at: Date) => string;
    dateTime: (at: Date) => string;
    now: () => Date;
  },
) {
  const staff = requireRole("staff", "admin");

  /** The asked date: once, as YYYY-MM-DD (planFor says what is wrong with a bad one). */
  const dateOf = (asked: string[] | undefined) => {
    if (!asked || asked.length === 0 || asked[0] === "") return today();
    if (asked.length > 1) {
      throw new AppError(400, "validation_failed", "Give one date, as YYYY-MM-DD.");
    }
    return asked[0];
  };

  return new Hono<AppEnv>()
    .get("/board/bake-list", staff, async (c) => {
      const list = await planning.planFor(dateOf(c.req.queries("date")));
      c.header("Cache-Control", "private, no-store");
      return c.html(
        <BakeListPage
          shop={shop}
          list={list}
          day={dateLabel(list.date)}
          previous={addDays(list.date, -1)}
          next={addDays(list.date, 1)}
          time={time}
          printedAt={dateTime(now())}
          admin={c.get("user")!.role === "admin"}
        />,
      );
    })
    .get("/board/bake-list.csv", staff, async (c) => {
      const list = await planning.planFor(dateOf(c.req.queries("date")));
      c.header("Cache-Control", "private, no-store");
      c.header("Content-Disposition", `attachment; filename="bake-list-${list.date}.csv"`);
      return c.body(bakeListCsv(list, time), 200, { "Content-Type": "text/csv; charset=utf-8" });
    });
}
