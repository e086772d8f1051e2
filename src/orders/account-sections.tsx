import type { Context } from "hono";
import type { ShopView } from "../../views/context.ts";
import { AccountActivity } from "../../views/orders/order-lists.tsx";
import type { Sql } from "../infra/db.ts";
import type { AppEnv } from "../http/env.ts";
import { notificationsOfUser } from "../notify/queries.ts";
import type { ShopFormat } from "../shop/format.ts";
import type { Orders } from "./service.ts";

/** The account page's recent orders and messages. */
export function accountActivity(
  { shop, sql, orders, format }: { shop: ShopView; sql: Sql; orders: Orders; format: ShopFormat },
) {
  return async (c: Context<AppEnv>) => {
    const user = c.get("user")!;
    const [{ orders: recent, total }, notifications] = await Promise.all([
      orders.list(user.id, { limit: 5, offset: 0 }),
      notificationsOfUser(sql, user.id, 10),
    ]);
    return (
      <AccountActivity
        shop={shop}
        orders={recent}
        total={total}
        notifications={notifications}
        dateTime={format.dateTime}
      />
    );
  };
}
