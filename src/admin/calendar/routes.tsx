import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  CalendarPage,
  type CalendarProblems,
} from "../../../views/admin/calendar/calendar-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { Week } from "../../bakery/calendar-admin.ts";
import { clock } from "../../bakery/calendar.ts";
import { openOrdersBetween } from "../../bakery/calendar-queries.ts";
import { weekdayKeys } from "../../bakery/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { isCalendarDate } from "../../http/fields.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import {
  actorOf,
  FIX_FIELDS,
  flashOf,
  type FormBody,
  formErrors,
  idOf,
  noStore,
  readForm,
  refusal,
  text,
} from "../shared/form-kit.ts";
import { closureFormSchema, specialHoursFormSchema } from "./schema.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  closed: "The dates are closed. Customers see the reason and cannot order for them.",
  stranded:
    "The dates are closed. Orders were already placed for them: contact or cancel them below. None was cancelled.",
  reopened: "The closure was removed: those dates follow the usual week again.",
  special: "The special hours were saved.",
  "special-removed": "The special hours were removed: the date follows the usual week again.",
  week: "The usual week was saved.",
};

const typedOf = (body: FormBody, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, text(body, n)]));

/** The usual week, closures (with the orders they strand) and special hours (admins only). */
export function calendarAdminRoutes({ shop, sql, bakery, calendar, words, format }: AdminDeps) {
  const admin = requireRole("admin");

  const page = async (c: Ctx, status: ContentfulStatusCode, problems: CalendarProblems = {}) => {
    noStore(c);
    const today = bakery.today();
    const [week, closures, rules] = await Promise.all([
      calendar.week(),
      calendar.closures(),
      bakery.rules(),
    ]);
    const stranded = await Promise.all(
      closures.map((cl) => cl.openOrders > 0 ? openOrdersBetween(sql, cl.from, cl.to) : []),
    );
    return c.html(
      <CalendarPage
        shop={shop}
        viewer={viewerOf(c)}
        csrfToken={c.get("csrfToken")()}
        today={today}
        week={week}
        closures={closures.map((cl, i) => ({ ...cl, orders: stranded[i] }))}
        special={rules.calendar.special.filter((s) => s.date >= today).map((s) => ({
          date: s.date,
          opens: clock(s.opens),
          closes: clock(s.closes),
          note: s.note,
        }))}
        day={words.day}
        dateTime={format.dateTime}
        flash={Object.keys(problems).length ? undefined : flashOf(c, flashes)}
        problems={problems}
      />,
      status,
    );
  };

  /** A service's refusal shown beside the form it came from; nothing was written. */
  const refused = (
    c: Ctx,
    form: keyof CalendarProblems,
    error: unknown,
    typed: Record<string, string>,
  ) => {
    const { status, message } = refusal(error);
    const fields = (error as { fields?: Record<string, string> }).fields ?? {};
    return page(c, status, { [form]: { error: message, fields, typed } });
  };

  return new Hono<AppEnv>()
    .get("/admin/calendar", admin, (c) => page(c, 200))
    .post("/admin/calendar/closures", admin, async (c) => {
      const body = await readForm(c);
      const typed = typedOf(body, ["from", "to", "reason"]);
      const parsed = closureFormSchema.safeParse(typed);
      if (!parsed.success) {
        return page(c, 422, {
          closure: { error: FIX_FIELDS, fields: formErrors(parsed.error), typed },
        });
      }
      try {
        const { closure, orders } = await calendar.addClosure(parsed.data, actorOf(c));
        const done = orders.length ? "stranded" : "closed";
        return c.redirect(`/admin/calendar?done=${done}#closure-${closure.id}`, 303);
      } catch (error) {
        return refused(c, "closure", error, typed);
      }
    })
    .post("/admin/calendar/closures/:id{[0-9]+}/remove", admin, async (c) => {
      await calendar.removeClosure(idOf(c, "That closure"), actorOf(c));
      return c.redirect("/admin/calendar?done=reopened", 303);
    })
    .post("/admin/calendar/special", admin, async (c) => {
      const body = await readForm(c);
      const typed = typedOf(body, ["date", "opens", "closes", "note"]);
      const parsed = specialHoursFormSchema.safeParse(typed);
      if (!parsed.success) {
        return page(c, 422, {
          special: { error: FIX_FIELDS, fields: formErrors(parsed.error), typed },
        });
      }
      const { date, ...hours } = parsed.data;
      try {
        await calendar.setSpecialHours(date, hours, actorOf(c));
      } catch (error) {
        return refused(c, "special", error, typed);
      }
      return c.redirect("/admin/calendar?done=special#special-title", 303);
    })
    .post("/admin/calendar/special/:date/remove", admin, async (c) => {
      const date = c.req.param("date");
      if (!isCalendarDate(date)) {
        return page(c, 404, { special: { error: "That date has no special hours." } });
      }
      try {
        await calendar.removeSpecialHours(date, actorOf(c));
      } catch (error) {
        return refused(c, "special", error, {});
      }
      return c.redirect("/admin/calendar?done=special-removed#special-title", 303);
    })
    .post("/admin/calendar/week", admin, async (c) => {
      const body = await readForm(c);
      const names = weekdayKeys.flatMap((d) => [`${d}.open`, `${d}.opens`, `${d}.closes`]);
      const typed = typedOf(body, names);
      const week = Object.fromEntries(weekdayKeys.map((d) => [
        d,
        typed[`${d}.open`] === "1"
          ? { opens: typed[`${d}.opens`].trim(), closes: typed[`${d}.closes`].trim() }
          : null,
      ])) as Week;
      try {
        await calendar.setWeek(week, actorOf(c));
      } catch (error) {
        return refused(c, "week", error, typed);
      }
      return c.redirect("/admin/calendar?done=week#week-title", 303);
    });
}
