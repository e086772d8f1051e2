import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import { seedHistory } from "./history.ts";
import { rebuildRollups, rollupsNeedBuilding } from "./rollups.ts";

/** Days of past sales a fresh demo bakery gets, so its dashboard is never empty. */
export const DEMO_HISTORY_DAYS = 90;

/**
 * What the sales figures need once the shop listens, in the background: a fresh demo bakery
 * gets its history (rollups included); a shop upgraded to analytics, or whose zone changed,
 * gets its rollups built from the orders already there. Small steps, so pages go first.
 */
export function prepareAnalytics(
  sql: Sql,
  { timeZone, currency, freshDemo, log, now = () => new Date() }: {
    timeZone: string;
    currency: string;
    freshDemo: boolean;
    log: Logger;
    now?: () => Date;
  },
): Promise<void> {
  const run = async () => {
    if (freshDemo) {
      const written = await seedHistory(sql, {
        days: DEMO_HISTORY_DAYS,
        timeZone,
        currency,
        now: now(),
        daysPerWrite: 2,
        shareDatabase: true,
      });
      log.info("demo sales history written", written);
    } else if (await rollupsNeedBuilding(sql, timeZone)) {
      const { days } = await rebuildRollups(sql, timeZone, {
        daysPerChunk: 7,
        shareDatabase: true,
      });
      log.info("sales rollups built from the orders", { days, timeZone });
    }
  };
  return run().catch((error) => log.error("sales figures not prepared", errorFields(error)));
}
