import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  ORDER_DETAIL_ID,
  type OrderActionProblems,
  OrderAdminPage,
  OrderDetail,
} from "../../../views/admin/orders/order-page.tsx";
import {
  ORDER_RESULTS_ID,
  OrderResults,
  OrdersPage,
  type OrdersPageProps,
} from "../../../views/admin/orders/orders-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { recordAudit } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { fieldErrors } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { OrderStatus } from "../../orders/status.ts";
import type { AdminDeps } from "../deps.ts";
import { exportOrders } from "./export.ts";
import { listOrders, orderParties } from "./queries.ts";
import {
  cancelSchema,
  exportRangeSchema,
  orderFiltersSchema,
  statusChangeSchema,
} from "./schema.ts";
import { finish, FIX_FIELDS, idOf, noStore, refusal, text } from "../shared/form-kit.ts";
import { PAGE_SIZE, pageCount, pageOf } from "../shared/lists.ts";
import { shopDay } from "../shared/dates.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  status: "The order's status was changed.",
  cancelled: "The order was cancelled. Its items are back in stock.",
};

const NOTHING_CHANGED = "Nothing was changed: the order is shown as it is now.";
const STALE_FORM = "This form is out of date. Reload the order and try again.";

/** Orders for admins: the filtered list, one order with its actions, the CSV export. */
export function orderAdminRoutes({ shop, sql, timeZone, format, orders }: AdminDeps) {
  const onlyAdmins = requireRole("admin");

  const listPage = async (
    c: Ctx,
    more: Partial<Pick<OrdersPageProps, "exportRange" | "error">> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const fragment = wantsFragment(c, ORDER_RESULTS_ID);
    const query = c.req.query();
    const parsed = orderFiltersSchema.safeParse(query);
    const filterErrors = parsed.success ? {} : fieldErrors(parsed.error);
    const filters = parsed.success
      ? parsed.data
      : orderFiltersSchema.parse({ ...query, date: undefined });
    const page = pageOf(query.page);
    const { orders, total } = await listOrders(sql, {
      status: filters.status,
      q: filters.q,
      pickup: filters.date ? shopDay(filters.date, timeZone) : undefined,
    }, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const view = {
      filters: { ...filters, date: filterErrors.date ? query.date : filters.date },
      orders,
      total,
      page,
      pageCount: pageCount(total),
      money: format.money,
      dateTime: format.dateTime,
      day: format.day,
    };
    noStore(c);
    if (fragment) return c.html(<OrderResults {...view} />, status);
    return c.html(
      <OrdersPage
        shop={shop}
        viewer={viewerOf(c)}
        flash={flashes[query.done ?? ""]}
        filterErrors={filterErrors}
        exportRange={{}}
        {...view}
        {...more}
      />,
      status,
    );
  };

  const detailPage = async (
    c: Ctx,
    id: number,
    more: { flash?: string; problems?: OrderActionProblems } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const fragment = wantsFragment(c, ORDER_DETAIL_ID);
    const user = c.get("user")!;
    const [detail, parties] = await Promise.all([
      orders.detail(id, user),
      orderParties(sql, id),
    ]);
    const view = {
      ...detail,
      parties: parties!,
      csrfToken: c.get("csrfToken")(),
      problems: more.problems,
      money: format.money,
      dateTime: format.dateTime,
    };
    noStore(c);
    if (fragment) return c.html(<OrderDetail {...view} />, status);
    return c.html(
      <OrderAdminPage shop={shop} viewer={viewerOf(c)} flash={more.flash} {...view} />,
      status,
    );
  };

  /** Moves the order through the state machine, from the status the admin saw. */
  const change = async (
    c: Ctx,
    id: number,
    form: OrderActionProblems["form"],
    input: { to: OrderStatus; expectedFrom: OrderStatus; reason?: string },
    values: OrderActionProblems["values"],
  ) => {
    const user = c.get("user")!;
    try {
      // Audited by the worker from the change's own `order.status_changed` event, like
      // every other status change (board, API), so each change is one audit row.
      await orders.changeStatus(id, input.to, user, {
        meta: c.get("meta"),
        reason: input.reason,
        expectedFrom: input.expectedFrom,
      });
    } catch (error) {
      const { status, message } = refusal(error);
      if (status === 404) throw error;
      const error409 = status === 409 ? `${message} ${NOTHING_CHANGED}` : message;
      return detailPage(c, id, { problems: { form, error: error409, values } }, status);
    }
    const done = input.to === "cancelled" ? "cancelled" : "status";
    return finish(c, ORDER_DETAIL_ID, `/admin/orders/${id}?done=${done}`);
  };

  const invalid = (
    c: Ctx,
    id: number,
    form: OrderActionProblems["form"],
    fields: Record<string, string>,
    values: OrderActionProblems["values"],
  ) =>
    detailPage(c, id, {
      problems: { form, error: fields.expectedFrom ? STALE_FORM : FIX_FIELDS, fields, values },
    }, 422);

  return new Hono<AppEnv>()
    .get("/admin/orders", onlyAdmins, (c) => listPage(c))
    .get("/admin/orders.csv", onlyAdmins, async (c) => {
      const range = { from: c.req.query("from") ?? "", to: c.req.query("to") ?? "" };
      const parsed = exportRangeSchema.safeParse(range);
      if (!parsed.success) {
        return await listPage(c, {
          exportRange: { ...range, fields: fieldErrors(parsed.error) },
          error: "The export needs a valid date range.",
        }, 422);
      }
      const { from, to } = parsed.data;
      await recordAudit(sql, {
        actorId: c.get("user")!.id,
        action: "orders.exported",
        details: { from, to },
        ...c.get("meta"),
      });
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", `attachment; filename="orders-${from}-to-${to}.csv"`);
      noStore(c);
      return c.body(exportOrders(sql, { from, to }, timeZone));
    })
    .get("/admin/orders/:id", onlyAdmins, (c) => {
      const id = idOf(c, "That order");
      return detailPage(c, id, { flash: flashes[c.req.query("done") ?? ""] });
    })
    .post("/admin/orders/:id/status", onlyAdmins, async (c) => {
      const id = idOf(c, "That order");
      const body = await c.req.parseBody();
      const values = { status: text(body, "status"), reason: text(body, "reason") };
      const parsed = statusChangeSchema.safeParse({
        ...values,
        expectedFrom: text(body, "expectedFrom"),
      });
      if (!parsed.success) return invalid(c, id, "status", fieldErrors(parsed.error), values);
      if (parsed.data.status === "cancelled") {
        const fields = { status: "Cancel with the form beside this one: it asks for a reason." };
        return invalid(c, id, "status", fields, values);
      }
      const { status: to, expectedFrom, reason } = parsed.data;
      return change(c, id, "status", { to, expectedFrom, reason }, values);
    })
    .post("/admin/orders/:id/cancel", onlyAdmins, async (c) => {
      const id = idOf(c, "That order");
      const body = await c.req.parseBody();
      const values = { reason: text(body, "reason") };
      const parsed = cancelSchema.safeParse({
        ...values,
        expectedFrom: text(body, "expectedFrom"),
      });
      if (!parsed.success) return invalid(c, id, "cancel", fieldErrors(parsed.error), values);
      const { expectedFrom, reason } = parsed.data;
      return change(c, id, "cancel", { to: "cancelled", expectedFrom, reason }, values);
    });
}
