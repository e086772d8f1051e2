import { z } from "zod";
import type { Sql } from "../../src/infra/db.ts";
import type { JobHandler } from "../../src/infra/queue.ts";
import { recordProductView } from "../../src/catalog/queries.ts";
import { ANALYTICS_QUEUE } from "../../src/jobs/names.ts";
import { onceByMessageId } from "./once.ts";

const productViewed = z.object({
  productId: z.number().int().positive(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** Counts product page views per day, for the admin's popularity figures. */
export function analyticsHandler(sql: Sql): JobHandler {
  return (message) =>
    onceByMessageId(sql, ANALYTICS_QUEUE, message, async (tx) => {
      switch (message.type) {
        case "product.viewed": {
          const { productId, day } = productViewed.parse(message.payload);
          await recordProductView(tx, productId, day);
          return;
        }
        default:
          throw new Error(`analytics cannot handle messages of type ${message.type}`);
      }
    });
}
