/** The bench's summary as a Markdown table, for the README. */
import type { WrkResult } from "./http.ts";

interface Summary {
  backends: { db: string; store: string };
  loadAverage: { before: number[]; after: number[] };
  results: WrkResult[];
  catalogToStaticPage: number;
  firstLoads: { path: string; html: number; css: number; js: number; total: number }[];
  checkout: {
    alone: { p50Ms: number; p99Ms: number };
    results: {
      name: string;
      perSecond: number;
      p50Ms: number;
      p99Ms: number;
      ratioToBaseline?: number;
    }[];
    oversold: number;
  };
  images: {
    photoBytes: number;
    p50Ms: number;
    variants: { width: number; bytes: number }[];
  };
}

const pct = (ratio?: number) => ratio === undefined ? "" : `${(ratio * 100).toFixed(1)} %`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function markdownTable(s: Summary): string {
  const [base, staticPage, catalog, api] = s.results;
  const [update, spread, hot] = s.checkout.results;
  const rows: [string, string, string][] = [
    ["measure", `result (${s.backends.db}/${s.backends.store})`, "against"],
    ["---", "---", "---"],
    [
      "catalog page, 64 connections",
      `${catalog.requestsPerSecond.toFixed(0)} req/s, p99 ${catalog.p99Ms.toFixed(1)} ms`,
      `${pct(s.catalogToStaticPage)} of a static page of its size (${
        staticPage.requestsPerSecond.toFixed(0)
      } req/s), ${pct(catalog.ratioToBaseline)} of bare Hono`,
    ],
    [
      "GET /api/v1/products",
      `${api.requestsPerSecond.toFixed(0)} req/s, p99 ${api.p99Ms.toFixed(1)} ms`,
      `${pct(api.ratioToBaseline)} of bare Hono (${base.requestsPerSecond.toFixed(0)} req/s)`,
    ],
    ...s.firstLoads.map((f): [string, string, string] => [
      `first visit ${f.path}`,
      `${kb(f.total)} (HTML ${kb(f.html)}, CSS ${kb(f.css)}, JS ${kb(f.js)})`,
      "budget 30 KB",
    ]),
    [
      "checkout, one customer alone",
      `p50 ${s.checkout.alone.p50Ms.toFixed(2)} ms, p99 ${s.checkout.alone.p99Ms.toFixed(2)} ms`,
      "target p50 ≤ 5 ms",
    ],
    [
      "checkout, 64 customers, spread",
      `${spread.perSecond.toFixed(0)}/s, p50 ${spread.p50Ms.toFixed(1)} ms`,
      `${pct(spread.ratioToBaseline)} of the UPDATE loop (${update.perSecond.toFixed(0)}/s)`,
    ],
    [
      "checkout, 64 customers, one hot product",
      `${hot.perSecond.toFixed(0)}/s, p50 ${hot.p50Ms.toFixed(1)} ms`,
      `${pct(hot.ratioToBaseline)} of the UPDATE loop; ${s.checkout.oversold} oversold`,
    ],
    [
      "photo, 12 MP phone JPEG",
      `${kb(s.images.photoBytes)} → ${
        s.images.variants.map((v) => `${v.width}w ${kb(v.bytes)}`).join(", ")
      } in ${s.images.p50Ms.toFixed(0)} ms`,
      "largest ≤ 250 KB",
    ],
  ];
  return [
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    `Machine load average during the run: ${s.loadAverage.before.join(" ")} → ${
      s.loadAverage.after.join(" ")
    } (2 cores, shared).`,
  ].join("\n");
}
