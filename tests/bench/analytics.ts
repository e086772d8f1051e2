/**
 * The sales dashboard under a year of history: 365 days × 300 orders on the embedded
 * database, its 12-month and 30-day pages timed in-process against the admin home page
 * (today's figures from the orders) measured in the same run.
 */
import { insertUser } from "../../src/accounts/queries.ts";
import { seedHistory } from "../../src/analytics/history.ts";
import { seedDemoCatalog } from "../../src/catalog/seed.ts";
import { seedDemoCoupons } from "../../src/coupons/demo.ts";
import { openDatabase } from "../../src/infra/db.ts";
import { silentLogger } from "../../src/infra/log.ts";
import { loadMigrations, migrate } from "../../src/infra/migrations.ts";
import { createTestContext } from "../harness.ts";
import { loadAverage } from "./http.ts";

export interface AnalyticsRow {
  name: string;
  path: string;
  p50Ms: number;
  p90Ms: number;
  budgetMs?: number;
  ratioToBaseline?: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.ceil(q * sorted.length) - 1];

export async function analyticsBench(
  { days = 365, ordersPerDay = 300, rounds = 15 } = {},
): Promise<{ days: number; seedSeconds: number; orders: number; results: AnalyticsRow[] }> {
  const db = await openDatabase({ poolMax: 4, log: silentLogger });
  await migrate(db.sql, await loadMigrations());
  await seedDemoCatalog(db.sql);
  await seedDemoCoupons(db.sql);
  const t = await createTestContext({ db });
  try {
    const started = performance.now();
    const written = await seedHistory(db.sql, {
      days,
      ordersPerDay,
      timeZone: t.deps.config.timeZone,
      currency: t.deps.config.currency,
      now: new Date(),
    });
    const seedSeconds = (performance.now() - started) / 1000;
    const user = await insertUser(db.sql, {
      email: "bench.admin@example.com",
      name: "Bench Admin",
      passwordHash: "not-a-real-hash",
      role: "admin",
    });
    const { accessToken } = await t.services.accounts.sessions.startSession(
      user!,
      { ip: "127.0.0.1", userAgent: "bench" },
      "web",
    );
    const cookie = `crumb_access=${accessToken}`;
    const time = async (path: string) => {
      const samples: number[] = [];
      for (let i = 0; i < rounds + 2; i++) {
        const s = performance.now();
        const res = await t.app.request(path, { headers: { Cookie: cookie } });
        await res.text();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        if (i >= 2) samples.push(performance.now() - s); // two warm-up rounds
      }
      samples.sort((a, b) => a - b);
      return { p50Ms: quantile(samples, 0.5), p90Ms: quantile(samples, 0.9) };
    };
    const base = { name: "admin home (baseline)", path: "/admin", ...await time("/admin") };
    const rows: AnalyticsRow[] = [base];
    for (
      const [name, path, budgetMs] of [
        ["sales dashboard, 12 months", "/admin/analytics?range=12m", 300],
        ["sales dashboard, 30 days", "/admin/analytics?range=30d", 100],
      ] as const
    ) {
      const timing = await time(path);
      rows.push({
        name,
        path,
        ...timing,
        budgetMs,
        ratioToBaseline: Math.round((timing.p50Ms / base.p50Ms) * 100) / 100,
      });
    }
    return { days, seedSeconds, orders: written.orders, results: rows };
  } finally {
    await t.close();
    await db.close();
  }
}

/** The rows as the bench prints them. */
export function analyticsTable(r: Awaited<ReturnType<typeof analyticsBench>>): string[] {
  return [
    `history: ${r.orders} orders written and rolled up in ${r.seedSeconds.toFixed(1)} s` +
    (r.days === 365 ? " (budget 60 s)" : ""),
    "scenario".padEnd(36) + "p50 ms".padStart(10) + "p90 ms".padStart(10) +
    "budget".padStart(10) + "× baseline".padStart(12),
    ...r.results.map((row) =>
      row.name.padEnd(36) + row.p50Ms.toFixed(1).padStart(10) + row.p90Ms.toFixed(1).padStart(10) +
      (row.budgetMs ? `${row.budgetMs} ms` : "").padStart(10) +
      (row.ratioToBaseline === undefined ? "" : `${row.ratioToBaseline}×`).padStart(12) +
      (row.budgetMs && row.p50Ms > row.budgetMs ? "  (over budget)" : "")
    ),
  ];
}

if (import.meta.main) {
  const days = Number(Deno.env.get("BENCH_ANALYTICS_DAYS") ?? 365);
  const before = await loadAverage();
  for (const line of analyticsTable(await analyticsBench({ days }))) console.log(line);
  console.log(
    `load average before: ${before.join(" ")}, after: ${(await loadAverage()).join(" ")}`,
  );
}
