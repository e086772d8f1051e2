import { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { raw } from "hono/html";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { notFound } from "../http/errors.ts";
import { CSRF_HEADER } from "../http/csrf.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";
import { asset, type ShopView } from "../../views/context.ts";

/** /api/v1 (the feature APIs), its OpenAPI 3.1 document and an interactive docs page. */
export function apiRoutes(shop: ShopView, features: OpenAPIHono<AppEnv>[]) {
  const v1 = new OpenAPIHono<AppEnv>({ defaultHook: apiHook });
  // Admin routes also take the admin's browser session (its cookie) with the page's CSRF token.
  v1.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: ACCESS_COOKIE,
    description: "The signed-in admin's browser session (admin routes only)",
  });
  v1.openAPIRegistry.registerComponent("securitySchemes", "csrfToken", {
    type: "apiKey",
    in: "header",
    name: CSRF_HEADER,
    description:
      "With the browser session, changes need the page's CSRF token (or a same-origin browser request)",
  });
  for (const feature of features) v1.route("/", feature);
  v1.all("*", () => {
    throw notFound("That API endpoint");
  });

  const document = v1.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: `${shop.name} API`,
      version: "1.0.0",
      description:
        "The JSON API of Crumb. Errors always have the shape `{ error: { code, message, fields? } }`.",
      // The repository has no LICENSE file yet: this names the intended one in one place.
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
    },
    servers: [{ url: "/api/v1" }],
  });

  return new Hono<AppEnv>()
    .route("/v1", v1)
    .get("/openapi.json", (c) => c.json(document))
    .get("/docs", (c) =>
      c.html(
        <>
          {raw("<!doctype html>")}
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>{shop.name} API</title>
              <link rel="icon" href={asset(shop, "img/logo.svg")} type="image/svg+xml" />
              <link rel="stylesheet" href={asset(shop, "vendor/swagger-ui/swagger-ui.css")} />
            </head>
            <body>
              <div id="swagger-ui" data-spec-url="/api/openapi.json"></div>
              <script src={asset(shop, "vendor/swagger-ui/swagger-ui-bundle.js")} defer></script>
              <script src={asset(shop, "api-docs.js")} defer></script>
            </body>
          </html>
        </>,
      ));
}
