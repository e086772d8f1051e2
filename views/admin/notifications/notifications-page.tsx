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
  /** Whether mail goes out at all (else every notification is recorded only). */
  mailConfigured: boolean;
  csrfToken: string;
}

const statusOptions: [string, string][] = [
  ["", "Any status"],
  ["recorded", "Recorded, not sent"],
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
        options={[["", "Any kind"], ...kinds.map((k): [string, string] => [k, kindWords(k)])]}
      />
    </FilterBar>
  );
}

/** Sent, failed (with the mail server's reason), waiting, or recorded only (no mail set up). */
export function statusWords(n: NotificationView, mailConfigured: boolean): string {
  if (n.status === "sent") return "Sent";
  if (n.status === "failed") return "Failed";
  if (n.status === "sending") return "Being sent";
  return mailConfigured ? "Waiting to be sent" : "Recorded only: mail is not set up";
}

function Status({ n, view }: { n: NotificationView; view: NotificationsView }) {
  return (
    <>
      <span class={`notification-status status-${n.status}`}>
        {statusWords(n, view.mailConfigured)}
      </span>
      {n.error && <span class="block text-xs text-out break-all">Reason: {n.error}</span>}
      {view.mailConfigured && (
        <form method="post" action={`/admin/notifications/${n.id}/resend`} class="mt-1">
          <input type="hidden" name="_csrf" value={view.csrfToken} />
          <button type="submit" class="btn-secondary text-sm">
            Send again<span class="sr-only">: {n.subject} to {n.recipient}</span>
          </button>
        </form>
      )}
    </>
  );
}

/** "order_ready" → "Order ready". */
const kindWords = (kind: string) => {
  const words = kind.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

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
            <td data-label="Created" class="whitespace-nowrap">
              <time datetime={n.createdAt.toISOString()}>{view.dateTime(n.createdAt)}</time>
            </td>
            <td data-label="Kind">
              {kindWords(n.kind)}
              <span class="block text-xs text-ink-soft">by {n.channel}</span>
            </td>
            <td data-label="To" class="break-all">{n.recipient}</td>
            <td data-label="Subject and message">
              <details class="notification-body">
                <summary>{n.subject}</summary>
                <MessageText text={n.body} />
              </details>
            </td>
            <td data-label="Order">
              {n.orderId
                ? <a class="text-link" href={`/orders/${n.orderId}`}>{n.orderCode}</a>
                : <span class="text-ink-soft">—</span>}
            </td>
            <td data-label="Status">
              <Status n={n} view={view} />
            </td>
            <td data-label="Sent" class="whitespace-nowrap">
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
export function NotificationsPage(
  view: NotificationsView & { shop: ShopView; viewer: Viewer; flash?: string },
) {
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="notifications"
      title="Notifications"
      flash={view.flash}
    >
      <p>
        {view.mailConfigured
          ? "Emails to customers and staff: sent, waiting, or failed with the reason. A failed one can be sent again."
          : "Mail is not set up (SMTP_URL), so these notifications are recorded here only: nobody received them."}
      </p>
      <NotificationFilters {...view} />
      <NotificationResults {...view} />
    </AdminLayout>
  );
}
