/**
 * A phone photo made up for tests and the bench: 12 megapixels of smooth shapes, texture and
 * grain (compressing about as a real photo does, a few MB as JPEG), with EXIF as a phone
 * writes it: camera, time, GPS position, an orientation, and a marker string in the image
 * description that must never reach a shopper.
 */
import sharp from "sharp";

export const EXIF_MARKER = "CRUMB-EXIF-MARKER-51.5007N-0.1246W";

export interface PhotoOptions {
  width?: number;
  height?: number;
  /** EXIF orientation (1: as stored; 6: to be turned 90° clockwise for display). */
  orientation?: number;
  quality?: number;
}

/** Deterministic pseudo-random numbers, so every run gets the same photo. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function phonePhoto(
  { width = 4000, height = 3000, orientation = 1, quality = 92 }: PhotoOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const next = random(width * 31 + height);
  // Large soft shapes (loaves on a counter), drawn small and scaled up smoothly.
  const small = 160;
  const smallHeight = Math.round((small * height) / width);
  const base = new Uint8Array(small * smallHeight * 3);
  for (let i = 0; i < base.length; i += 3) {
    const x = (i / 3) % small;
    const y = Math.floor(i / 3 / small);
    base[i] = 150 + 80 * Math.sin(x / 13 + y / 29) + 20 * next();
    base[i + 1] = 110 + 60 * Math.sin(y / 11) + 20 * next();
    base[i + 2] = 70 + 50 * Math.cos((x + y) / 17) + 20 * next();
  }
  const shapes = await sharp(base, { raw: { width: small, height: smallHeight, channels: 3 } })
    .resize(width, height, { kernel: "cubic" })
    .raw()
    .toBuffer();
  // Fine texture and sensor grain over it.
  const pixels = new Uint8Array(shapes.buffer, shapes.byteOffset, shapes.length);
  for (let i = 0; i < pixels.length; i++) {
    const grain = (next() - 0.5) * 28;
    pixels[i] = Math.max(0, Math.min(255, pixels[i] + grain));
  }
  const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: {
        Make: "Crumbphone",
        Model: "Crumbphone 12",
        ImageDescription: EXIF_MARKER,
        DateTime: "2026:11:21 07:42:00",
      },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 3/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 28/1",
      },
    })
    .withMetadata({ orientation })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(jpeg);
}
