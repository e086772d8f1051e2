import { openDatabase } from "../../src/infra/db.ts";
import { silentLogger } from "../../src/infra/log.ts";
import * as q from "../../src/analytics/queries.ts";
const db = await openDatabase({ dataDir: Deno.args[0] + "/pglite", poolMax: 1, log: silentLogger });
const sql = db.sql;
const ranges = [["2025-12-04", "2026-12-03"], ["2026-11-04", "2026-12-03"]];
for (let round = 0; round < 2; round++) {
  for (const [from, to] of ranges) {
    const t = async (name: string, f: () => Promise<unknown>) => {
      const s = performance.now();
      await f();
      console.log(from, name, (performance.now() - s).toFixed(1));
    };
    await t("totals", () => q.rangeTotals(sql, from, to));
    await t("byDay", () => q.byDay(sql, from, to));
    await t("byHour", () => q.byHour(sql, from, to));
    await t("products", () => q.productSales(sql, from, to));
    await t("prep", () => q.prepHistogram(sql, from, to));
    await t("customers", () => q.customerFigures(sql, from, to));
    await t("regulars", () => q.regulars(sql, from, to, 3, 10));
    await t(
      "never",
      () => q.neverCollected(sql, { start: new Date(from), end: new Date(to) }, new Date()),
    );
    await t("plans", () => q.planDays(sql, from, to));
    await t("views", () => q.productViews(sql, from, to));
  }
}
await db.close();
