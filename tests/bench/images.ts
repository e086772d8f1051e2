/**
 * The photo pipeline on a phone photo (tests/photo-fixture.ts: 12 megapixels, ~3.5 MB of
 * JPEG with EXIF): how long making the variants takes and what they weigh.
 */
import { makeVariants } from "../../src/admin/products/image-variants.ts";
import { phonePhoto } from "../photo-fixture.ts";

export interface ImageResult {
  photoBytes: number;
  megapixels: number;
  /** Making all the variants of one photo: median of the runs, and the slowest. */
  runs: number;
  p50Ms: number;
  maxMs: number;
  variants: { width: number; bytes: number }[];
}

export async function imageBench(runs = 5): Promise<ImageResult> {
  const photo = await phonePhoto();
  await makeVariants(photo); // warm-up: loading libvips and its codecs
  const times: number[] = [];
  let variants: { width: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const made = await makeVariants(photo);
    times.push(performance.now() - started);
    variants = made.map((v) => ({ width: v.width, bytes: v.bytes.length }));
  }
  times.sort((a, b) => a - b);
  return {
    photoBytes: photo.length,
    megapixels: 12,
    runs,
    p50Ms: times[Math.floor(runs / 2)],
    maxMs: times[runs - 1],
    variants,
  };
}
