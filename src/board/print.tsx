import { type Context, Hono } from "hono";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { notFound } from "../http/errors.ts";
import { recordId } from "../http/fields.ts";
import type { Queryable } from "../infra/db.ts";
import type { ShopFormat } from "../shop/format.ts";
import type { ShopView } from "../../views/context.ts";
import { type PrintKind, PrintPage } from "../../views/board/print-page.tsx";
import { ticketOf } from "./queries.ts";

const orderId = recordId("That order could not be found.");

/**
 * Printing an order: its kitchen ticket (80 mm receipt) or its bag label (A6), for staff
 * from the board and admins from the order page, through the browser's print dialog.
 */
export function printRoutes(
  { shop, sql, format }: { shop: ShopView; sql: Queryable; format: ShopFormat },
) {
  const staff = requireRole("staff", "admin");
  const page = (kind: PrintKind) => async (c: Context<AppEnv>) => {
    const id = orderId.safeParse(c.req.param("id"));
    const ticket = id.success ? await ticketOf(sql, id.data) : null;
    if (!ticket) throw notFound("That order");
    const sameDay = format.date(ticket.pickupAt) === format.date(new Date());
    const pickup = sameDay
      ? format.time(ticket.pickupAt)
      : `${format.date(ticket.pickupAt)} ${format.time(ticket.pickupAt)}`;
    const fromAdmin = c.req.query("from") === "admin" && c.get("user")!.role === "admin";
    c.header("Cache-Control", "private, no-store");
    return c.html(
      <PrintPage
        shop={shop}
        ticket={ticket}
        kind={kind}
        pickup={pickup}
        back={fromAdmin ? `/admin/orders/${ticket.id}` : "/board"}
        query={fromAdmin ? "?from=admin" : ""}
      />,
    );
  };
  return new Hono<AppEnv>()
    .get("/board/orders/:id/print/ticket", staff, page("ticket"))
    .get("/board/orders/:id/print/label", staff, page("label"));
}
