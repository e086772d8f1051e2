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
  open(topic: string, options?: OpenOptions): ReadableStream<Uint8Array>;
  /** Ends the streams of these sign-in sessions on every instance (a kiosk signed out). */
  endSessions(sessionIds: string[]): Promise<void>;
  /** Streams currently held by this instance. */
  size(): number;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Frames sent before any event (catch-up, current state). */
  first?: LiveEvent[];
  signal?: AbortSignal;
  /** The sign-in session the stream belongs to, so signing it out ends the stream. */
  sessionId?: string;
  /**
   * Heartbeats as `heartbeat` events instead of comments: pages that must notice a silent
   * drop (the order board) can only see events.
   */
  visibleHeartbeat?: boolean;
}

interface StreamInfo {
  sessionId?: string;
  visibleHeartbeat?: boolean;
}

const CHANNEL = "live";
/** Control messages share the channel under a topic no stream can open. */
const END_SESSIONS = "\u0000end-sessions";
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
  const topics = new Map<string, Map<ReadableStreamDefaultController<Uint8Array>, StreamInfo>>();
  let closed = false;

  const deliver = (topic: string, bytes: Uint8Array, only?: (info: StreamInfo) => boolean) => {
    const streams = topics.get(topic);
    if (!streams) return;
    for (const [controller, info] of streams) {
      if (only && !only(info)) continue;
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
      if (topic === END_SESSIONS) endLocal(new Set(JSON.parse(event.data) as string[]));
      else deliver(topic, frame(event));
    } catch (error) {
      log.warn("unreadable live event", errorFields(error));
    }
  });

  // One timer for all streams: a comment line keeps proxies from closing idle streams.
  const heartbeat = encoder.encode(": heartbeat\n\n");
  const visibleHeartbeat = frame({ event: "heartbeat", data: "" });
  const timer = setInterval(() => {
    for (const streams of topics.values()) {
      for (const [controller, info] of streams) {
        try {
          controller.enqueue(info.visibleHeartbeat ? visibleHeartbeat : heartbeat);
        } catch {
          streams.delete(controller);
        }
      }
    }
  }, heartbeatMs);
  if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);

  const ended = frame({ event: "session-ended", data: "" });
  function endLocal(sessionIds: Set<string>) {
    for (const [topic, streams] of topics) {
      for (const [controller, info] of streams) {
        if (!info.sessionId || !sessionIds.has(info.sessionId)) continue;
        drop(topic, controller);
        try {
          controller.enqueue(ended);
          controller.close();
        } catch { /* already closed */ }
      }
    }
  }

  const drop = (topic: string, controller: ReadableStreamDefaultController<Uint8Array>) => {
    const streams = topics.get(topic);
    streams?.delete(controller);
    if (streams?.size === 0) topics.delete(topic);
  };

  return {
    publish: (topic, event) => store.publish(CHANNEL, JSON.stringify({ topic, event })),
    endSessions: async (sessionIds) => {
      if (sessionIds.length === 0) return;
      await store.publish(
        CHANNEL,
        JSON.stringify({ topic: END_SESSIONS, event: { data: JSON.stringify(sessionIds) } }),
      );
    },
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
          if (!streams) topics.set(topic, streams = new Map());
          streams.set(controller, {
            sessionId: options.sessionId,
            visibleHeartbeat: options.visibleHeartbeat,
          });
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
        for (const controller of streams.keys()) {
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
