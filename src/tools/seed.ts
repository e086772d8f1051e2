/** `deno task seed`: inserts the demo catalog's missing pieces. Refused in production. */
import { configFromEnvironment } from "../config.ts";
import { createLogger } from "../infra/log.ts";
import { openInfrastructure } from "../infra/infrastructure.ts";
import { seedDemoCatalog } from "../catalog/seed.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";
import { createCatalogCache } from "../catalog/cache.ts";
import { demoAccounts, generateDemoPassword, seedDemoAccounts } from "../accounts/demo.ts";

const config = configFromEnvironment();
if (config.env === "production") {
  console.error("Refusing to seed demo data: CRUMB_ENV is production.");
  Deno.exit(1);
}
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log).catch((error) => {
  console.error(error.message);
  Deno.exit(1);
});
try {
  const { productsCreated } = await seedDemoCatalog(infra.db.sql);
  await seedDemoCoupons(infra.db.sql);
  await createCatalogCache(infra.store, log, 1).invalidate();
  console.log(
    productsCreated
      ? `Demo catalog seeded: ${productsCreated} products added.`
      : "Demo catalog already present: nothing to add.",
  );
  const password = config.demoPassword ?? generateDemoPassword();
  await seedDemoAccounts(infra.db.sql, password);
  console.log(
    `Demo accounts ${demoAccounts.map((a) => a.email).join(", ")} have the password ${password}`,
  );
} finally {
  await infra.close();
}
