/** Small image files (and the bytes of others) for the upload tests. */
import sharp from "sharp";

export const PNG_1PX = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (ch) => ch.charCodeAt(0),
);
export const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
  );
/** The first bytes of a JPEG and of a WebP file: the right signature, no picture. */
export const JPEG_HEAD = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF", [
  0,
  1,
  1,
  0,
  0,
  1,
  0,
  1,
  0,
  0,
]);
export const WEBP_HEAD = bytes("RIFF", [26, 0, 0, 0], "WEBPVP8 ", [
  14,
  0,
  0,
  0,
  0x30,
  1,
  0,
  0x9d,
  1,
  0x2a,
]);

/** A small picture in the format, `width` × `height`, left half red and right half blue. */
export async function picture(
  format: "jpeg" | "png" | "webp",
  { width = 64, height = 48, orientation }: {
    width?: number;
    height?: number;
    orientation?: number;
  } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const left = i % width < width / 2;
    pixels.set(left ? [220, 30, 30] : [30, 30, 220], i * 3);
  }
  let image = sharp(pixels, { raw: { width, height, channels: 3 } });
  // sharp writes the orientation tag itself (an Orientation given in withExif is dropped).
  if (orientation) image = image.withMetadata({ orientation });
  return new Uint8Array(await image.toFormat(format).toBuffer());
}

export const JPEG = await picture("jpeg");
export const WEBP = await picture("webp");
export const PNG = await picture("png");

export const file = (content: Uint8Array<ArrayBuffer> | string, name: string, type: string) =>
  new File([content], name, { type });
