import { Hono } from "hono";
import {
  AuditPage,
  type AuditQuery,
  AuditResults,
} from "../../../views/admin/audit/audit-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import { auditActions, type AuditFilters, listAudit } from "./queries.ts";
import { describeEntry, detailPairs } from "./words.ts";
import type { AdminDeps } from "../deps.ts";
import { browserWords } from "../../audit/browser-words.ts";
import { pageCount, pageOf, withQuery } from "../shared/lists.ts";
import { isCalendarDate, shopDay } from "../shared/dates.ts";
import { CONTROL_MESSAGE, hasControlCharacters } from "../../http/fields.ts";

export const AUDIT_PAGE_SIZE = 50;

/** A trimmed query parameter, cut to `max` characters; blank is absent. */
const param = (value: string | undefined, max: number) => value?.trim().slice(0, max) || undefined;

/** The filters as written in the URL, and as the query needs them (dates in shop time). */
export function readAuditQuery(raw: Record<string, string | undefined>, timeZone: string) {
  const query: AuditQuery = {
    actor: param(raw.actor, 100),
    action: param(raw.action, 100),
    type: param(raw.type, 40)?.toLowerCase(),
    id: param(raw.id, 64),
    from: param(raw.from, 10),
    until: param(raw.until, 10),
  };
  const problems: Partial<Record<keyof AuditQuery, string>> = {};
  // Unprintable text matches nothing anyone wrote: said so at the filter, and not searched.
  for (const name of ["actor", "action", "type", "id"] as const) {
    if (query[name] && hasControlCharacters(query[name])) problems[name] = CONTROL_MESSAGE;
  }
  const unless = (name: keyof AuditQuery) => problems[name] ? undefined : query[name];
  const day = (name: "from" | "until") => {
    const text = query[name];
    if (text && !isCalendarDate(text)) problems[name] = "Give a date such as 2026-11-21.";
    return text && !problems[name] ? shopDay(text, timeZone) : undefined;
  };
  const from = day("from");
  let until = day("until");
  if (from && until && until.end <= from.start) {
    problems.until = "The end comes before the start.";
    until = undefined;
  }
  const filters: AuditFilters = {
    actor: unless("actor"),
    action: unless("action"),
    entityType: unless("type"),
    entityId: unless("id"),
    from: from?.start,
    until: until?.end,
  };
  return { query, filters, problems };
}

/** The audit log: who did what to which thing, filtered in the URL, one page at a time. */
export function auditAdminRoutes({ shop, sql, timeZone, format }: AdminDeps) {
  const admin = requireRole("admin");
  return new Hono<AppEnv>().get("/admin/audit", admin, async (c) => {
    const { query, filters, problems } = readAuditQuery(c.req.query(), timeZone);
    const page = pageOf(c.req.query("page"));
    const [actions, { rows, total }] = await Promise.all([
      auditActions(sql),
      listAudit(sql, filters, {
        limit: AUDIT_PAGE_SIZE,
        offset: (page - 1) * AUDIT_PAGE_SIZE,
      }),
    ]);
    const view = {
      entries: rows.map((row) => ({
        ...row,
        words: describeEntry(row),
        pairs: detailPairs(row.details, format.money),
        browser: browserWords(row.userAgent),
      })),
      total,
      page,
      pageCount: pageCount(total, AUDIT_PAGE_SIZE),
      query,
      actions,
      problems,
      dateTime: format.dateTime,
      href: (n: number) => withQuery("/admin/audit", { ...query, page: n > 1 ? n : undefined }),
    };
    c.header("Cache-Control", "no-store");
    if (wantsFragment(c, "audit-results")) {
      // The address bar shows the filters in use, without the empty ones.
      c.header("HX-Push-Url", view.href(page));
      return c.html(<AuditResults {...view} />);
    }
    return c.html(<AuditPage {...view} shop={shop} viewer={viewerOf(c)} />);
  });
}
