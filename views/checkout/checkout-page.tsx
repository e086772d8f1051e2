import type { CartView } from "../../src/cart/service.ts";
import type { PickupDay, PickupSlot } from "../../src/bakery/service.ts";
import type { CouponPreview } from "../../src/coupons/preview.ts";
import type { ShopView, Viewer } from "../context.ts";
import { formatMoney } from "../format.ts";
import { Layout } from "../layout.tsx";
import { CsrfField, ErrorBanner } from "../accounts/form-parts.tsx";
import { VerifyNotice } from "../accounts/account-data.tsx";

export interface CheckoutProps {
  shop: ShopView;
  viewer: Viewer;
  cart: CartView;
  /** The days customers may choose from (closed ones too, with their reason). */
  days: PickupDay[];
  /** The chosen day (the cart's date) and its slots. */
  day: PickupDay;
  slots: PickupSlot[];
  /** "As soon as possible", when the chosen day is today and time is left. */
  asap: Date | null;
  /** One-time token: a repeated submit of this form finds the order it already placed. */
  token: string;
  values: { pickup?: string; note?: string; coupon?: string };
  coupon?: CouponPreview;
  error?: string;
  fields?: Record<string, string>;
  /** How the shop writes times and dates. */
  time: (at: Date) => string;
  /** "Thu 18:00" */
  dayTime: (at: Date) => string;
  dayOf: (date: string) => string;
  /** The address the customer must confirm before ordering, when it is not confirmed yet. */
  unverifiedEmail?: string;
}

