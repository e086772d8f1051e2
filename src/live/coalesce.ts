/**
 * Runs `work` for a burst of calls at most once at a time and at most once per `gapMs`: calls
 * while a run is under way share the one run that follows it. For live views that re-render
 * a whole state: a rush of orders costs a few renders, not one per order. A first call after a
 * quiet spell runs at once.
 */
export function coalesce(work: () => Promise<void>, gapMs: number): () => Promise<void> {
  let busy: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let lastStart = -Infinity;

  const run = async () => {
    const wait = lastStart + gapMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastStart = Date.now();
    await work();
  };
  const start = (): Promise<void> => {
    queued = undefined;
    const running: Promise<void> = run().finally(() => {
      if (busy === running) busy = undefined;
    });
    busy = running;
    return running;
  };
  return () => {
    if (queued) return queued;
    if (!busy) return start();
    queued = busy.then(start, start);
    return queued;
  };
}
