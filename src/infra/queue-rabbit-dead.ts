import type { Channel, GetMessage } from "amqplib";
import {
  DEAD_LETTER_SCAN_LIMIT,
  type DeadLetter,
  type JobMessage,
  type QueueStats,
} from "./queue.ts";
import { declareQueues, LAST_ERROR_HEADER } from "./queue-rabbit-send.ts";
import { ATTEMPT_HEADER, DEAD_AT_HEADER } from "./queue-rabbit-send.ts";
import type { Send } from "./queue-rabbit-delivery.ts";

/**
 * What the jobs screen asks of RabbitMQ, through AMQP alone (no management plugin): counts
 * from queue declarations, and dead letters read with basic.get. Messages read are held
 * unacknowledged on a channel of their own and given back (nack with requeue, which keeps
 * their place) unless retried or discarded, so a look changes nothing.
 */

type OpenChannel = () => Promise<Channel>;

/** The job inside a raw message, or a stand-in for one nobody can read. */
function jobOf(raw: GetMessage): JobMessage {
  try {
    const message = JSON.parse(raw.content.toString("utf8"));
    if (typeof message?.id === "string" && typeof message?.type === "string") return message;
  } catch { /* below */ }
  return {
    id: String(raw.properties.messageId ?? "unknown"),
    type: "unreadable",
    payload: { raw: raw.content.toString("utf8").slice(0, 1000) },
    createdAt: new Date(0).toISOString(),
  };
}

function deadLetterOf(raw: GetMessage): DeadLetter {
  const headers = raw.properties.headers ?? {};
  const job = jobOf(raw);
  // A message RabbitMQ dead-lettered itself (rejected as unreadable) carries x-death.
  const death = (headers["x-death"] as { reason?: string; time?: unknown }[] | undefined)?.[0];
  return {
    message: job,
    attempts: Number(headers[ATTEMPT_HEADER] ?? 1),
    lastError: String(
      headers[LAST_ERROR_HEADER] ??
        (job.type === "unreadable"
          ? "not a readable job message"
          : `rejected by the broker (${death?.reason ?? "unknown reason"})`),
    ),
    deadAt: typeof headers[DEAD_AT_HEADER] === "string" ? headers[DEAD_AT_HEADER] : undefined,
  };
}

/** Runs `use` on a fresh channel whose unsettled messages go back when it is done. */
async function withChannel<T>(open: OpenChannel, use: (channel: Channel) => Promise<T>) {
  const channel = await open();
  channel.on("error", () => {}); // a failed operation rejects its promise instead
  try {
    return await use(channel);
  } finally {
    await channel.close().catch(() => {});
  }
}

export function deadLetterTools(
  { open, name, send }: { open: OpenChannel; name: (queue: string) => string; send: Send },
) {
  /** Reads dead letters until `stop` says so; every one read is requeued unless `settle` takes it. */
  const scan = (
    queue: string,
    limit: number,
    visit: (raw: GetMessage) => "keep" | "take" | "stop-take",
    settle?: (channel: Channel, raw: GetMessage) => Promise<void>,
  ) =>
    withChannel(open, async (channel) => {
      await declareQueues(channel, name(queue));
      const held: GetMessage[] = [];
      let taken: GetMessage | undefined;
      try {
        while (held.length < limit) {
          const raw = await channel.get(`${name(queue)}.dead`, { noAck: false });
          if (!raw) break;
          const verdict = visit(raw);
          if (verdict === "keep") held.push(raw);
          else {
            taken = raw;
            break;
          }
        }
        if (taken && settle) await settle(channel, taken);
        else if (taken) channel.nack(taken, false, true);
      } finally {
        for (const raw of held.reverse()) channel.nack(raw, false, true);
      }
      return taken && deadLetterOf(taken);
    });

  /** Finds one dead letter by id and hands it to `settle` (which acks it when done). */
  const settleOne = (
    queue: string,
    id: string,
    settle: (channel: Channel, raw: GetMessage) => Promise<void>,
  ) =>
    scan(
      queue,
      DEAD_LETTER_SCAN_LIMIT,
      (raw) => jobOf(raw).id === id ? "stop-take" : "keep",
      settle,
    );

  return {
    stats: (queue: string): Promise<QueueStats> =>
      withChannel(open, async (channel) => {
        await declareQueues(channel, name(queue));
        const [work, retry, dead] = await Promise.all(
          ["", ".retry", ".dead"].map((suffix) => channel.checkQueue(name(queue) + suffix)),
        );
        return {
          waiting: work.messageCount,
          retrying: retry.messageCount,
          dead: dead.messageCount,
        };
      }),

    peek: async (queue: string, max: number): Promise<DeadLetter[]> => {
      const seen: DeadLetter[] = [];
      await scan(queue, max, (raw) => {
        seen.push(deadLetterOf(raw));
        return "keep";
      });
      return seen;
    },

    retry: (queue: string, id: string) =>
      settleOne(queue, id, async (channel, raw) => {
        // Back to work with fresh attempts, confirmed before the dead letter goes: a crash in
        // between leaves both, and consumers ignore an id they already handled.
        await send(name(queue), jobOf(raw), 1);
        channel.ack(raw);
      }),

    discard: (queue: string, id: string) =>
      settleOne(queue, id, (channel, raw) => {
        channel.ack(raw);
        return Promise.resolve();
      }),
  };
}
