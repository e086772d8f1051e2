import type { FormState } from "./form-state.ts";
import type { Week } from "../../../src/bakery/calendar-admin.ts";
import { weekdayKeys } from "../../../src/bakery/schema.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { ActionButton, Input } from "../shared/form-parts.tsx";
import { type ClosureRow, ClosuresSection, DateInput } from "./closures.tsx";

export type { FormState } from "./form-state.ts";

export interface CalendarProblems {
  closure?: FormState;
  special?: FormState;
  week?: FormState;
}

export interface CalendarPageView {
  shop: ShopView;
  viewer: Viewer;
  csrfToken: string;
  today: string;
  week: Week;
  closures: ClosureRow[];
  special: { date: string; opens: string; closes: string; note: string }[];
  day: (date: string) => string;
  dateTime: (at: Date) => string;
  flash?: string;
  problems: CalendarProblems;
}

const dayNames: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

const typedText = (form: FormState | undefined, name: string) => form?.typed?.[name];

function WeekForm({ week, csrfToken, form }: {
  week: Week;
  csrfToken: string;
  form?: FormState;
}) {
  const fields = form?.fields ?? {};
  return (
    <section class="panel flex flex-col gap-3" aria-labelledby="week-title">
      <h2 id="week-title" class="text-xl font-bold">Usual week</h2>
      <form method="post" action="/admin/calendar/week" class="flex flex-col gap-3">
        <CsrfField token={csrfToken} />
        {form?.error && <p class="error-banner" role="alert">{form.error}</p>}
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Open</th>
              <th scope="col">Opens</th>
              <th scope="col">Closes</th>
            </tr>
          </thead>
          <tbody>
            {weekdayKeys.map((d) => {
              const hours = week[d];
              const open = form ? typedText(form, `${d}.open`) === "1" : hours !== null;
              const error = fields[d];
              return (
                <tr>
                  <th scope="row" id={`week-${d}`}>{dayNames[d]}</th>
                  <td>
                    <input
                      type="checkbox"
                      name={`${d}.open`}
                      value="1"
                      checked={open}
                      aria-labelledby={`week-${d}`}
                      aria-describedby={error ? `week-${d}-error` : undefined}
                    />
                  </td>
                  {(["opens", "closes"] as const).map((which) => (
                    <td>
                      <input
                        name={`${d}.${which}`}
                        class="field w-24"
                        maxlength={5}
                        placeholder={which === "opens" ? "07:00" : "18:00"}
                        value={typedText(form, `${d}.${which}`) ?? hours?.[which] ?? ""}
                        aria-label={`${dayNames[d]} ${which}`}
                        aria-invalid={error ? "true" : undefined}
                      />
                    </td>
                  ))}
                  {error && <td id={`week-${d}-error`} class="field-error">{error}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
        <p class="text-sm text-ink-soft">
          Untick a day the shop is closed every week. Times on the 24-hour clock.
        </p>
        <div>
          <button type="submit" class="btn-primary">Save the week</button>
        </div>
      </form>
    </section>
  );
}

function SpecialSection(
  { special, csrfToken, form, day, today }: {
    special: CalendarPageView["special"];
    csrfToken: string;
    form?: FormState;
    day: (date: string) => string;
    today: string;
  },
) {
  const fields = form?.fields ?? {};
  return (
    <section class="panel flex flex-col gap-3" aria-labelledby="special-title">
      <h2 id="special-title" class="text-xl font-bold">Special hours</h2>
      {special.length === 0 ? <p>No special hours ahead.</p> : (
        <ul class="flex flex-col gap-2">
          {special.map((s) => (
            <li class="flex flex-wrap items-center gap-3" data-special={s.date}>
              <strong>{day(s.date)}</strong> {s.opens}–{s.closes}
              {s.note && <span>“{s.note}”</span>}
              <ActionButton
                action={`/admin/calendar/special/${s.date}/remove`}
                csrfToken={csrfToken}
                label="Remove"
                hidden={`the special hours of ${day(s.date)}`}
              />
            </li>
          ))}
        </ul>
      )}
      <form
        method="post"
        action="/admin/calendar/special"
        class="flex flex-col gap-3 border-t border-crust/20 pt-3"
        aria-labelledby="special-add-title"
      >
        <h3 id="special-add-title" class="font-bold">Other hours for a date</h3>
        <CsrfField token={csrfToken} />
        {form?.error && <p class="error-banner" role="alert">{form.error}</p>}
        <div class="flex flex-wrap gap-3">
          <DateInput id="special-date" name="date" label="Date" form={form} min={today} required />
          <Input
            id="special-opens"
            name="opens"
            label="Opens"
            placeholder="08:00"
            maxlength={5}
            required
            value={typedText(form, "opens")}
            error={fields.opens}
          />
          <Input
            id="special-closes"
            name="closes"
            label="Closes"
            placeholder="13:00"
            maxlength={5}
            required
            value={typedText(form, "closes")}
            error={fields.closes}
          />
        </div>
        <Input
          id="special-note"
          name="note"
          label="Note (optional)"
          maxlength={200}
          value={typedText(form, "note")}
          error={fields.note}
        />
        <div>
          <button type="submit" class="btn-primary">Save special hours</button>
        </div>
      </form>
    </section>
  );
}

/** Closures, special hours and the usual week: the shop's opening calendar. */
export function CalendarPage(view: CalendarPageView) {
  const { problems } = view;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="calendar"
      title="Calendar"
      flash={view.flash}
    >
      <ClosuresSection
        closures={view.closures}
        csrfToken={view.csrfToken}
        day={view.day}
        dateTime={view.dateTime}
        form={problems.closure}
        today={view.today}
      />
      <SpecialSection
        special={view.special}
        csrfToken={view.csrfToken}
        form={problems.special}
        day={view.day}
        today={view.today}
      />
      <WeekForm week={view.week} csrfToken={view.csrfToken} form={problems.week} />
    </AdminLayout>
  );
}
