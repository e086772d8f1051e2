/**
 * Product images: only JPEG, PNG and WebP, recognised by their first bytes and readable as
 * such; the name and the Content-Type a browser sends are never believed.
 */
import { readableImage } from "./image-variants.ts";

/** What phones take (a 12-megapixel JPEG is 3-6 MB, a 48-megapixel one up to 15). */
export const MAX_IMAGE_MB = 15;
export const MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024;
/** What the other fields of the product form may add to an upload at most. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;
/** The most a product form with its image may hold. */
export const UPLOAD_BYTES = MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES;
/** The routes whose forms carry an image: new product and edit product. */
export const takesImageUpload = (method: string, path: string) =>
  method === "POST" && /^\/admin\/products(\/\d+)?$/.test(path);
export const IMAGE_ACCEPT = "image/jpeg,image/png,image/webp";

export type ImageType = "jpg" | "png" | "webp";

export const imageContentTypes: Record<ImageType, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

/** The image type of these first bytes (at least 12), or null for anything else. */
export function detectImageType(head: Uint8Array): ImageType | null {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpg";
  if (head.length >= 8 && PNG.every((byte, i) => head[i] === byte)) return "png";
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") {
    return "webp";
  }
  return null;
}

export const imageMessages = {
  tooBig: `That image is larger than ${MAX_IMAGE_MB} MB. Choose a smaller one.`,
  empty: "That file is empty. Choose a JPEG, PNG or WebP image.",
  wrongType: "Only JPEG, PNG or WebP images are accepted, and that file is none of them.",
  unreadable: "That image could not be read: it may be damaged. Choose another one.",
};

export type ImageCheck =
  | { kind: "none" }
  | { kind: "ok"; file: File; type: ImageType }
  | { kind: "error"; message: string };

/** What the form's file field holds: nothing chosen, an acceptable image, or a problem. */
export async function checkImage(value: unknown): Promise<ImageCheck> {
  if (!(value instanceof File)) return { kind: "none" };
  // A browser sends an unnamed, empty part when no file was chosen.
  if (value.size === 0) return value.name === "" ? { kind: "none" } : error("empty");
  if (value.size > MAX_IMAGE_BYTES) return error("tooBig");
  const type = detectImageType(new Uint8Array(await value.slice(0, 12).arrayBuffer()));
  if (!type) return error("wrongType");
  // The right first bytes, then anything: a photo the shop cannot turn into its variants.
  if (!await readableImage(new Uint8Array(await value.arrayBuffer()))) return error("unreadable");
  return { kind: "ok", file: value, type };
}

const error = (key: keyof typeof imageMessages): ImageCheck => ({
  kind: "error",
  message: imageMessages[key],
});
