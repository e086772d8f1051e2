/** `deno task seed`: inserts the demo catalog's missing pieces. Refused in production. */
import { configFromEnvironment } from "../config.ts";
import { createLogger } from "../infra/log.ts";
import { openInfrastructure } from "../infra/infrastructure.ts";
import { seedDemoCatalog } from "../catalog/seed.ts";
import { createCatalogCache } from "../catalog/cache.ts";

const config = configFromEnvironment();
if (config.env === "production") {
  console.error("Refusing to seed demo data: CRUMB_ENV is production.");
  Deno.exit(1);
}
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log);
try {
  const { productsCreated } = await seedDemoCatalog(infra.db.sql);
  await createCatalogCache(infra.store, log, 1).invalidate();
  console.log(
    productsCreated
      ? `Demo catalog seeded: ${productsCreated} products added.`
      : "Demo catalog already present: nothing to add.",
  );
} finally {
  await infra.close();
}
