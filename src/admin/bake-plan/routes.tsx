import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { PLAN_GRID_ID, PlanGridForm } from "../../../views/admin/bake-plan/plan-grid.tsx";
import { type ParProblem, PlanPage } from "../../../views/admin/bake-plan/plan-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { weekdayKeys } from "../../bakery/schema.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import {
  actorOf,
  finish,
  flashOf,
  idOf,
  noStore,
  readForm,
  refusal,
  text,
} from "../shared/form-kit.ts";
import { bakeSuggestions } from "../../analytics/suggestions.ts";
import { isCalendarDate } from "../../http/fields.ts";
import { changedCells, type PlanGrid, readGrid, type Suggest } from "./grid.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  saved: "The plans were saved. Shop pages for those dates show them now.",
  unchanged: "Nothing was changed.",
  par: "The par was saved. Dates that follow it moved with it.",
  suggested: "The suggestions are now the plan for that date.",
};

const NOTHING_SAVED = "Nothing was saved.";
const DAY_MOVED =
  "A new day has begun since this grid was opened, so its columns moved. Nothing was saved: look at the plans again and retry.";

/** The plan grid of the next days and the weekly par (admins only). */
export function bakePlanAdminRoutes(
  { shop, sql, bakery, planning, words, timeZone, now }: AdminDeps,
) {
  const admin = requireRole("admin");
  /** Suggestions from past sales beside each cell (src/analytics/suggestions.ts). */
  const suggest: Suggest = async (dates) => {
    const all = await Promise.all(
      dates.map((date) => bakeSuggestions(sql, date, { timeZone, now: now() })),
    );
    return new Map(
      all.flatMap((s) =>
        s.items.filter((i) => i.fromHistory).map((i) => [`${i.productId}:${s.date}`, i.suggested])
      ),
    );
  };

  const page = async (
    c: Ctx,
    status: ContentfulStatusCode,
    problems: {
      grid?: PlanGrid;
      error?: string;
      fields?: Record<string, string>;
      typed?: Record<string, string>;
      par?: ParProblem;
    } = {},
  ) => {
    noStore(c);
    const grid = problems.grid ?? await readGrid({ sql, bakery, words, suggest });
    const view = {
      csrfToken: c.get("csrfToken")(),
      grid,
      error: problems.error,
      fields: problems.fields,
      typed: problems.typed,
    };
    if (wantsFragment(c, PLAN_GRID_ID)) return c.html(<PlanGridForm {...view} />, status);
    return c.html(
      <PlanPage
        {...view}
        shop={shop}
        viewer={viewerOf(c)}
        today={bakery.today()}
        flash={problems.error || problems.par ? undefined : flashOf(c, flashes)}
        par={problems.par}
      />,
      status,
    );
  };

  return new Hono<AppEnv>()
    .get("/admin/bake-plan", admin, (c) => page(c, 200))
    .post("/admin/bake-plan", admin, async (c) => {
      const body = await readForm(c);
      const grid = await readGrid({ sql, bakery, words });
      if (text(body, "from") !== grid.days[0].date) {
        return await page(c, 409, { grid, error: DAY_MOVED });
      }
      const { changes, fields, typed } = changedCells(grid, body);
      if (Object.keys(fields).length) {
        return await page(c, 422, {
          grid,
          error: `${NOTHING_SAVED} Please correct the marked plans.`,
          fields,
          typed,
        });
      }
      if (changes.length === 0) return finish(c, PLAN_GRID_ID, "/admin/bake-plan?done=unchanged");
      try {
        await planning.setPlans(changes, actorOf(c));
      } catch (error) {
        const { status, message } = refusal(error);
        const problems = error instanceof AppError ? error.fields ?? {} : {};
        return await page(c, status === 404 ? 409 : status === 400 ? 422 : status, {
          grid,
          error: `${NOTHING_SAVED} ${message}`,
          fields: problems,
          typed,
        });
      }
      return finish(c, PLAN_GRID_ID, "/admin/bake-plan?done=saved");
    })
    .post("/admin/bake-plan/suggestions/:date", admin, async (c) => {
      // The date's suggestions as the grid shows them, set as its plan on the admin's word.
      const date = c.req.param("date");
      if (!isCalendarDate(date)) throw new AppError(404, "not_found", "There is no such date.");
      const items = (await bakeSuggestions(sql, date, { timeZone, now: now() })).items
        .filter((i) => i.fromHistory);
      if (items.length === 0) return finish(c, PLAN_GRID_ID, "/admin/bake-plan?done=unchanged");
      try {
        await planning.setPlans([{
          date,
          items: items.map((i) => ({ productId: i.productId, quantity: i.suggested })),
        }], actorOf(c));
      } catch (error) {
        const { status, message } = refusal(error);
        return await page(c, status === 404 ? 409 : status === 400 ? 422 : status, {
          error: `${NOTHING_SAVED} ${message}`,
        });
      }
      return finish(c, PLAN_GRID_ID, "/admin/bake-plan?done=suggested");
    })
    .post("/admin/bake-plan/par/:id{[0-9]+}", admin, async (c) => {
      const id = idOf(c, "That product");
      const body = await readForm(c);
      const typed = Object.fromEntries(weekdayKeys.map((k) => [k, text(body, k).trim()]));
      const fields: Record<string, string> = {};
      for (const k of weekdayKeys) {
        if (!/^\d{1,6}$/.test(typed[k]) || Number(typed[k]) > 100_000) {
          fields[k] = "Enter a whole number from 0 to 100000.";
        }
      }
      if (Object.keys(fields).length) {
        return await page(c, 422, { par: { productId: id, typed, fields } });
      }
      const par = Object.fromEntries(weekdayKeys.map((k) => [k, Number(typed[k])]));
      try {
        await planning.setSchedule(id, { par }, actorOf(c));
      } catch (error) {
        const { status, message } = refusal(error);
        if (status === 404) throw error;
        const byDay: Record<string, string> = {};
        const problems = error instanceof AppError ? error.fields ?? {} : {};
        for (const [field, text] of Object.entries(problems)) {
          byDay[field.replace(/^par\./, "")] = text;
        }
        if (Object.keys(byDay).length === 0) byDay.mon = message;
        return await page(c, status, { par: { productId: id, typed, fields: byDay } });
      }
      return c.redirect("/admin/bake-plan?done=par#par-title", 303);
    });
}
