/**
 * Event streams as one body. Every chunk the hub writes is a whole frame (or a comment), so
 * frames of different topics interleave safely. The first stream leads: when it ends (the
 * client left, the session ended, the instance stops), the others are cancelled with it.
 */
export function mergeStreams(
  lead: ReadableStream<Uint8Array>,
  ...others: ReadableStream<Uint8Array>[]
): ReadableStream<Uint8Array> {
  if (others.length === 0) return lead;
  const leadReader = lead.getReader();
  const readers = others.map((s) => s.getReader());
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const pump = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || !open) return;
          controller.enqueue(value);
        }
      };
      for (const reader of readers) pump(reader).catch(() => {});
      pump(leadReader).catch(() => {}).finally(() => {
        open = false;
        for (const reader of readers) reader.cancel().catch(() => {});
        try {
          controller.close();
        } catch { /* the client went first */ }
      });
    },
    async cancel() {
      await Promise.allSettled([leadReader, ...readers].map((r) => r.cancel()));
    },
  });
}
