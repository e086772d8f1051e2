import type { Sql, Tx } from "../../src/infra/db.ts";
import type { JobMessage } from "../../src/infra/queue.ts";

/**
 * Runs `work` and records the message id in the same transaction: a redelivered message
 * (the broker gave it again after a crash before the ack) finds its id and changes nothing.
 */
export async function onceByMessageId(
  sql: Sql,
  queue: string,
  message: JobMessage,
  work: (tx: Tx) => Promise<void>,
): Promise<void> {
  await sql.begin(async (tx) => {
    const [fresh] = await tx`
      insert into processed_messages (message_id, queue) values (${message.id}, ${queue})
      on conflict (message_id) do nothing
      returning message_id`;
    if (!fresh) return;
    await work(tx);
  });
}
