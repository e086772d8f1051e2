import type { ShopView } from "../../views/context.ts";
import type { Accounts } from "../accounts/index.ts";
import type { Catalog } from "../catalog/service.ts";
import type { Sql } from "../infra/db.ts";
import type { Logger } from "../infra/log.ts";
import type { Queue } from "../infra/queue.ts";
import type { LiveHub } from "../live/hub.ts";
import type { Orders } from "../orders/service.ts";
import type { ShopFormat } from "../shop/format.ts";
import type { Bakery } from "../bakery/service.ts";
import type { CalendarAdmin } from "../bakery/calendar-admin.ts";
import type { Planning } from "../bakery/plan.ts";
import type { Words } from "../bakery/words.ts";

/**
 * What the admin screens need, and all they get: the app composes it (src/app.ts) and
 * hands it to `adminRoutes`, which gives it to every screen. A new screen takes its
 * dependencies from here; one it lacks is added here and passed by the app.
 */
export interface AdminDeps {
  /** Name, currency and locale of the shop, and the assets' version, for the layout. */
  shop: ShopView;
  sql: Sql;
  /** Server-sent events across instances (stock on shop pages, the live dashboard). */
  live: LiveHub;
  log: Logger;
  /** Money, dates and times as the shop writes them. */
  format: ShopFormat;
  /** The shop's IANA time zone: "today", date filters and exports are the shop's days. */
  timeZone: string;
  /** Uploaded product images are kept under `<dataDir>/uploads`. */
  dataDir: string;
  now: () => Date;
  /** Drops the cached catalog after a product or category changed. */
  catalog: Pick<Catalog, "changed">;
  /** Role changes, disabling, and ending a kiosk's session, with their rules and audit rows. */
  accounts: Pick<Accounts, "manage" | "auth" | "invitations" | "erasure">;
  /** The shop's public address (PUBLIC_URL) for links shown to admins; else the request's. */
  publicUrl?: string;
  /** Mail goes out (SMTP_URL is set); without it notifications are recorded only. */
  mailConfigured: boolean;
  /** An order's detail and its status changes, through the same rules as the board. */
  orders: Pick<Orders, "detail" | "changeStatus">;
  /** Tells open dashboards the figures changed (after a stock change). */
  dashboardChanged: () => Promise<void>;
  /** The job queues: counts, dead letters, and retrying or discarding one. */
  queue: Pick<Queue, "stats" | "peekDeadLetters" | "retryDeadLetter" | "discardDeadLetter">;
  /** Bakery days: the shop's today, plans per date, their live remaining. */
  bakery: Pick<Bakery, "today" | "announce" | "rules">;
  /** Plans per date and product schedules (kind, lead time, par), with their rules. */
  planning: Pick<Planning, "setPlans" | "schedule" | "setSchedule">;
  /** Pickup settings, the usual week, closures and special hours. */
  calendar: CalendarAdmin;
  /** Dates and times as the bakery says them ("Thu 17 Apr", "07:30"). */
  words: Words;
}
