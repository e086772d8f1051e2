/** `deno task analytics:rebuild`: recomputes every day's sales rollups from the orders. */
import { configFromEnvironment } from "../config.ts";
import { createLogger } from "../infra/log.ts";
import { openInfrastructure } from "../infra/infrastructure.ts";
import { rebuildRollups } from "../analytics/rollups.ts";

const config = configFromEnvironment();
const log = createLogger(config.logLevel);
const infra = await openInfrastructure(config, log).catch((error) => {
  console.error(error.message);
  Deno.exit(1);
});
try {
  const started = performance.now();
  const { days } = await rebuildRollups(infra.db.sql, config.timeZone);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Sales rollups rebuilt: ${days} days in ${config.timeZone}, in ${seconds} s.`);
} finally {
  await infra.close();
}
