import type { StrandedOrder } from "../../../src/bakery/calendar-queries.ts";
import type { Closure } from "../../../src/bakery/calendar.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { ActionButton, Input } from "../shared/form-parts.tsx";
import type { FormState } from "./form-state.ts";

export interface ClosureRow extends Closure {
  openOrders: number;
  orders: StrandedOrder[];
}

const range = (c: Closure, day: (date: string) => string) =>
  c.from === c.to ? day(c.from) : `${day(c.from)} – ${day(c.to)}`;

/** The open orders a closure falls on: each to contact, open or cancel. */
function Stranded(
  { closure, csrfToken, dateTime }: {
    closure: ClosureRow;
    csrfToken: string;
    dateTime: (at: Date) => string;
  },
) {
  return (
    <div class="flex flex-col gap-2">
      <p class="field-error" role="note">
        {closure.orders.length === 1 ? "1 order was" : `${closure.orders.length} orders were`}{" "}
        placed for these dates before they closed. Contact the customers, or cancel:
      </p>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Pickup</th>
            <th scope="col">Customer</th>
            <th scope="col">Cancel</th>
          </tr>
        </thead>
        <tbody>
          {closure.orders.map((o) => (
            <tr data-stranded={o.code}>
              <td>
                <a href={`/admin/orders/${o.id}`}>{o.code}</a> ({o.status})
              </td>
              <td>{dateTime(o.pickupAt)}</td>
              <td>
                {o.customerName} <a href={`mailto:${o.customerEmail}`}>{o.customerEmail}</a>
              </td>
              <td>
                <form
                  method="post"
                  action={`/admin/orders/${o.id}/cancel`}
                  class="flex flex-wrap gap-2 items-end"
                >
                  <CsrfField token={csrfToken} />
                  <input type="hidden" name="expectedFrom" value={o.status} />
                  <label class="sr-only" for={`cancel-reason-${o.id}`}>
                    Reason for cancelling {o.code}
                  </label>
                  <input
                    id={`cancel-reason-${o.id}`}
                    name="reason"
                    class="field"
                    maxlength={300}
                    required
                    value={`The shop is closed that day: ${closure.reason}`}
                  />
                  <button type="submit" class="btn-secondary">
                    Cancel<span class="sr-only">order {o.code}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ClosuresSection(
  { closures, csrfToken, day, dateTime, form, today }: {
    closures: ClosureRow[];
    csrfToken: string;
    day: (date: string) => string;
    dateTime: (at: Date) => string;
    form?: FormState;
    today: string;
  },
) {
  const fields = form?.fields ?? {};
  return (
    <section class="panel flex flex-col gap-4" aria-labelledby="closures-title">
      <h2 id="closures-title" class="text-xl font-bold">Closures</h2>
      {closures.length === 0 ? <p>No closures ahead.</p> : (
        <ul class="flex flex-col gap-4">
          {closures.map((cl) => (
            <li id={`closure-${cl.id}`} class="flex flex-col gap-2" data-closure={cl.id}>
              <div class="flex flex-wrap items-center gap-3">
                <strong>{range(cl, day)}</strong>
                <span>“{cl.reason}”</span>
                <ActionButton
                  action={`/admin/calendar/closures/${cl.id}/remove`}
                  csrfToken={csrfToken}
                  label="Open again"
                  hidden={range(cl, day)}
                />
              </div>
              {cl.orders.length > 0 && (
                <Stranded closure={cl} csrfToken={csrfToken} dateTime={dateTime} />
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        method="post"
        action="/admin/calendar/closures"
        aria-labelledby="closure-add-title"
        class="flex flex-col gap-3 border-t border-crust/20 pt-3"
      >
        <h3 id="closure-add-title" class="font-bold">Close a date or a range</h3>
        <CsrfField token={csrfToken} />
        {form?.error && <p class="error-banner" role="alert">{form.error}</p>}
        <div class="flex flex-wrap gap-3">
          <DateInput id="closure-from" name="from" label="From" form={form} min={today} required />
          <DateInput
            id="closure-to"
            name="to"
            label="To (blank: one day)"
            form={form}
            min={today}
          />
        </div>
        <Input
          id="closure-reason"
          name="reason"
          label="Reason customers see"
          placeholder="Closed for Christmas"
          maxlength={200}
          required
          value={form?.typed?.reason}
          error={fields.reason}
        />
        <div>
          <button type="submit" class="btn-primary">Close these dates</button>
        </div>
      </form>
    </section>
  );
}

/** A date field (the shared kit's inputs are text and numbers). */
export function DateInput(
  { id, name, label, form, min, required }: {
    id: string;
    name: string;
    label: string;
    form?: FormState;
    min?: string;
    required?: boolean;
  },
) {
  const error = form?.fields?.[name];
  return (
    <div class="form-row">
      <label for={id} class="font-semibold">{label}</label>
      <input
        id={id}
        name={name}
        type="date"
        min={min}
        required={required}
        value={form?.typed?.[name]}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        class="field"
      />
      {error && <p id={`${id}-error`} class="field-error">{error}</p>}
    </div>
  );
}
