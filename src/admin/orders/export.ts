import type { Queryable } from "../../infra/db.ts";
import { statusLabels } from "../../orders/status.ts";
import { csvStream } from "../shared/csv.ts";
import { type ExportCursor, exportPage, type ExportRow } from "./queries.ts";
import { decimalMoney } from "../shared/form-kit.ts";
import { shopDateTime, shopDay } from "../shared/dates.ts";

/** Rows fetched per query while the file is written. */
export const EXPORT_PAGE_ROWS = 500;

export const exportHeader = [
  "Code",
  "Placed at",
  "Pickup at",
  "Status",
  "Customer",
  "Email",
  "Items",
  "Subtotal",
  "Discount",
  "Total",
  "Coupon",
];

/** The orders picked up from `from` to `to` (shop days, both included), as a CSV stream. */
export function exportOrders(
  sql: Queryable,
  range: { from: string; to: string },
  timeZone: string,
  pageRows = EXPORT_PAGE_ROWS,
): ReadableStream<Uint8Array> {
  const span = { start: shopDay(range.from, timeZone).start, end: shopDay(range.to, timeZone).end };
  let after: ExportCursor | null = null;
  let done = false;
  return csvStream<ExportRow>(
    exportHeader,
    async () => {
      if (done) return [];
      const rows = await exportPage(sql, span, after, pageRows);
      const last = rows.at(-1);
      if (last) after = { at: last.cursorAt, id: last.id };
      done = rows.length < pageRows;
      return rows;
    },
    (row) => [
      row.code,
      shopDateTime(row.placedAt, timeZone),
      shopDateTime(row.pickupAt, timeZone),
      statusLabels[row.status],
      row.customerName,
      row.customerEmail,
      row.items ?? "",
      decimalMoney(row.subtotalCents),
      decimalMoney(row.discountCents),
      decimalMoney(row.totalCents),
      row.couponCode ?? "",
    ],
  );
}
