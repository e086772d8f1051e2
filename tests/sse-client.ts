export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

export function parseFrame(raw: string): SseFrame {
  const result: SseFrame = { comments: [] };
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) {
      result.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "id" || field === "event" || field === "retry") result[field] = value;
  }
  if (data.length) result.data = data.join("\n");
  return result;
}

/** Reads SSE frames from a response body, each wait bounded by a deadline. */
export function sseClient(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";

  const read = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SSE data within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([reader.read(), deadline]).finally(() => clearTimeout(timer));
  };

  return {
    /** The next frame; null once the stream has ended. */
    async next(timeoutMs = 3000): Promise<SseFrame | null> {
      while (true) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return parseFrame(raw);
        }
        const { done, value } = await read(timeoutMs);
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** Frames until one matches; fails if the stream ends or the time is up first. */
    async until(match: (f: SseFrame) => boolean, timeoutMs = 3000): Promise<SseFrame> {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching SSE frame within ${timeoutMs} ms`);
        const next = await this.next(left);
        if (!next) throw new Error("stream ended before the expected frame");
        if (match(next)) return next;
      }
    },
    /** The next frame that is not a heartbeat (comment or `heartbeat` event). */
    async event(timeoutMs = 3000): Promise<SseFrame | null> {
      while (true) {
        const next = await this.next(timeoutMs);
        if (next === null) return null;
        const beat = next.event === "heartbeat" ||
          (next.comments.length > 0 && next.data === undefined && next.id === undefined);
        if (!beat && next.retry === undefined) return next;
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
