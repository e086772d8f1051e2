/**
 * Where product photos are served. An uploaded photo is kept as WebP variants of these
 * widths, cropped to the shop's 4:3 frame, at `/uploads/<id>-<width>.webp`; a product's
 * `imagePath` names the largest. Every such URL is unique to its upload, so it never changes
 * content and is cached for good. Other paths (the demo illustrations under /static, photos
 * uploaded before variants existed) are single files.
 */
export const IMAGE_WIDTHS = [320, 640, 1280] as const;
export const LARGEST_WIDTH = IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1];

const variantsPath = /^\/uploads\/([a-f0-9-]{36})-1280\.webp$/;

export const variantName = (id: string, width: number) => `${id}-${width}.webp`;

/** The variants of a photo by width, smallest first; null for a single file. */
export function imageVariants(path: string | null): { width: number; url: string }[] | null {
  const match = path === null ? null : variantsPath.exec(path);
  if (!match) return null;
  return IMAGE_WIDTHS.map((width) => ({ width, url: `/uploads/${variantName(match[1], width)}` }));
}
