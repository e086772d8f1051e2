import { sha256Hex } from "../infra/digest.ts";
import type { Logger } from "../infra/log.ts";

/** How long a trace is logged without its stack after it was logged with it. */
const QUIET_MS = 60_000;
/** Traces remembered at once; the oldest is forgotten first. */
const REMEMBERED = 500;

/**
 * Unexpected errors, one log line each with the request id, so a person quoting the id of a
 * failed page can be found. The stack comes with the first of a kind and then at most once a
 * minute: a request that fails the same way a thousand times does not write a thousand stacks.
 */
export function unexpectedErrorLog(log: Logger, now: () => number = Date.now) {
  const traces = new Map<string, { quietUntil: number; repeats: number }>();

  return async (error: unknown, request: Record<string, unknown>) => {
    const { message, stack, trace } = await describe(error);
    const seen = traces.get(trace);
    const at = now();
    if (seen && at < seen.quietUntil) {
      seen.repeats++;
      log.error("unhandled error", { ...request, error: message, trace, repeated: true });
      return;
    }
    traces.delete(trace);
    traces.set(trace, { quietUntil: at + QUIET_MS, repeats: 0 });
    if (traces.size > REMEMBERED) traces.delete(traces.keys().next().value!);
    log.error("unhandled error", {
      ...request,
      error: message,
      trace,
      stack,
      ...(seen?.repeats ? { repeatsSinceLastStack: seen.repeats } : {}),
    });
  };
}

/** A short id of where an error came from: its kind and its stack frames, not its message. */
async function describe(error: unknown) {
  if (!(error instanceof Error)) {
    const message = String(error);
    return { message, stack: undefined, trace: (await sha256Hex(message)).slice(0, 12) };
  }
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const trace = (await sha256Hex(`${error.name}\n${frames.join("\n")}`)).slice(0, 12);
  return { message: error.message, stack: error.stack, trace };
}
