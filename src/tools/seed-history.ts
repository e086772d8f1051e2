/**
 * `deno task seed:history --days N`: a believable past for the demo bakery (orders, plans,
 * leftovers, coupons, regulars), then the sales rollups. Refused in production. On an empty
 * database the demo catalog and coupons come first.
 */
import { parseArgs } from "node:util";
import { configFromEnvironment } from "../config.ts";
import { createLogger } from "../infra/log.ts";
import { openInfrastructure } from "../infra/infrastructure.ts";
import { catalogIsEmpty, seedDemoCatalog } from "../catalog/seed.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";
import { createCatalogCache } from "../catalog/cache.ts";
import { prepareBakeryDays } from "../bakery/bootstrap.ts";
import { seedHistory } from "../analytics/history.ts";

const MAX_DAYS = 3 * 366;

const config = configFromEnvironment();
if (config.env === "production") {
  console.error("Refusing to write demo history: CRUMB_ENV is production.");
  Deno.exit(1);
}
const { values } = parseArgs({ args: Deno.args, options: { days: { type: "string" } } });
const days = Number(values.days ?? 365);
if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
  console.error(`Give --days as a whole number from 1 to ${MAX_DAYS}.`);
  Deno.exit(2);
}
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log).catch((error) => {
  console.error(error.message);
  Deno.exit(1);
});
try {
  const started = performance.now();
  await prepareBakeryDays(infra.db.sql, config);
  if (await catalogIsEmpty(infra.db.sql)) {
    await seedDemoCatalog(infra.db.sql);
    await seedDemoCoupons(infra.db.sql);
    await createCatalogCache(infra.store, log, 1).invalidate();
    console.log("The database was empty: the demo catalog and coupons were seeded first.");
  }
  const written = await seedHistory(infra.db.sql, {
    days,
    timeZone: config.timeZone,
    currency: config.currency,
    now: new Date(),
    log,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    written.days
      ? `History written: ${written.orders} orders on ${written.days} days, in ${seconds} s.`
      : `Every one of the last ${days} days already has orders: nothing to add.`,
  );
} finally {
  await infra.close();
}
