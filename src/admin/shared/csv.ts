/**
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet: a cell that starts like a
 * formula (= + - @, or a tab or carriage return before one) gets a leading apostrophe, so
 * a customer named "=HYPERLINK(…)" stays text (OWASP "CSV injection").
 */

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ended with CRLF. */
export const csvRow = (cells: (string | number | null | undefined)[]) =>
  cells.map(csvCell).join(",") + "\r\n";

/**
 * A CSV body written page by page: `nextPage` is asked for more rows only when the client
 * has read what came before, and an empty page ends the file.
 */
export function csvStream<Row>(
  header: string[],
  nextPage: () => Promise<Row[]>,
  toCells: (row: Row) => (string | number | null | undefined)[],
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // A byte order mark, so spreadsheet programs read the file as UTF-8 (the "×").
        controller.enqueue(encoder.encode("\uFEFF" + csvRow(header)));
        return;
      }
      const rows = await nextPage();
      if (rows.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(rows.map((row) => csvRow(toCells(row))).join("")));
    },
  }, { highWaterMark: 1 });
}
