import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { Queryable } from "../infra/db.ts";
import type { ShopContact } from "../../views/context.ts";
import { shopContact } from "./details.ts";

/**
 * The shop's details and today's hours for the footer of every full page, read once per
 * request and only when a page renders (an API call or a redirect reads nothing). When the
 * database cannot answer, the footer shows the name alone rather than failing the page.
 */
export function shopContactOfPage(
  { sql, today, fallbackName }: { sql: Queryable; today: () => string; fallbackName: string },
): MiddlewareHandler<AppEnv> {
  return async function contactOfPage(c, next) {
    let read: Promise<ShopContact> | undefined;
    c.set(
      "shopContact",
      () =>
        read ??= shopContact(sql, { date: today(), fallbackName }).catch(() => ({
          name: fallbackName,
          address: "",
          phone: "",
          email: "",
          mapUrl: "",
          hours: { date: today(), open: false, opens: null, closes: null, reason: null },
        })),
    );
    await next();
  };
}
