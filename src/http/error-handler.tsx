import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../infra/log.ts";
import { isDatabaseUnavailable } from "../infra/db-watch.ts";
import { StoreUnavailableError } from "../infra/store.ts";
import { databaseUnavailable } from "./database-gate.ts";
import type { ShopView } from "../../views/context.ts";
import { ErrorPage } from "../../views/error-page.tsx";
import { AppError, type ErrorBody } from "./errors.ts";
import { isHtmx } from "./htmx.ts";
import type { AppEnv } from "./env.ts";
import { viewerOf } from "./viewer.ts";
import { unexpectedErrorLog } from "./error-log.ts";

const titles: Record<number, string> = {
  400: "That request doesn't look right",
  401: "Please sign in",
  403: "That's not for you",
  404: "We couldn't find that",
  405: "That action isn't supported here",
  409: "That changed in the meantime",
  413: "That's too big",
  415: "That kind of content isn't accepted",
  422: "Please check what you entered",
  429: "Slow down a little",
  500: "Something went wrong on our side",
  503: "We're briefly unavailable",
};

const codes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal_error",
  503: "unavailable",
};

function respond(
  c: Context,
  shop: ShopView,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  fields?: Record<string, string>,
  details?: Record<string, unknown>,
) {
  if (c.req.path.startsWith("/api/")) {
    const body = {
      error: { code, message, ...(fields ? { fields } : {}), ...details },
    } as ErrorBody;
    return c.json(body, status);
  }
  const title = titles[status] ?? "Something went wrong";
  if (isHtmx(c) && c.req.header("HX-Boosted") !== "true") {
    return c.html(
      <div class="error-banner" role="alert">
        <strong>{title}.</strong> {message}
      </div>,
      status,
    );
  }
  // The header shows who is signed in, once authentication has run for this request. A
  // server error may mean the database is away or hung: its page reads nothing more (no
  // cart count, no shop details), so it answers at once.
  const seen = c.get("csrfToken") ? viewerOf(c as Context<AppEnv>) : undefined;
  const viewer = seen && status >= 500
    ? { ...seen, cartCount: Promise.resolve(0), contact: undefined }
    : seen;
  return c.html(
    <ErrorPage shop={shop} status={status} title={title} message={message} viewer={viewer} />,
    status,
  );
}

/**
 * A value the database refused as data (class 22: a NUL in text, an integer past its range, a
 * date it cannot hold). The schemas at the edge refuse these first; should one slip past them,
 * the person gets a 400 and the log says which input went unchecked.
 */
function isDataException(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === "PostgresError" &&
    /^22/.test(String((error as { code?: unknown }).code));
}

/** The one error path: known errors answer with their message, unknown ones are logged. */
export function errorHandler(log: Logger, shop: ShopView, now?: () => number): ErrorHandler {
  const logUnexpected = unexpectedErrorLog(log, now);
  return async (error, c) => {
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return respond(
        c,
        shop,
        error.status,
        error.code,
        error.message,
        error.fields,
        error.details,
      );
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      // Hono's own exceptions (malformed JSON, unsupported media) carry a usable message.
      const message = error.message || titles[status] || "The request could not be handled.";
      return respond(c, shop, status, codes[status] ?? "error", message);
    }
    const request = { requestId: c.get("requestId"), method: c.req.method, path: c.req.path };
    // An outage is not a bug: the visitor is asked to come back, with no stack trace logged.
    if (isDatabaseUnavailable(error) || error instanceof StoreUnavailableError) {
      log.warn("answered 503: a part is unavailable", {
        ...request,
        error: (error as Error).message,
      });
      const unavailable = databaseUnavailable();
      for (const [name, value] of Object.entries(unavailable.headers ?? {})) c.header(name, value);
      return respond(c, shop, 503, unavailable.code, unavailable.message);
    }
    if (isDataException(error)) {
      log.warn("input reached the database unchecked", {
        ...request,
        code: error.code,
        error: error.message,
      });
      return respond(
        c,
        shop,
        400,
        "bad_request",
        "Something in that request is not in a form the shop can take, such as an unusual character or a number that is too large.",
      );
    }
    await logUnexpected(error, request);
    return respond(
      c,
      shop,
      500,
      "internal_error",
      "Sorry, that didn't work. Please try again in a moment.",
    );
  };
}

export function notFoundHandler(shop: ShopView): NotFoundHandler {
  return (c) =>
    respond(c, shop, 404, "not_found", "There is nothing at this address. It may have moved.");
}
