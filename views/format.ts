/** Formatting shared by every view; formatters are built once, not per render. */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; seen: Map<number, string> }>();

/** A price in the shop's currency; shop prices are few, so each is formatted once. */
export function formatMoney(cents: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let entry = moneyFormats.get(key);
  if (!entry) {
    entry = {
      format: new Intl.NumberFormat(locale, { style: "currency", currency }),
      seen: new Map(),
    };
    moneyFormats.set(key, entry);
  }
  let text = entry.seen.get(cents);
  if (text === undefined) {
    text = entry.format.format(cents / 100);
    // Bounded: order totals are many and varied, catalog prices are not.
    if (entry.seen.size < 5000) entry.seen.set(cents, text);
  }
  return text;
}
