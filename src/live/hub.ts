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
  /**
   * Ends the streams of these sign-in sessions on every instance: signed out, ended by an
   * admin, the user disabled or given another role. This instance's streams end even when
   * the store cannot carry the word to the others.
   */
  endSessions(sessionIds: string[]): Promise<void>;
  /**
   * Tells every instance that the state behind a rendered view changed (`note` says what,
   * e.g. an order id). Instances render only for streams they hold: a view nobody watches
   * costs nothing (see `onNotice`, `watching`, `sendLocal`).
   */
  notify(view: string, note?: string): Promise<void>;
  /**
   * Called on this instance for every `notify` of the view, from any instance (`fromHere`:
   * this instance sent it; `at`: when it was sent, in epoch milliseconds).
   */
  onNotice(view: string, handler: (note: string, fromHere: boolean, at?: number) => void): void;
  /** Whether this instance holds a stream of the topic. */
  watching(topic: string): boolean;
  /**
   * Sends to this instance's streams of the topic only (what it rendered for them). `since`:
   * when the oldest change it shows was announced (epoch ms), for the delivery time metric.
   */
  sendLocal(topic: string, event: LiveEvent, since?: number): void;
  /** Whether one more anonymous stream from this client network fits under the cap. */
  admits(network: string): boolean;
  /** Streams currently held by this instance. */
  size(): number;
  /** Streams held by this instance by topic family (`order:42` counts as `order`). */
  sizesByFamily(): Map<string, number>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Frames sent before any event (catch-up, current state). May be a promise: the stream
   * subscribes at once and holds events published while the frames are being read, then
   * sends them after the frames (leaving out those whose id the frames already carry), so
   * nothing that happens in between is lost.
   */
  first?: LiveEvent[] | Promise<LiveEvent[]>;
  signal?: AbortSignal;
  /** The sign-in session the stream belongs to, so signing it out ends the stream. */
  sessionId?: string;
  /** For an anonymous stream: the client network it counts against (see `admits`). */
  network?: string;
  /**
   * Heartbeats as `heartbeat` events instead of comments: pages that must notice a silent
   * drop (the order board) can only see events.
   */
  visibleHeartbeat?: boolean;
}

interface StreamInfo {
  sessionId?: string;
  network?: string;
  visibleHeartbeat?: boolean;
  /** Which heartbeat tick of an interval beats this stream. */
  slot: number;
  /** Events held while the stream's first frames are still being read. */
  held?: { id?: string; bytes: Uint8Array }[];
}

const CHANNEL = "live";
/** Control messages share the channel under topics no stream can open. */
const END_SESSIONS = "\u0000end-sessions";
const NOTICE = "\u0000notice";
const encoder = new TextEncoder();
/** Tells the browser how soon to reconnect after a drop; the same bytes for every stream. */
const retryHint = encoder.encode("retry: 2000\n\n");

/**
 * Heartbeats go out in a tick of this period to the streams of one slot, each stream once
 * per heartbeat interval. Every stream at once made a burst: each enqueue runs Deno's
 * response-body pump (5-15 µs), so 10,000 streams held the main thread for 100-170 ms every
 * interval, and any request or event arriving then waited that long. In ticks, a burst is
 * a slot's share (200 streams of 10,000 at the 5 s default).
 */
const HEARTBEAT_TICK_MS = 100;

type Controller = ReadableStreamDefaultController<Uint8Array>;

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

export interface HubLimits {
  /** Concurrent anonymous streams one client network may hold on this instance. */
  anonymousPerNetwork?: number;
}

export const DEFAULT_ANONYMOUS_STREAMS = 50;

/** The family of a topic: what comes before its first colon. */
export const topicFamily = (topic: string) => topic.split(":", 1)[0];

