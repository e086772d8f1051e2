import { Hono } from "hono";
import {
  NotificationResults,
  NotificationsPage,
} from "../../../views/admin/notifications/notifications-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import {
  listNotifications,
  notificationKinds,
  type NotificationStatus,
  notificationStatuses,
} from "./queries.ts";
import { pageCount, pageOf, withQuery } from "../shared/lists.ts";
import { hasControlCharacters } from "../../http/fields.ts";
import { AppError } from "../../http/errors.ts";
import { flashOf, idOf } from "../shared/form-kit.ts";
import { resendNotification } from "./resend.ts";

export const NOTIFICATIONS_PAGE_SIZE = 25;

const isStatus = (value: string | undefined): value is NotificationStatus =>
  notificationStatuses.includes(value as NotificationStatus);

/** A kind to filter by; one no notification could have (unprintable) is no filter. */
const kindOf = (value: string | undefined) => {
  const kind = value?.trim().slice(0, 60);
  return kind && !hasControlCharacters(kind) ? kind : undefined;
};

/** The notifications the worker recorded or sent, filtered by status and kind. */
export function notificationAdminRoutes({ shop, sql, format, mailConfigured }: AdminDeps) {
  const admin = requireRole("admin");
  return new Hono<AppEnv>().get("/admin/notifications", admin, async (c) => {
    const status = c.req.query("status");
    const query = {
      status: isStatus(status) ? status : undefined,
      kind: kindOf(c.req.query("kind")),
    };
    const page = pageOf(c.req.query("page"));
    const [kinds, { rows, total }] = await Promise.all([
      notificationKinds(sql),
      listNotifications(sql, query, {
        limit: NOTIFICATIONS_PAGE_SIZE,
        offset: (page - 1) * NOTIFICATIONS_PAGE_SIZE,
      }),
    ]);
    const view = {
      rows,
      total,
      page,
      pageCount: pageCount(total, NOTIFICATIONS_PAGE_SIZE),
      query,
      kinds,
      dateTime: format.dateTime,
      mailConfigured,
      csrfToken: c.get("csrfToken")(),
      href: (n: number) =>
        withQuery("/admin/notifications", { ...query, page: n > 1 ? n : undefined }),
    };
    c.header("Cache-Control", "no-store");
    if (wantsFragment(c, "notification-results")) {
      // The address bar shows the filters in use, without the empty ones.
      c.header("HX-Push-Url", view.href(page));
      return c.html(<NotificationResults {...view} />);
    }
    return c.html(
      <NotificationsPage
        {...view}
        shop={shop}
        viewer={viewerOf(c)}
        flash={flashOf(c, { resent: "Sending again: the status below changes when it is done." })}
      />,
    );
  }).post("/admin/notifications/:id/resend", admin, async (c) => {
    const id = idOf(c, "That notification");
    if (!mailConfigured) {
      throw new AppError(
        409,
        "mail_not_configured",
        "Mail is not set up (SMTP_URL), so nothing can be sent: notifications are recorded only.",
      );
    }
    await resendNotification(sql, c.get("user")!, id, c.get("meta"));
    return c.redirect("/admin/notifications?done=resent", 303);
  });
}
