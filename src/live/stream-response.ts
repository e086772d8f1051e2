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
    /** More topics heard on the same stream (counted once against the cap, no first frames). */
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
  const body = live.open(topic, {
    first: options.first?.(),
    signal: c.req.raw.signal,
    sessionId: user?.sessionId,
    network: user ? undefined : network,
    visibleHeartbeat: options.visibleHeartbeat,
  });
  // The extra topics live and end with the main one, which alone follows the session and
  // counts against the cap (so a session's end is said once).
  const extra = (options.also ?? []).map((other) => live.open(other, { signal: c.req.raw.signal }));
  // Through the context, so headers set by middleware (X-Request-Id) are kept.
  return c.body(mergeStreams(body, ...extra), 200, sseHeaders);
}
