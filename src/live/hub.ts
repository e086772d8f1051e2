import type { Logger } from "../infra/log.ts";
import { errorFields } from "../infra/log.ts";
import type { Store } from "../infra/store.ts";

/**
 * Server-sent events fan-out. Events are published through the store's pub/sub, so every
 * app instance receives each event once and writes it to the streams it holds. A frame is
 * encoded once per event and the same bytes go to every stream of its topic: Hono's
 * streamSSE would encode per stream and keep a writer pipeline per client, which is what
 * makes thousands of idle board and catalog streams expensive.
 */
export interface LiveEvent {
  /** Named events become DOM events; unnamed ones carry HTML that htmx swaps. */
  event?: string;
  data: string;
  id?: string;
}

export interface LiveHub {
  /** Publishes to every instance's streams of the topic. */
  publish(topic: string, event: LiveEvent): Promise<void>;
  /** A text/event-stream body for one client; `first` frames are sent before any event. */
  open(topic: string, options?: { first?: LiveEvent[]; signal?: AbortSignal }): ReadableStream<
    Uint8Array
  >;
  /** Streams currently held by this instance. */
  size(): number;
  close(): Promise<void>;
}

const CHANNEL = "live";
const encoder = new TextEncoder();

export function frame(event: LiveEvent): Uint8Array {
  let text = "";
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  if (event.event) text += `event: ${event.event}\n`;
  // An id alone (no data) only moves the browser's Last-Event-ID.
  if (event.data !== "" || event.id === undefined) {
    for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  }
  return encoder.encode(text + "\n");
}

export async function createLiveHub(
  store: Store,
  log: Logger,
  heartbeatMs: number,
): Promise<LiveHub> {
  const topics = new Map<string, Set<ReadableStreamDefaultController<Uint8Array>>>();
  let closed = false;

  const deliver = (topic: string, bytes: Uint8Array) => {
    const streams = topics.get(topic);
    if (!streams) return;
    for (const controller of streams) {
      try {
        controller.enqueue(bytes);
      } catch {
        streams.delete(controller);
      }
    }
  };

  const unsubscribe = await store.subscribe(CHANNEL, (message) => {
    try {
      const { topic, event } = JSON.parse(message) as { topic: string; event: LiveEvent };
      deliver(topic, frame(event));
    } catch (error) {
      log.warn("unreadable live event", errorFields(error));
    }
  });

  // One timer for all streams: a comment line keeps proxies from closing idle streams.
  const heartbeat = encoder.encode(": heartbeat\n\n");
  const timer = setInterval(() => {
    for (const topic of topics.keys()) deliver(topic, heartbeat);
  }, heartbeatMs);
  if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);

  const drop = (topic: string, controller: ReadableStreamDefaultController<Uint8Array>) => {
    const streams = topics.get(topic);
    streams?.delete(controller);
    if (streams?.size === 0) topics.delete(topic);
  };

  return {
    publish: (topic, event) => store.publish(CHANNEL, JSON.stringify({ topic, event })),
    open(topic, options = {}) {
      let held: ReadableStreamDefaultController<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          // A client that already left (or a hub shutting down) gets an ended stream.
          if (closed || options.signal?.aborted) return controller.close();
          held = controller;
          // Tell the browser how soon to reconnect after a drop.
          controller.enqueue(encoder.encode("retry: 2000\n\n"));
          for (const event of options.first ?? []) controller.enqueue(frame(event));
          let streams = topics.get(topic);
          if (!streams) topics.set(topic, streams = new Set());
          streams.add(controller);
          options.signal?.addEventListener("abort", () => {
            drop(topic, controller);
            try {
              controller.close();
            } catch { /* already closed */ }
          }, { once: true });
        },
        cancel() {
          if (held) drop(topic, held);
        },
      });
    },
    size() {
      let n = 0;
      for (const streams of topics.values()) n += streams.size;
      return n;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      for (const streams of topics.values()) {
        for (const controller of streams) {
          try {
            controller.close();
          } catch { /* already closed */ }
        }
      }
      topics.clear();
      await unsubscribe();
    },
  };
}
