import type { ShopView, Viewer } from "../../context.ts";
import { Select } from "../shared/fields.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { MessageText } from "./message-text.tsx";
import { counted, DataTable, FilterBar, ListResults } from "../shared/list-kit.tsx";

export interface NotificationView {
  id: number;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  body: string;
  status: "recorded" | "sending" | "sent" | "failed";
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  orderId: number | null;
  orderCode: string | null;
}

export interface NotificationsView {
  rows: NotificationView[];
  total: number;
  page: number;
  pageCount: number;
  query: { status?: string; kind?: string };
  kinds: string[];
  dateTime: (at: Date) => string;
  href: (page: number) => string;
}

const statusOptions: [string, string][] = [
  ["", "Any status"],
  ["recorded", "Recorded (not sent yet)"],
  ["sending", "Being sent"],
  ["sent", "Sent"],
  ["failed", "Failed"],
];

function NotificationFilters({ query, kinds }: NotificationsView) {
  return (
    <FilterBar
      action="/admin/notifications"
      label="Filter the notifications"
      results="notification-results"
      busy
      class="panel filter-form"
      clear="/admin/notifications"
    >
      <Select
        id="notification-status"
        name="status"
        label="Status"
        value={query.status}
        options={statusOptions}
      />
      <Select
        id="notification-kind"
        name="kind"
        label="Kind"
        value={query.kind}
        options={[["", "Any kind"], ...kinds.map((k): [string, string] => [k, k])]}
      />
    </FilterBar>
  );
}

function Status({ n }: { n: NotificationView }) {
  return (
    <>
      <span class={`notification-status status-${n.status}`}>{n.status}</span>
      {n.error && <span class="block text-xs text-out break-all">{n.error}</span>}
    </>
  );
}

/** The part the filters replace. */
export function NotificationResults(view: NotificationsView) {
  const count = view.total > 0
    ? `${counted(view.total, "notification", "notifications")}, newest first`
    : view.query.status || view.query.kind
    ? "No notification matches these filters."
    : "No notification has been recorded yet.";
  const columns = ["Created", "Kind", "To", "Subject and message", "Order", "Status", "Sent"];
  return (
    <ListResults
      id="notification-results"
      label="Notifications"
      count={count}
      hasRows={view.rows.length > 0}
      page={view.page}
      pageCount={view.pageCount}
      href={view.href}
    >
      <DataTable flush columns={columns}>
        {view.rows.map((n) => (
          <tr id={`notification-${n.id}`}>
            <td class="whitespace-nowrap">
              <time datetime={n.createdAt.toISOString()}>{view.dateTime(n.createdAt)}</time>
            </td>
            <td>
              <code>{n.kind}</code>
              <span class="block text-xs text-ink-soft">{n.channel}</span>
            </td>
            <td class="break-all">{n.recipient}</td>
            <td>
              <details class="notification-body">
                <summary>{n.subject}</summary>
                <MessageText text={n.body} />
              </details>
            </td>
            <td>
              {n.orderId
                ? <a class="text-link" href={`/orders/${n.orderId}`}>{n.orderCode}</a>
                : <span class="text-ink-soft">—</span>}
            </td>
            <td>
              <Status n={n} />
            </td>
            <td class="whitespace-nowrap">
              {n.sentAt
                ? <time datetime={n.sentAt.toISOString()}>{view.dateTime(n.sentAt)}</time>
                : <span class="text-ink-soft">—</span>}
            </td>
          </tr>
        ))}
      </DataTable>
    </ListResults>
  );
}

/** What the worker told customers, and whether it went out. */
export function NotificationsPage(view: NotificationsView & { shop: ShopView; viewer: Viewer }) {
  return (
    <AdminLayout shop={view.shop} viewer={view.viewer} area="notifications" title="Notifications">
      <p>
        Emails the worker recorded for customers: sent, waiting, or failed with the reason.
      </p>
      <NotificationFilters {...view} />
      <NotificationResults {...view} />
    </AdminLayout>
  );
}
