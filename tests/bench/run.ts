/**
 * `deno task bench`: starts Crumb (embedded parts, or the servers named by DATABASE_URL /
 * REDIS_URL / AMQP_URL; on PostgreSQL in a database of its own, dropped after) and a bare
 * Hono baseline, and measures, each against a baseline taken in the same run:
 * - pages under load (wrk over loopback): the catalog and the JSON list against a bare
 *   Hono text route, and the catalog against a static page of the very same size (the
 *   ceiling for serving that many bytes here);
 * - what a first visit to the catalog and a product page costs on the wire (HTML, CSS, JS);
 * - checkout (tests/bench/checkout.ts): one customer alone, then concurrent customers
 *   against a plain `UPDATE … RETURNING` loop;
 * - the photo pipeline on a 12-megapixel phone photo (tests/bench/images.ts);
 * - the SSE fan-out (tests/bench/fanout.ts): BENCH_SSE_CLIENTS (default 10000; 0 skips it)
 *   idle `/events/stock` streams and BENCH_SSE_ROUNDS (default 3) stock changes;
 * - the sales dashboard (tests/bench/analytics.ts) over BENCH_ANALYTICS_DAYS (default 365;
 *   0 skips it) days of 300 orders on an embedded database of its own: the history's
 *   writing, then the 12-month and 30-day pages against the admin home.
 * Results go to bench/results.json, with the machine's load average, and a Markdown table
 * is printed for the README. BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 64)
 * tune the load.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { checkoutBench } from "./checkout.ts";
import { benchDatabase } from "./database.ts";
import { fanoutBench, type FanoutResult, fanoutTable } from "./fanout.ts";
import { analyticsBench, analyticsTable } from "./analytics.ts";
import { freePort, loadAverage, ratio, start, waitFor, wrk, type WrkResult } from "./http.ts";
import { imageBench } from "./images.ts";
import { markdownTable } from "./report.ts";
import { firstLoad } from "../first-load.ts";

const root = new URL("../../", import.meta.url).pathname;
const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
const connections = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 64);
const sseClients = Number(Deno.env.get("BENCH_SSE_CLIENTS") ?? 10_000);
const sseRounds = Number(Deno.env.get("BENCH_SSE_ROUNDS") ?? 3);
const analyticsDays = Number(Deno.env.get("BENCH_ANALYTICS_DAYS") ?? 365);
const load = { connections, seconds };

const which = await new Deno.Command("sh", { args: ["-c", "command -v wrk"], stdout: "null" })
  .output();
if (!which.success) {
  console.error("wrk is not installed: apt-get install -y wrk");
  Deno.exit(1);
}

type Row = Pick<WrkResult, "name" | "requestsPerSecond" | "p50Ms" | "p99Ms" | "ratioToBaseline"> & {
  non2xx?: number;
};
const row = (r: Row) =>
  r.name.padEnd(40) + r.requestsPerSecond.toFixed(0).padStart(9) + r.p50Ms.toFixed(2).padStart(9) +
  r.p99Ms.toFixed(2).padStart(9) +
  (r.ratioToBaseline === undefined ? "" : `${(r.ratioToBaseline * 100).toFixed(1)}%`)
    .padStart(10) +
  (r.non2xx ? `  (${r.non2xx} non-2xx!)` : "");

const loadBefore = await loadAverage();
const database = await benchDatabase(Deno.env.get("DATABASE_URL"));
const dataDir = await Deno.makeTempDir({ prefix: "crumb-bench-" });
const appPort = freePort();
const basePort = freePort();
const parts: Record<string, string> = {};
if (database.url) parts.DATABASE_URL = database.url;
for (const name of ["REDIS_URL", "AMQP_URL"]) {
  const value = Deno.env.get(name);
  if (value) parts[name] = value;
}
const env: Record<string, string> = {
  ...parts,
  PORT: String(appPort),
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  CRUMB_ENV: "development",
  // The API's per-client budget would turn the load generator away after 100 requests.
  API_RATE_LIMIT_PER_MINUTE: "1000000",
};
const app = start(["run", "-A", "src/main.ts"], env);
const baseline = start(["run", "-A", "tests/bench/baseline.ts"], { PORT: String(basePort) });
const backends = {
  db: database.url ? "postgres" : "pglite",
  store: env.REDIS_URL ? "redis" : "memory",
};

try {
  const appUrl = `http://127.0.0.1:${appPort}`;
  const baseUrl = `http://127.0.0.1:${basePort}`;
  await waitFor(`${appUrl}/readyz`);
  await waitFor(`${baseUrl}/`);
  const ready = await (await fetch(`${appUrl}/readyz`)).json();
  // Warm the catalog cache, the kept pages and the JIT before measuring.
  for (let i = 0; i < 200; i++) {
    for (const path of ["/", "/api/v1/products"]) await (await fetch(appUrl + path)).text();
  }
  // What wrk receives (it asks for no compression): the catalog's HTML as it is.
  const catalogBytes = (await (await fetch(`${appUrl}/`)).arrayBuffer()).byteLength;
  const [product] = (await (await fetch(`${appUrl}/api/v1/products?limit=1`)).json()).items;

  console.log(
    `Load: wrk, ${connections} connections, ${seconds} s each, over loopback; parts: ${
      JSON.stringify(ready.checks)
    } (${backends.db}/${backends.store}); load average ${loadBefore.join(" ")}`,
  );
  const base = await wrk("baseline (bare Hono text route)", `${baseUrl}/`, load);
  const staticPage = await wrk(
    `static page, same size (${(catalogBytes / 1024).toFixed(1)} KB)`,
    `${baseUrl}/page?bytes=${catalogBytes}`,
    load,
  );
  const catalog = await wrk("catalog HTML page (cache warm)", `${appUrl}/`, load);
  const api = await wrk("GET /api/v1/products", `${appUrl}/api/v1/products`, load);
  for (const r of [staticPage, catalog, api]) {
    r.ratioToBaseline = ratio(r.requestsPerSecond, base.requestsPerSecond);
  }
  const catalogToStatic = ratio(catalog.requestsPerSecond, staticPage.requestsPerSecond);
  const results = [base, staticPage, catalog, api];
  console.log(
    "\n" + "scenario".padEnd(40) + "req/s".padStart(9) + "p50 ms".padStart(9) +
      "p99 ms".padStart(9) + "vs base".padStart(10),
  );
  for (const r of results) console.log(row(r));
  console.log(
    `catalog vs the static page of its size: ${(catalogToStatic * 100).toFixed(1)}%`,
  );

  const fetchApp = (path: string, init: RequestInit) => fetch(appUrl + path, init);
  const firstLoads = [
    await firstLoad(fetchApp, "/", { decodes: true }),
    await firstLoad(fetchApp, `/products/${product.slug}`, { decodes: true }),
  ];
  console.log("\nFirst visit, on the wire (brotli), bytes: page HTML + CSS + JS = total");
  for (const f of firstLoads) {
    console.log(`  ${f.path.padEnd(36)} ${f.html} + ${f.css} + ${f.js} = ${f.total}`);
  }

  console.log(`\nCheckout, in-process, ${connections} concurrent customers, ${seconds} s each:`);
  const checkout = await checkoutBench({ seconds, concurrency: connections });
  console.log(
    `one customer alone (${checkout.alone.orders} orders): p50 ${
      checkout.alone.p50Ms.toFixed(2)
    } ms, p99 ${checkout.alone.p99Ms.toFixed(2)} ms`,
  );
  console.log(
    `scenario (${checkout.db})`.padEnd(40) + "per s".padStart(9) + "p50 ms".padStart(9) +
      "p99 ms".padStart(9) + "vs base".padStart(10),
  );
  for (const r of checkout.results) {
    console.log(row({ ...r, requestsPerSecond: r.perSecond }));
  }
  console.log(
    `stock below zero: ${checkout.oversold}; stock not matching orders: ${checkout.stockMismatches}; repeated order codes: ${checkout.repeatedCodes}; hot slot seats not matching its orders: ${checkout.seatMismatch}`,
  );

  console.log("\nPhoto pipeline, one 12-megapixel phone photo:");
  const images = await imageBench();
  console.log(
    `  ${(images.photoBytes / 1024 / 1024).toFixed(1)} MB JPEG → ${
      images.variants.map((v) => `${v.width}w ${(v.bytes / 1024).toFixed(1)} KB`).join(", ")
    } in ${images.p50Ms.toFixed(0)} ms (p50 of ${images.runs}; slowest ${
      images.maxMs.toFixed(0)
    } ms)`,
  );

  let fanout: FanoutResult | { error: string } | undefined;
  if (sseClients > 0) {
    // Its own app instance (same parts), so the RSS it reads is not the load tests' heap.
    console.log(
      `\nSSE fan-out: ${sseClients} idle /events/stock streams, ${sseRounds} stock changes:`,
    );
    try {
      const result = await fanoutBench({ clients: sseClients, rounds: sseRounds, env: parts });
      for (const line of fanoutTable(result)) console.log(line);
      fanout = result;
    } catch (error) {
      // The other results are still worth writing down.
      console.error(`fan-out failed: ${(error as Error).message}`);
      fanout = { error: (error as Error).message };
    }
  }
  let analytics: Awaited<ReturnType<typeof analyticsBench>> | { error: string } | undefined;
  if (analyticsDays > 0) {
    console.log(`\nSales dashboard over ${analyticsDays} days × 300 orders (embedded):`);
    try {
      analytics = await analyticsBench({ days: analyticsDays });
      for (const line of analyticsTable(analytics)) console.log(line);
    } catch (error) {
      console.error(`sales dashboard bench failed: ${(error as Error).message}`);
      analytics = { error: (error as Error).message };
    }
  }
  const loadAfter = await loadAverage();
  const summary = {
    at: new Date().toISOString(),
    seconds,
    connections,
    backends,
    loadAverage: { before: loadBefore, after: loadAfter },
    results,
    catalogToStaticPage: catalogToStatic,
    firstLoads: firstLoads.map(({ files: _, ...f }) => f),
    checkout,
    images,
    fanout,
    analytics,
  };
  await mkdir(`${root}bench`, { recursive: true });
  await writeFile(`${root}bench/results.json`, JSON.stringify(summary, null, 2) + "\n");
  console.log(`\nLoad average after: ${loadAfter.join(" ")}. Written to bench/results.json.`);
  console.log("\nFor the README:\n");
  console.log(markdownTable(summary));
} finally {
  for (const child of [app, baseline]) {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  }
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  await database.drop().catch((error) => console.error(`bench database not dropped: ${error}`));
}
