import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import type { LiveEvent, LiveHub } from "./hub.ts";
import { mergeStreams } from "./merge.ts";

export const sseHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

/**
 * An event-stream response for this request. A signed-in viewer's stream belongs to their
 * session, so signing out, a new role, a disabled account or an ended session closes it on
 * every instance; an anonymous one counts against the client's network, and one past the
 * cap is refused with 429 before anything is read for it.
 */
export function liveStream(
  c: Context<AppEnv>,
  live: LiveHub,
  topic: string,
  options: {
    /** The frames that go first (read only once the stream is admitted). */
    first?: () => LiveEvent[] | Promise<LiveEvent[]>;
    visibleHeartbeat?: boolean;
    /** More topics carried on the same stream (their events interleave, frame by frame). */
    also?: string[];
  } = {},
) {
  const user = c.get("user");
  const network = clientNetwork(c.get("meta").ip);
  if (!user && !live.admits(network)) {
    throw new AppError(
      429,
      "too_many_streams",
      "Too many live pages are open from your network. Close some tabs and reload this page.",
      undefined,
      { "Retry-After": "30" },
    );
  }
  const signal = c.req.raw.signal;
  const sessionId = user?.sessionId;
  const main = live.open(topic, {
    first: options.first?.(),
    signal,
    sessionId,
    // One page, one stream against the cap, however many topics it carries.
    network: user ? undefined : network,
    visibleHeartbeat: options.visibleHeartbeat,
  });
  // The other topics live and end with the main one, which alone follows the session (so a
  // session's end is said once, then the whole stream closes).
  const more = (options.also ?? []).map((extra) => live.open(extra, { signal }));
  const body = mergeStreams(main, ...more);
  // Through the context, so headers set by middleware (X-Request-Id) are kept.
  return c.body(body, 200, sseHeaders);
}
