import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "./errors.ts";

/** Forms of the shop and its admin: text only, so 64 KB is far more than any of them needs. */
export const FORM_BODY_BYTES = 64 * 1024;
/** JSON bodies of the API: an order of 100 lines is a few KB. */
export const API_BODY_BYTES = 256 * 1024;

/** A class of routes and the most its request bodies may hold. */
export interface BodyClass {
  /** Named in the answer: "this form", "the request body". */
  what: string;
  maxBytes: number;
  /**
   * Counted as it is read, not read up front: for uploads, whose routes check the user's role
   * before they read the body (and give their own answer when it is too big), so an anonymous
   * request never makes the server hold megabytes.
   */
  lazy?: boolean;
}

export interface BodyLimitRule extends BodyClass {
  matches: (method: string, path: string) => boolean;
}

const kilobytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${bytes / 1024} KB`;

/** The 413 of a class: the JSON error shape on the API, an error page otherwise. */
export const tooLarge = (limit: BodyClass) =>
  new AppError(
    413,
    "payload_too_large",
    `That is more than ${limit.what} accepts (at most ${kilobytes(limit.maxBytes)}).`,
  );

/**
 * Limits every request body before anything reads it (CSRF, authentication, parsers): the
 * first rule that matches the route decides, else `fallback`. Bytes are counted as they
 * arrive; a declared Content-Length is used only to refuse early, never to let a body through
 * uncounted (Hono's own `bodyLimit` believes it). A body past the limit is not read further.
 */
export function bodyLimits(rules: BodyLimitRule[], fallback: BodyClass): MiddlewareHandler {
  return async function limitBody(c, next) {
    const body = c.req.raw.body;
    if (!body) return await next();
    const limit = rules.find((rule) => rule.matches(c.req.method, c.req.path)) ?? fallback;
    // An upload's route refuses a declared size itself, after its checks, in its own words.
    if (!limit.lazy && Number(c.req.header("Content-Length")) > limit.maxBytes) {
      body.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    if (limit.lazy) {
      const counted = countAsRead(body, limit);
      replaceBody(c, counted.stream);
      try {
        return await next();
      } finally {
        counted.release();
      }
    }
    let bytes: Uint8Array<ArrayBuffer> | null;
    try {
      bytes = await readUpTo(body, limit.maxBytes);
    } catch {
      // The client went away mid-body, or sent a broken chunked encoding.
      throw new AppError(400, "bad_request", "The request body could not be read.");
    }
    if (!bytes) throw tooLarge(limit);
    await refuseUnreadableForm(c.req.header("Content-Type"), bytes, { files: [] });
    replaceBody(c, bytes);
    await next();
  };
}

/**
 * A route's own limit, where the route wants it checked (an upload, after the role check): the
 * body is read up to `maxBytes`, counted like `bodyLimits` counts, and past it `onTooLarge`
 * answers. A form in it that cannot be parsed, or with a file outside `fileFields`, is a 400.
 */
export function routeBodyLimit(
  maxBytes: number,
  onTooLarge: (c: Context) => Response | Promise<Response>,
  fileFields: string[] = [],
): MiddlewareHandler {
  return async function limitRouteBody(c, next) {
    const body = c.req.raw.body;
    if (!body) return await next();
    if (Number(c.req.header("Content-Length")) > maxBytes) {
      body.cancel().catch(() => {});
      return await onTooLarge(c);
    }
    let bytes: Uint8Array<ArrayBuffer> | null;
    try {
      bytes = await readUpTo(body, maxBytes);
    } catch {
      throw new AppError(400, "bad_request", "The request body could not be read.");
    }
    if (!bytes) return await onTooLarge(c);
    await refuseUnreadableForm(c.req.header("Content-Type"), bytes, { files: fileFields });
    replaceBody(c, bytes);
    await next();
  };
}

const FORM_TYPES = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;

/**
 * A form body that cannot be parsed (multipart without a boundary, cut short, with broken part
 * headers) is a 400 here, once, rather than a failure in whichever route reads it; so is a file
 * anywhere but in the fields named in `files` (none, but for uploads). Parsed the way Hono's
 * `parseBody` parses it, from the bytes already in hand.
 */
async function refuseUnreadableForm(
  type: string | undefined,
  bytes: Uint8Array<ArrayBuffer>,
  { files }: { files: string[] },
) {
  if (!type || !FORM_TYPES.test(type)) return;
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
  } catch {
    throw new AppError(
      400,
      "bad_request",
      "The form could not be read. Reload the page and send it again.",
    );
  }
  for (const [name, value] of form) {
    if (typeof value !== "string" && !files.includes(name)) {
      const message = files.length
        ? "A file was sent where text belongs."
        : "This form takes no files.";
      throw new AppError(400, "bad_request", message, {
        [name]: "This field takes text, not a file.",
      });
    }
  }
}

function replaceBody(c: Context, body: BodyInit) {
  c.req.raw = new Request(c.req.raw, { body, duplex: "half" } as RequestInit);
}

/**
 * The whole body when it has at most `max` bytes; null (and the rest unread) otherwise, also
 * when a limit counted further up says it is too large.
 */
export async function readUpTo(
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  let buffer: Uint8Array<ArrayBuffer> = new Uint8Array(Math.min(max, 16 * 1024));
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (error instanceof AppError && error.status === 413) return null;
      throw error;
    }
    const { done, value } = chunk;
    if (done) return buffer.subarray(0, size);
    if (size + value.length > max) {
      // Not awaited: cancelling one branch of a tee (a cloned request) settles only once the
      // other branch is cancelled too.
      reader.cancel().catch(() => {});
      return null;
    }
    if (size + value.length > buffer.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(size + value.length, buffer.length * 2)));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.length;
  }
}

/**
 * The same body, failing with a 413 once more than the limit has been read. Nothing is read
 * ahead of the reader; `release` drops what nobody read, so the answer is not held back by an
 * upload still arriving.
 */
function countAsRead(body: ReadableStream<Uint8Array>, limit: BodyClass) {
  const reader = body.getReader();
  let size = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      size += value.length;
      if (size <= limit.maxBytes) return controller.enqueue(value);
      reader.cancel().catch(() => {});
      controller.error(tooLarge(limit));
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  return { stream, release: () => void reader.cancel().catch(() => {}) };
}
