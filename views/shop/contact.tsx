import type { DayHours, ShopContact, ShopView } from "../context.ts";
import { telHref } from "../context.ts";

/** "Open today 07:00–18:30", or closed with the reason. */
export function hoursWords(hours: DayHours, day = "today") {
  if (hours.open) return `Open ${day} ${hours.opens}–${hours.closes}`;
  if (hours.reason && /^closed/i.test(hours.reason)) return `${hours.reason} (${day})`;
  return `Closed ${day}${hours.reason ? `: ${hours.reason}` : ""}`;
}

/** Address lines, phone (a `tel:` link), email and map link, each only when given. */
function ContactLines({ contact }: { contact: ShopContact }) {
  return (
    <>
      {contact.address && (
        <address class="not-italic whitespace-pre-line">{contact.address}</address>
      )}
      {contact.phone && (
        <p>
          Phone: <a class="underline" href={telHref(contact.phone)}>{contact.phone}</a>
        </p>
      )}
      {contact.email && (
        <p>
          Email: <a class="underline" href={`mailto:${contact.email}`}>{contact.email}</a>
        </p>
      )}
      {contact.mapUrl && (
        <p>
          <a class="underline" href={contact.mapUrl} rel="noopener">Find us on the map</a>
        </p>
      )}
    </>
  );
}

/** Every page's footer: where the shop is, how to reach it, and its hours today. */
export async function ShopFooter(
  { shop, contact }: { shop: ShopView; contact?: Promise<ShopContact> },
) {
  const details = contact ? await contact : undefined;
  return (
    <footer class="border-t border-crust/20 bg-white/60 text-sm text-ink-soft">
      <div class="mx-auto max-w-6xl px-4 py-6 flex flex-wrap gap-x-8 gap-y-4 justify-between">
        {details
          ? (
            <div id="shop-contact" class="flex flex-col gap-1">
              <p class="font-semibold text-ink">{details.name}</p>
              <ContactLines contact={details} />
              <p id="shop-hours-today">{hoursWords(details.hours)}</p>
            </div>
          )
          : <p>{shop.name}</p>}
        <div class="flex flex-col gap-1">
          <p>Baked fresh every morning · order ahead, pick up at the counter</p>
          <p>
            <a class="underline" href="/api/docs">API</a>
          </p>
        </div>
      </div>
    </footer>
  );
}

/** The shop's details on an order's page: where to collect it and how to call. */
export async function PickupPlace(
  { contact, hours, day }: { contact?: Promise<ShopContact>; hours?: DayHours; day?: string },
) {
  const details = contact ? await contact : undefined;
  if (!details) return null;
  return (
    <section
      id="pickup-place"
      aria-labelledby="pickup-place-heading"
      class="rounded-xl bg-white p-4 shadow-sm flex flex-col gap-1"
    >
      <h2 id="pickup-place-heading" class="font-semibold">Where to collect it</h2>
      <p class="font-semibold">{details.name}</p>
      <ContactLines contact={details} />
      <p>{hoursWords(details.hours)}</p>
      {hours && hours.date !== details.hours.date && <p>{hoursWords(hours, day)}</p>}
    </section>
  );
}
