/** Small image files (and the bytes of others) for the upload tests. */

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
export const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF", [
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
export const WEBP = bytes("RIFF", [26, 0, 0, 0], "WEBPVP8 ", [
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

export const file = (content: Uint8Array<ArrayBuffer> | string, name: string, type: string) =>
  new File([content], name, { type });
