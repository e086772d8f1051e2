/**
 * Event streams as one body. Every chunk the hub writes is a whole frame (or a comment), so
 * frames of different topics interleave safely; the body ends when all of them have ended.
 */
export function mergeStreams(...streams: ReadableStream<Uint8Array>[]): ReadableStream<Uint8Array> {
  if (streams.length === 1) return streams[0];
  const readers = streams.map((s) => s.getReader());
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const pump = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          controller.enqueue(value);
        }
      };
      Promise.allSettled(readers.map(pump)).then(() => {
        try {
          controller.close();
        } catch { /* the client went first */ }
      });
    },
    async cancel() {
      await Promise.allSettled(readers.map((r) => r.cancel()));
    },
  });
}
