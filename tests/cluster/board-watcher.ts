import { parseFrame } from "../sse-client.ts";

/**
 * A board screen as a browser runs it: an event stream through the proxy that, when it ends
 * or fails, connects again with the last event id it saw (as EventSource does), recording
 * every drop and how long the next first frame took to come.
 */
export function watchBoard(url: string, cookie: string) {
  let lastId: string | undefined;
  let lastBoard = "";
  const ids: number[] = [];
  const reconnectMs: number[] = [];
  let connections = 0;
  let stopped = false;
  const abort = new AbortController();
  let reader: ReadableStreamDefaultReader<string> | undefined;

  const run = (async () => {
    let droppedAt: number | undefined;
    while (!stopped) {
      try {
        const res = await fetch(url, {
          headers: {
            Cookie: cookie,
            Accept: "text/event-stream",
            ...(lastId ? { "Last-Event-ID": lastId } : {}),
          },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`status ${res.status}`);
        connections++;
        reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) !== -1) {
            const frame = parseFrame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (droppedAt !== undefined && (frame.id || frame.event === "heartbeat")) {
              reconnectMs.push(performance.now() - droppedAt);
              droppedAt = undefined;
            }
            if (frame.id) {
              lastId = frame.id;
              ids.push(Number(frame.id));
            }
            if (frame.data && frame.event === undefined) lastBoard = frame.data;
          }
        }
      } catch {
        if (stopped) break;
      }
      if (stopped) break;
      droppedAt ??= performance.now();
      // EventSource waits the stream's retry hint; shorter here to keep the test quick.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  return {
    get board() {
      return lastBoard;
    },
    ids,
    reconnectMs,
    get connections() {
      return connections;
    },
    async stop() {
      stopped = true;
      abort.abort();
      await reader?.cancel().catch(() => {});
      await run;
    },
  };
}