/** The day chooser: a plain GET form (the choice sticks to the cart), before the order form. */
function DayChooser(
  { days, day, dayOf, dayTime }: Pick<CheckoutProps, "days" | "day" | "dayOf" | "dayTime">,
) {
  return (
    <form method="get" action="/checkout" class="panel flex flex-wrap items-end gap-2">
      <label class="font-semibold flex flex-col gap-1" for="pickup-date">
        Pickup day
        <select id="pickup-date" name="date" class="field" aria-describedby="pickup-day-note">
          {days.map((d) => (
            <option value={d.date} selected={d.date === day.date} disabled={!d.orderable}>
              {dayOf(d.date)}
              {d.orderable ? (d.opens ? ` (${d.opens}–${d.closes})` : "") : `: ${d.reason}`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="btn-secondary">Show pickup times</button>
      <p id="pickup-day-note" class="text-sm text-ink-soft w-full">
        {day.orderable
          ? `Pickup on ${dayOf(day.date)}${
            day.orderBy ? `; orders for that day close ${dayTime(day.orderBy)}` : ""
          }.`
          : day.reason}
      </p>
    </form>
  );
}

export function CheckoutPage(props: CheckoutProps) {
  const { shop, cart, values, coupon, fields = {} } = props;
  // Times already too soon are left out; fully booked ones stay, disabled, saying so.
  const slots = props.slots.filter((s) => !s.tooSoon);
  const money = (cents: number) => formatMoney(cents, shop.currency, shop.locale);
  const discount = coupon?.ok ? coupon.discountCents : 0;
  const chosen = values.pickup ?? "asap";
  return (
    <Layout shop={shop} title="Checkout" section="cart" viewer={props.viewer}>
      <h1 class="font-display text-3xl font-bold text-brown mb-4">Checkout</h1>
      {props.unverifiedEmail && (
        <div class="mb-4">
          <VerifyNotice
            email={props.unverifiedEmail}
            csrfToken={props.viewer.csrfToken()}
            next="/checkout"
          />
        </div>
      )}
      <ErrorBanner id="checkout-error" message={props.error} />
      <DayChooser days={props.days} day={props.day} dayOf={props.dayOf} dayTime={props.dayTime} />
      <form
        method="post"
        action="/checkout"
        class="grid gap-6 lg:grid-cols-[1fr_22rem] items-start"
        hx-disable="find button"
      >
        <CsrfField token={props.viewer.csrfToken()} />
        <input type="hidden" name="token" value={props.token} />
        <div class="flex flex-col gap-6">
          <fieldset class="panel flex flex-col gap-3">
            <legend class="font-semibold text-lg">Pickup time</legend>
            {fields.pickup && <p id="pickup-error" class="field-error">{fields.pickup}</p>}
            <input type="hidden" name="date" value={props.day.date} />
            {props.asap && (
              <label class="choice">
                <input type="radio" name="pickup" value="asap" checked={chosen === "asap"} />
                <span>As soon as possible: ready around {props.time(props.asap)}</span>
              </label>
            )}
            {slots.length > 0
              ? (
                <div class="flex flex-col gap-1">
                  <label class="font-semibold" for="slot">
                    {props.asap ? "Or at" : "At"}
                  </label>
                  <select
                    id="slot"
                    class="field"
                    name="slot"
                    aria-describedby={fields.pickup ? "pickup-error" : undefined}
                  >
                    <option value="">Choose a time…</option>
                    {slots.map((slot) => (
                      <option
                        value={slot.at.toISOString()}
                        selected={chosen === slot.at.toISOString()}
                        disabled={!slot.available}
                      >
                        {props.time(slot.at)}
                        {slot.remaining === 0
                          ? " (fully booked)"
                          : !slot.available
                          ? " (too soon)"
                          : ""}
                      </option>
                    ))}
                  </select>
                </div>
              )
              : <p>{props.day.reason ?? "No pickup times are left on this day."}</p>}
            <p class="text-sm text-ink-soft">
              {props.asap
                ? "Choosing a time from the list books that time instead of “as soon as possible”."
                : `Pickup times on ${
                  props.dayOf(props.day.date)
                }; fully booked ones cannot be chosen.`}
            </p>
          </fieldset>
          <div class="panel flex flex-col gap-2">
            <label for="note" class="font-semibold">Note for the bakers (optional)</label>
            <textarea
              id="note"
              name="note"
              maxlength={500}
              rows={3}
              class="field"
              aria-describedby={fields.note ? "note-error" : undefined}
            >
              {values.note ?? ""}
            </textarea>
            {fields.note && <p id="note-error" class="field-error">{fields.note}</p>}
          </div>
          <div class="panel flex flex-col gap-2">
            <label for="coupon" class="font-semibold">Coupon code (optional)</label>
            <div class="flex flex-wrap gap-2">
              <input
                id="coupon"
                name="coupon"
                value={values.coupon ?? ""}
                maxlength={32}
                autocomplete="off"
                autocapitalize="characters"
                class="field"
                aria-invalid={fields.coupon || (coupon && !coupon.ok) ? "true" : undefined}
                aria-describedby="coupon-result"
              />
              <button type="submit" class="btn-secondary" formaction="/checkout/preview">
                Apply
              </button>
            </div>
            <p id="coupon-result" class={coupon?.ok ? "text-ok text-sm" : "field-error"}>
              {fields.coupon ??
                (coupon
                  ? (coupon.ok ? `${coupon.code}: ${coupon.description}` : coupon.problem)
                  : "")}
            </p>
          </div>
        </div>
        <aside class="panel flex flex-col gap-3" aria-label="Order summary">
          <h2 class="font-semibold text-lg">Your order</h2>
          <ul class="flex flex-col gap-1 text-sm">
            {cart.lines.map((l) => (
              <li class="flex justify-between gap-2">
                <span>
                  {l.quantity} × {l.product.name}
                  {l.previousPriceCents !== undefined && (
                    <span class="price-changed block">
                      Price now {money(l.product.priceCents)} (was {money(l.previousPriceCents)})
                    </span>
                  )}
                  {l.problem && <span class="field-error block">{l.problem}</span>}
                </span>
                <span>{money(l.lineCents)}</span>
              </li>
            ))}
          </ul>
          <dl class="summary">
            <dt>Subtotal</dt>
            <dd>{money(cart.subtotalCents)}</dd>
            {discount > 0 && (
              <>
                <dt>Discount</dt>
                <dd>−{money(discount)}</dd>
              </>
            )}
            <dt class="font-semibold">Total, paid at pickup</dt>
            <dd class="font-semibold">{money(cart.subtotalCents - discount)}</dd>
          </dl>
          <button
            type="submit"
            class="btn-primary"
            disabled={!cart.orderable || !(props.asap || slots.some((s) => s.available))}
          >
            Place order
          </button>
          <p class="text-sm">
            <a href="/cart" class="text-link">Change the cart</a>
          </p>
        </aside>
      </form>
    </Layout>
  );
}
