import sharp from "sharp";
import { IMAGE_WIDTHS } from "../../catalog/image-urls.ts";

/**
 * What the shop serves of an uploaded photo: turned upright by its EXIF orientation, cropped
 * to the shop's 4:3 frame around the centre (as the pages show it), scaled to each width of
 * IMAGE_WIDTHS, encoded as WebP, and with no metadata at all (sharp writes none unless
 * asked: no EXIF with the phone's GPS position, no XMP, no colour profile — pixels are
 * converted to sRGB).
 *
 * WebP only: AVIF measured about a quarter smaller at a like quality but took half as long
 * again to encode on this hardware, while the WebP variants already stay far under the
 * 250 KB a 1280-wide photo may weigh; every browser the shop supports shows WebP.
 */
const WEBP_QUALITY = 75;

export interface Variant {
  width: number;
  bytes: Uint8Array;
}

/** The photo's pixel size and whether its data can be decoded (a damaged file cannot). */
export async function readableImage(bytes: Uint8Array): Promise<boolean> {
  try {
    const meta = await sharp(bytes, { failOn: "error" }).metadata();
    return (meta.width ?? 0) > 0 && (meta.height ?? 0) > 0;
  } catch {
    return false;
  }
}

/** The WebP variants of a photo, smallest first. */
export async function makeVariants(original: Uint8Array): Promise<Variant[]> {
  // One decoder shared by the three outputs; libvips runs them on its own threads.
  const upright = sharp(original, { failOn: "error" }).rotate();
  return await Promise.all(IMAGE_WIDTHS.map(async (width) => {
    const bytes = await upright.clone()
      .resize(width, (width * 3) / 4, { fit: "cover", position: "centre" })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
    return { width, bytes: new Uint8Array(bytes) };
  }));
}
