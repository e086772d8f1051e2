import type { AdminOrderRow } from "../../../src/admin/orders/queries.ts";
import { statuses, statusLabels } from "../../../src/orders/status.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { counted, DataTable, FilterBar, ListResults } from "../shared/list-kit.tsx";
import { Input, Select } from "../shared/fields.tsx";
import { withQuery } from "../../../src/admin/shared/lists.ts";

export const ORDER_RESULTS_ID = "order-results";

export interface OrderFiltersView {
  status?: string;
  date?: string;
  q?: string;
}

export interface OrderResultsView {
  filters: OrderFiltersView;
  orders: AdminOrderRow[];
  total: number;
  page: number;
  pageCount: number;
  money: (cents: number) => string;
  dateTime: (at: Date) => string;
  /** "Thu 3 Dec" for a YYYY-MM-DD day. */
  day: (date: string) => string;
}

export interface OrdersPageProps extends OrderResultsView {
  shop: ShopView;
  viewer: Viewer;
  flash?: string;
  error?: string;
  filterErrors?: Record<string, string>;
  exportRange: { from?: string; to?: string; fields?: Record<string, string> };
}

const statusOptions: [string, string][] = [
  ["", "Any status"],
  ...statuses.map((s): [string, string] => [s, statusLabels[s]]),
];

/** The table of one page of orders, with its pager: swapped alone when the filters change. */
export function OrderResults(props: OrderResultsView) {
  const { filters, orders } = props;
  return (
    <ListResults
      id={ORDER_RESULTS_ID}
      label="Orders found"
      count={counted(props.total, "order", "orders")}
      empty="No orders match these filters."
      hasRows={orders.length > 0}
      page={props.page}
      pageCount={props.pageCount}
      href={(page) => withQuery("/admin/orders", { ...filters, page })}
    >
      <DataTable columns={["Order", "Customer", "Pickup", "Status", "Items", "Total", "Placed"]}>
        {orders.map((o) => (
          <tr>
            <td data-label="Order">
              <a class="text-link" href={`/admin/orders/${o.id}`}>{o.code}</a>
              <span class="block text-ink-soft">{props.day(o.codeDay)}</span>
            </td>
            <td data-label="Customer">
              {o.customerName}
              <span class="block text-ink-soft">{o.customerEmail}</span>
            </td>
            <td data-label="Pickup">{props.dateTime(o.pickupAt)}</td>
            <td data-label="Status">
              <span class={`status-pill status-${o.status}`}>{statusLabels[o.status]}</span>
            </td>
            <td data-label="Items">{o.itemCount}</td>
            <td data-label="Total">
              {props.money(o.totalCents)}
              {o.couponCode && <span class="block text-ink-soft">{o.couponCode}</span>}
            </td>
            <td data-label="Placed">{props.dateTime(o.placedAt)}</td>
          </tr>
        ))}
      </DataTable>
    </ListResults>
  );
}

/** Every order: filters kept in the URL, pages of rows, and a CSV export by pickup date. */
export function OrdersPage(props: OrdersPageProps) {
  const { filters, filterErrors = {}, exportRange } = props;
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="orders"
      title="Orders"
      flash={props.flash}
      error={props.error}
    >
      <FilterBar
        action="/admin/orders"
        label="Filter orders"
        results={ORDER_RESULTS_ID}
        class="panel grid gap-3 sm:grid-cols-[1fr_12rem_12rem_auto] items-end"
      >
        <Input
          id="order-q"
          name="q"
          type="search"
          label="Search"
          hint="Order code, customer name or email"
          value={filters.q}
          maxlength={100}
        />
        <Select
          id="order-status"
          name="status"
          label="Status"
          value={filters.status}
          options={statusOptions}
        />
        <Input
          id="order-date"
          name="date"
          type="date"
          label="Pickup date"
          value={filters.date}
          error={filterErrors.date}
        />
      </FilterBar>
      <OrderResults {...props} />
      <form
        method="get"
        action="/admin/orders.csv"
        aria-labelledby="export-heading"
        hx-boost="false"
        class="panel flex flex-col gap-3"
      >
        <h2 id="export-heading" class="section-heading">Export to CSV</h2>
        <p class="text-sm text-ink-soft">
          Orders by pickup date, both days included, in the shop's time zone.
        </p>
        <div class="grid gap-3 sm:grid-cols-[12rem_12rem_auto] items-end">
          <Input
            id="export-from"
            name="from"
            type="date"
            label="From"
            value={exportRange.from}
            error={exportRange.fields?.from}
            required
          />
          <Input
            id="export-to"
            name="to"
            type="date"
            label="To"
            value={exportRange.to}
            error={exportRange.fields?.to}
            required
          />
          <button type="submit" class="btn-secondary justify-self-start">Download CSV</button>
        </div>
      </form>
    </AdminLayout>
  );
}
