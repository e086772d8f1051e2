import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";
import { IMAGE_NAME, type ImageStore } from "./image-store.ts";
import { imageContentTypes, type ImageType } from "./images.ts";

/**
 * GET /uploads/:name — product images for everyone (the shop shows them). Only generated
 * names pass, so no other file can be reached; the type comes from the stored extension.
 */
export function uploadRoutes(images: ImageStore) {
  return new Hono<AppEnv>().get("/uploads/:name", async (c) => {
    const name = c.req.param("name");
    const bytes = IMAGE_NAME.test(name) ? await images.read(name) : null;
    if (!bytes) throw notFound("That image");
    const type = name.slice(name.lastIndexOf(".") + 1) as ImageType;
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": imageContentTypes[type],
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "public, max-age=31536000, immutable",
    });
  });
}
