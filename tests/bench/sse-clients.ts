/**
 * A load-generator process for the SSE fan-out bench (tests/bench/fanout.ts): holds many
 * `GET /events/stock` streams open over raw TCP sockets, far lighter than `fetch`, and
 * notes when each one receives each stock event.
 *
 * Environment: SSE_PORT, SSE_COUNT (streams), SSE_BATCH (connections opened at a time;
 * the next batch starts once these are held), SSE_PATH (default /events/stock),
 * SSE_MARKER (default `data-stock=`, once per event).
 *
 * Writes JSON lines to stdout:
 *   {"type":"progress","held":n,"failed":n}    after each batch
 *   {"type":"ready","held":n,"failed":n}        once every batch has been tried
 *   {"type":"round","round":k,"held":n,"failed":n,"dropped":n,"times":[…]}
 *     once every held stream has seen its k-th event (k from 0), or when a line arrives on
 *     stdin; `times` holds one wall-clock arrival time (ms, performance.timeOrigin +
 *     performance.now()) per stream that saw it.
 * A stream is held once its first frame (`id: stock`) has arrived. The streams stay open
 * between and after rounds (the app's memory is read then); the process ends when stdin
 * closes.
 */

const port = Number(Deno.env.get("SSE_PORT"));
const count = Number(Deno.env.get("SSE_COUNT") ?? 1000);
const batch = Number(Deno.env.get("SSE_BATCH") ?? 250);
const path = Deno.env.get("SSE_PATH") ?? "/events/stock";
const marker = Deno.env.get("SSE_MARKER") ?? "data-stock=";
const HELD = "id: stock";
// What a read keeps of the one before: too short to hold a whole marker already counted.
const TAIL = Math.min(HELD.length, marker.length) - 1;

const request = new TextEncoder().encode(
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
    `User-Agent: crumb-bench\r\n\r\n`,
);
// The frames are ASCII; latin1 decoding is one byte per char and never fails.
const latin1 = new TextDecoder("latin1");
const clock = () => performance.timeOrigin + performance.now();

/** rounds[k]: when each stream saw its k-th event. */
const rounds: number[][] = [];
let reportedRounds = 0;
const conns = new Set<Deno.TcpConn>();
let held = 0;
let failed = 0;
/** For each stream that ended after it was held: how many events it had seen. */
const dropped: number[] = [];
let ready = false;

const emit = (message: Record<string, unknown>) => console.log(JSON.stringify(message));

function report() {
  const round = reportedRounds++;
  const gone = dropped.filter((seen) => seen <= round).length;
  emit({ type: "round", round, held, failed, dropped: gone, times: rounds[round] ?? [] });
}

function maybeDone() {
  while (ready && held > 0) {
    const round = reportedRounds;
    // With every stream gone, each round is "complete": report no further than one past.
    if (round > rounds.length) return;
    const gone = dropped.filter((seen) => seen <= round).length;
    if ((rounds[round]?.length ?? 0) + gone < held) return;
    report();
  }
}

/** Opens one stream; resolves once it is held (true) or failed (false), then keeps reading. */
function open(): Promise<boolean> {
  return new Promise((resolve) => {
    let isHeld = false;
    let events = 0;
    let tail = "";
    (async () => {
      let conn: Deno.TcpConn | undefined;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
        conns.add(conn);
        await conn.write(request);
        const buf = new Uint8Array(2048);
        while (true) {
          const n = await conn.read(buf);
          if (n === null) break;
          const text = tail + latin1.decode(buf.subarray(0, n));
          tail = text.slice(-TAIL);
          if (!isHeld) {
            if (text.startsWith("HTTP/1.1 ") && !text.startsWith("HTTP/1.1 200")) {
              throw new Error(text.slice(0, 12));
            }
            if (!text.includes(HELD)) continue;
            isHeld = true;
            held++;
            resolve(true);
          }
          let at = text.indexOf(marker);
          if (at === -1) continue; // heartbeats
          const now = clock();
          for (; at !== -1; at = text.indexOf(marker, at + marker.length)) {
            (rounds[events++] ??= []).push(now);
          }
          maybeDone();
        }
      } catch { /* refused, reset or closed by the server */ }
      if (conn) {
        conns.delete(conn);
        try {
          conn.close();
        } catch { /* closed */ }
      }
      if (!isHeld) {
        failed++;
        resolve(false);
      } else {
        dropped.push(events);
        maybeDone();
      }
    })();
  });
}

// Any line on stdin asks for the current round's report now; stdin closing ends the process.
(async () => {
  try {
    const decoder = new TextDecoder();
    for await (const chunk of Deno.stdin.readable) {
      for (const _ of decoder.decode(chunk).matchAll(/\n/g)) report();
    }
  } catch { /* closed */ }
  for (const conn of conns) {
    try {
      conn.close();
    } catch { /* closed */ }
  }
  Deno.exit(0);
})();

for (let opened = 0; opened < count; opened += batch) {
  const n = Math.min(batch, count - opened);
  await Promise.all(Array.from({ length: n }, open));
  emit({ type: "progress", held, failed });
}
ready = true;
emit({ type: "ready", held, failed });