export async function createLiveHub(
  store: Store,
  log: Logger,
  heartbeatMs: number,
  limits: HubLimits = {},
  /** Told, for each event, the seconds from its publication to its frames being written. */
  onDelivered?: (topic: string, seconds: number) => void,
): Promise<LiveHub> {
  const topics = new Map<string, Map<Controller, StreamInfo>>();
  /** Open anonymous streams per client network. */
  const anonymous = new Map<string, number>();
  const anonymousCap = limits.anonymousPerNetwork ?? DEFAULT_ANONYMOUS_STREAMS;
  let closed = false;

  const write = (
    streams: Map<Controller, StreamInfo>,
    controller: Controller,
    bytes: Uint8Array,
  ) => {
    try {
      controller.enqueue(bytes);
    } catch {
      forget(streams, controller);
    }
  };

  /** Takes a stream out of its topic, and out of its network's count once. */
  const forget = (streams: Map<Controller, StreamInfo>, controller: Controller) => {
    const info = streams.get(controller);
    if (!info) return;
    streams.delete(controller);
    if (info.network === undefined) return;
    const left = (anonymous.get(info.network) ?? 1) - 1;
    if (left > 0) anonymous.set(info.network, left);
    else anonymous.delete(info.network);
  };

  // One pass over the topic's streams, all in this turn of the event loop: measured with
  // 10,000 streams, writing in slices between turns delivered later (p99 +20-60 ms).
  const deliver = (topic: string, event: LiveEvent) => {
    const streams = topics.get(topic);
    if (!streams) return;
    const bytes = frame(event);
    for (const [controller, info] of streams) {
      if (info.held) info.held.push({ id: event.id, bytes });
      else write(streams, controller, bytes);
    }
  };

  // Notices say which instance sent them, so one that already rendered can skip its own.
  const instance = crypto.randomUUID();
  const noticeHandlers = new Map<
    string,
    ((note: string, fromHere: boolean, at?: number) => void)[]
  >();
  const noticed = (view: string, note: string, from?: string, at?: number) => {
    for (const handler of noticeHandlers.get(view) ?? []) {
      try {
        handler(note, from === instance, at);
      } catch (error) {
        log.warn("live notice not handled", { view, ...errorFields(error) });
      }
    }
  };

  const unsubscribe = await store.subscribe(CHANNEL, (message) => {
    try {
      const { topic, event, at } = JSON.parse(message) as {
        topic: string;
        event: LiveEvent;
        at?: number;
      };
      if (topic === END_SESSIONS) endLocal(new Set(JSON.parse(event.data) as string[]));
      else if (topic === NOTICE) noticed(event.event ?? "", event.data, event.id, at);
      else {
        deliver(topic, event);
        if (onDelivered && at) onDelivered(topic, Math.max(0, Date.now() - at) / 1000);
      }
    } catch (error) {
      log.warn("unreadable live event", errorFields(error));
    }
  });

  // One timer for all streams: a comment line keeps proxies from closing idle streams. Each
  // tick beats one slot's streams, so every stream beats once per heartbeatMs.
  const heartbeat = encoder.encode(": heartbeat\n\n");
  const visibleHeartbeat = frame({ event: "heartbeat", data: "" });
  const slots = Math.max(1, Math.round(heartbeatMs / HEARTBEAT_TICK_MS));
  let tick = 0;
  let nextSlot = 0;
  const timer = setInterval(() => {
    const slot = tick++ % slots;
    for (const streams of topics.values()) {
      for (const [controller, info] of streams) {
        if (info.held || info.slot !== slot) continue;
        write(streams, controller, info.visibleHeartbeat ? visibleHeartbeat : heartbeat);
      }
    }
  }, heartbeatMs / slots);
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
    if (!streams) return;
    forget(streams, controller);
    if (streams.size === 0) topics.delete(topic);
  };

  return {
    publish: (topic, event) =>
      store.publish(CHANNEL, JSON.stringify({ topic, event, at: Date.now() })),
    endSessions: async (sessionIds) => {
      if (sessionIds.length === 0) return;
      endLocal(new Set(sessionIds));
      await store.publish(
        CHANNEL,
        JSON.stringify({ topic: END_SESSIONS, event: { data: JSON.stringify(sessionIds) } }),
      );
    },
    admits: (network) => (anonymous.get(network) ?? 0) < anonymousCap,
    open(topic, options = {}) {
      let held: ReadableStreamDefaultController<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          const first = options.first ?? [];
          // A client that already left (or a hub shutting down) gets an ended stream.
          if (closed || options.signal?.aborted) {
            if (!Array.isArray(first)) first.catch(() => {});
            return controller.close();
          }
          held = controller;
          // Tell the browser how soon to reconnect after a drop.
          controller.enqueue(retryHint);
          const info: StreamInfo = {
            sessionId: options.sessionId,
            network: options.sessionId === undefined ? options.network : undefined,
            visibleHeartbeat: options.visibleHeartbeat,
            slot: nextSlot++ % slots,
          };
          if (Array.isArray(first)) {
            for (const event of first) controller.enqueue(frame(event));
          } else {
            // Subscribed before the first frames are read: events from the meantime wait.
            info.held = [];
            first.then((events) => {
              if (!topics.get(topic)?.has(controller)) return;
              const sent = new Set(events.map((e) => e.id).filter((id) => id !== undefined));
              for (const event of events) controller.enqueue(frame(event));
              for (const later of info.held ?? []) {
                if (later.id === undefined || !sent.has(later.id)) controller.enqueue(later.bytes);
              }
              info.held = undefined;
            }).catch((error) => {
              log.warn("live stream could not start", errorFields(error));
              drop(topic, controller);
              try {
                controller.close();
              } catch { /* already closed */ }
            });
          }
          let streams = topics.get(topic);
          if (!streams) topics.set(topic, streams = new Map());
          streams.set(controller, info);
          if (info.network !== undefined) {
            anonymous.set(info.network, (anonymous.get(info.network) ?? 0) + 1);
          }
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
    notify: (view, note = "") =>
      store.publish(
        CHANNEL,
        JSON.stringify({
          topic: NOTICE,
          event: { event: view, data: note, id: instance },
          at: Date.now(),
        }),
      ),
    onNotice(view, handler) {
      noticeHandlers.set(view, [...noticeHandlers.get(view) ?? [], handler]);
    },
    watching: (topic) => (topics.get(topic)?.size ?? 0) > 0,
    sendLocal(topic, event, since) {
      deliver(topic, event);
      if (onDelivered && since !== undefined && topics.has(topic)) {
        onDelivered(topic, Math.max(0, Date.now() - since) / 1000);
      }
    },
    size() {
      let n = 0;
      for (const streams of topics.values()) n += streams.size;
      return n;
    },
    sizesByFamily() {
      const sizes = new Map<string, number>();
      for (const [topic, streams] of topics) {
        const family = topicFamily(topic);
        sizes.set(family, (sizes.get(family) ?? 0) + streams.size);
      }
      return sizes;
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
      anonymous.clear();
      await unsubscribe();
    },
  };
}
