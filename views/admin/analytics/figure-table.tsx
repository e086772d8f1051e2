import type { Child } from "hono/jsx";

/** A table of figures, the chart drawn from it (if any) above, and its CSV download. */

export type Cell = string | number | null;

export interface FigureTable {
  key: string;
  title: string;
  /** What the table (and its chart) shows, in a sentence. */
  description: string;
  columns: string[];
  /** Plain values, as the CSV has them. */
  rows: Cell[][];
  /** The same rows as the page shows them. */
  shown: string[][];
}

/** Tables longer than this start folded (the CSV has every row; printing opens them). */
const OPEN_ROWS = 31;

export function FigureTableView(
  { table, csv, children }: { table: FigureTable; csv: string; children?: Child },
) {
  const id = `table-${table.key}`;
  const body = (
    <table class="admin-table figure-table" id={id}>
      <caption class="sr-only">{table.title}</caption>
      <thead>
        {/* The page shows money as money; the CSV keeps cents. */}
        <tr>{table.columns.map((c) => <th scope="col">{c.replace(" (cents)", "")}</th>)}</tr>
      </thead>
      <tbody>
        {table.shown.map((row) => (
          <tr>
            {row.map((cell, i) => i === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section class="panel figure" aria-labelledby={`${id}-heading`} data-table={table.key}>
      <h2 id={`${id}-heading`} class="section-heading">{table.title}</h2>
      <p class="text-sm text-ink-soft">{table.description}</p>
      {children}
      {table.shown.length === 0
        ? <p>Nothing in this range.</p>
        : table.shown.length > OPEN_ROWS
        ? (
          <details>
            <summary>The figures as a table ({table.shown.length} rows)</summary>
            {body}
          </details>
        )
        : body}
      <p>
        <a class="text-link" href={csv} download>
          Download “{table.title}” as CSV
        </a>
      </p>
    </section>
  );
}
