import { createMemoryQueue } from "./queue-memory.ts";
import { createRabbitQueue } from "./queue-rabbit.ts";
import { defaultRetryDelay, type Queue, type QueueOptions } from "./queue.ts";

/** RabbitMQ when a URL is given, otherwise the in-process queue running the same handlers. */
export function openQueue(options: QueueOptions): Promise<Queue> {
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelay;
  return options.url
    ? createRabbitQueue(options.url, options.prefix, options.log, retryDelayMs)
    : Promise.resolve(createMemoryQueue(options.log, retryDelayMs));
}
