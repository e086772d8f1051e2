import { type Context, Hono } from "hono";
import { AnalyticsPage } from "../../../views/admin/analytics/analytics-page.tsx";
import { SuggestionsPage } from "../../../views/admin/analytics/suggestions-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { salesFigures } from "../../analytics/figures.ts";
import { checkedRange, isPreset, presetRange } from "../../analytics/range.ts";
import { bakeSuggestions } from "../../analytics/suggestions.ts";
import { sseHeaders } from "../../live/stream-response.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError } from "../../http/errors.ts";
import { isCalendarDate } from "../../http/fields.ts";
import { viewerOf } from "../../http/viewer.ts";
import { addDays } from "../../shop/hours.ts";
import { csvRow } from "../shared/csv.ts";
import { finish, flashOf, noStore, readForm, refusal, text } from "../shared/form-kit.ts";
import type { AdminDeps } from "../deps.ts";
import { ANALYTICS_TOPIC, renderToday, todayFigures } from "./live.ts";
import { pageProps } from "./page-data.ts";
import { figureTables, tableKeys } from "./tables.ts";

const DEFAULT_PRESET = "30d";

/** The sales dashboard, its CSV tables, today live, and bake suggestions applied to a plan. */
export function analyticsAdminRoutes(deps: AdminDeps) {
  const admin = requireRole("admin");
  const { sql, timeZone, format } = deps;
  const source = { sql, live: deps.live, format, timeZone, now: deps.now, log: deps.log };
  const today = () => deps.bakery.today();

  /** The range a request asks for: a preset, dates, or the default; a bad one is refused. */
  const rangeOf = (query: Record<string, string | undefined>) => {
    if (query.from !== undefined || query.to !== undefined) {
      return { range: checkedRange(query.from, query.to), preset: null };
    }
    const key = isPreset(query.range) ? query.range : DEFAULT_PRESET;
    return { range: presetRange(key, today()), preset: key };
  };

  const suggestionsPage = async (
    c: Context<AppEnv>,
    date: string,
    extra: { status?: 400 | 409; error?: string; typed?: Record<number, string> } = {},
  ) => {
    const suggestions = await bakeSuggestions(sql, date, { timeZone, now: deps.now() });
    return c.html(
      <SuggestionsPage
        shop={deps.shop}
        viewer={viewerOf(c)}
        date={date}
        dayWords={deps.words.day(date)}
        items={suggestions.items.map((s) => ({ ...s, value: extra.typed?.[s.productId] }))}
        applicable={date >= today()}
        csrfToken={c.get("csrfToken")()}
        flash={flashOf(c, { applied: "The suggestions are now the plan for this date." })}
        error={extra.error}
      />,
      extra.status ?? 200,
    );
  };

  return new Hono<AppEnv>()
    .get("/admin/analytics", admin, async (c) => {
      noStore(c);
      let error: string | undefined;
      let asked;
      try {
        asked = rangeOf(c.req.query());
      } catch (e) {
        error = refusal(e).message;
        asked = { range: presetRange(DEFAULT_PRESET, today()), preset: DEFAULT_PRESET };
      }
      const { range, preset } = asked;
      const [figures, todayNow] = await Promise.all([
        salesFigures(sql, range, { timeZone, now: deps.now() }),
        range.to >= today() ? todayFigures(source) : Promise.resolve(null),
      ]);
      return c.html(
        <AnalyticsPage
          shop={deps.shop}
          viewer={viewerOf(c)}
          {...pageProps(figures, { fmt: format, preset })}
          today={todayNow}
          error={error}
        />,
        error ? 400 : 200,
      );
    })
    .get("/admin/analytics/events", admin, (c) => {
      const body = deps.live.open(ANALYTICS_TOPIC, {
        first: renderToday(source).then((data) => [{ data }]),
        signal: c.req.raw.signal,
        sessionId: c.get("user")!.sessionId,
      });
      return c.body(body, 200, sseHeaders);
    })
    .get("/admin/analytics/suggestions", admin, async (c) => {
      noStore(c);
      const asked = c.req.query("date");
      if (asked !== undefined && !isCalendarDate(asked)) {
        return await suggestionsPage(c, addDays(today(), 1), {
          status: 400,
          error: "Give the date as YYYY-MM-DD.",
        });
      }
      return await suggestionsPage(c, asked ?? addDays(today(), 1));
    })
    .post("/admin/analytics/suggestions", admin, async (c) => {
      const body = await readForm(c);
      const date = text(body, "date");
      if (!isCalendarDate(date)) {
        return await suggestionsPage(c, addDays(today(), 1), {
          status: 400,
          error: "Give the date as YYYY-MM-DD.",
        });
      }
      const typed: Record<number, string> = {};
      const items: { productId: number; quantity: number }[] = [];
      for (const [name, value] of Object.entries(body)) {
        const id = /^qty\.(\d{1,9})$/.exec(name)?.[1];
        if (!id || typeof value !== "string") continue;
        typed[Number(id)] = value;
        items.push({ productId: Number(id), quantity: Number(value) });
      }
      const bad = items.find((i) => !/^\d{1,6}$/.test(typed[i.productId]) || i.quantity > 100_000);
      if (bad || items.length === 0) {
        return await suggestionsPage(c, date, {
          status: 400,
          typed,
          error: items.length
            ? "Each plan is a whole number from 0 to 100000."
            : "There was nothing to apply.",
        });
      }
      try {
        await deps.planning.setPlans([{ date, items }], {
          actorId: c.get("user")!.id,
          ...c.get("meta"),
        });
      } catch (error) {
        const { status, message } = refusal(error);
        return await suggestionsPage(c, date, {
          status: status === 409 ? 409 : 400,
          typed,
          error: message,
        });
      }
      return finish(
        c,
        "suggestions-form",
        `/admin/analytics/suggestions?date=${date}&done=applied`,
      );
    })
    .get("/admin/analytics/:file", admin, async (c) => {
      const file = c.req.param("file");
      const key = file.slice(0, -4);
      if (!file.endsWith(".csv") || !tableKeys.includes(key)) {
        throw new AppError(404, "not_found", "There is no such table of figures.");
      }
      const range = checkedRange(c.req.query("from"), c.req.query("to"));
      const figures = await salesFigures(sql, range, {
        timeZone,
        now: deps.now(),
        planDaysShown: key === "plan-days" ? Infinity : undefined,
      });
      const table = figureTables(figures, format).find((t) => t.key === key)!;
      const csv = "\uFEFF" + csvRow(table.columns) + table.rows.map((r) => csvRow(r)).join("");
      noStore(c);
      c.header(
        "Content-Disposition",
        `attachment; filename="${key}-${range.from}-${range.to}.csv"`,
      );
      return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8" });
    });
}
