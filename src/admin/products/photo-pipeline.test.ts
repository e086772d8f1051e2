import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminTestContext,
  createAdminContext,
  get,
  post,
  uploadedFiles,
} from "../../../tests/admin-support.ts";
import { file, picture } from "../../../tests/image-fixtures.ts";
import { EXIF_MARKER, phonePhoto } from "../../../tests/photo-fixture.ts";
import { createImageStore } from "./image-store.ts";

/**
 * What happens to a phone photo: turned upright, stripped of every piece of metadata (the
 * GPS position included), cut to WebP variants small enough for a phone, its files gone
 * with it, and never in the way of the answer to the upload.
 */

let t: AdminTestContext;
let product: { id: number; slug: string };

beforeAll(async () => {
  t = await createAdminContext();
  [product] = await t.sql<{ id: number; slug: string }[]>`
    select id, slug from products where slug = 'seeded-rye'`;
});
afterAll(() => t?.close());

const originalsDir = () => join(t.dataDir, "originals");
const originals = async () => await readdir(originalsDir()).catch(() => [] as string[]);
afterEach(async () => {
  await rm(t.uploadsDir, { recursive: true, force: true });
  await rm(originalsDir(), { recursive: true, force: true });
});

const imagePath = async () =>
  (await t.sql<{ imagePath: string | null }[]>`
    select image_path from products where id = ${product.id}`)[0].imagePath;

/** Saves the edit form of the product with these changes. */
async function save(changes: Record<string, string | File>) {
  const [p] = await t.sql<
    { name: string; priceCents: number; categoryId: number; version: number }[]
  >`select name, price_cents, category_id, version from products where id = ${product.id}`;
  const res = await post(t, `/admin/products/${product.id}`, t.admin, {
    name: p.name,
    slug: product.slug,
    price: (p.priceCents / 100).toFixed(2),
    categoryId: String(p.categoryId),
    description: "",
    lowStockThreshold: "5",
    active: "1",
    version: String(p.version),
    ...changes,
  });
  expect(res.status).toBe(303);
}

const served = async (path: string) => new Uint8Array(await (await get(t, path)).arrayBuffer());
/** The photo's files, once its variants are made (asking for them waits for them). */
async function filesOf(path: string) {
  for (const url of variants(path)) await served(url);
  return { uploads: (await uploadedFiles(t)).toSorted(), originals: await originals() };
}
const latin1 = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);
const variants = (path: string) =>
  [320, 640, 1280].map((width) => path.replace("-1280.webp", `-${width}.webp`));

describe("an uploaded phone photo", () => {
  it("reaches the shop without its metadata: no EXIF, no GPS, no marker", async () => {
    const photo = await phonePhoto({ width: 1600, height: 1200 });
    expect(latin1(photo)).toContain(EXIF_MARKER);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    await save({ image: file(photo, "IMG_0001.jpg", "image/jpeg") });

    const path = (await imagePath())!;
    for (const url of variants(path)) {
      const bytes = await served(url);
      expect(latin1(bytes)).not.toContain(EXIF_MARKER);
      expect(latin1(bytes)).not.toContain("Crumbphone");
      const meta = await sharp(bytes).metadata();
      expect({ exif: meta.exif, xmp: meta.xmp, icc: meta.icc, iptc: meta.iptc }).toEqual({
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        iptc: undefined,
      });
    }
    // The original keeps it, out of the public folder.
    const [original] = await originals();
    expect(latin1(new Uint8Array(await readFile(join(originalsDir(), original))))).toContain(
      EXIF_MARKER,
    );
    expect((await get(t, `/uploads/${original}`)).status).toBe(404);
  });

  it("is turned upright by its orientation before it is cropped", async () => {
    // Stored lying on its side (left half red, right half blue), to be turned a quarter
    // clockwise for display: upright, red is on top and blue below.
    const sideways = await picture("jpeg", { width: 400, height: 300, orientation: 6 });
    await save({ image: file(sideways, "turned.jpg", "image/jpeg") });
    const bytes = await served(variants((await imagePath())!)[0]);
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i], data[i + 1], data[i + 2]];
    };
    expect({ width: info.width, height: info.height }).toEqual({ width: 320, height: 240 });
    const [top, bottom] = [at(160, 20), at(160, 220)];
    expect(top[0]).toBeGreaterThan(150);
    expect(top[2]).toBeLessThan(100);
    expect(bottom[2]).toBeGreaterThan(150);
    expect(bottom[0]).toBeLessThan(100);
  });

  it("of 12 megapixels weighs at most 250 KB at its largest", async () => {
    const photo = await phonePhoto();
    expect(photo.length).toBeGreaterThan(2_000_000);
    await save({ image: file(photo, "IMG_0002.jpg", "image/jpeg") });
    const largest = await served((await imagePath())!);
    expect(largest.length).toBeLessThanOrEqual(250 * 1024);
    const meta = await sharp(largest).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 1280, height: 960 });
  });
});

describe("a product's photo", () => {
  it("removed on the form: the product shows a drawing and its files are gone", async () => {
    await save({ image: file(await picture("png"), "a.png", "image/png") });
    const old = (await imagePath())!;
    const before = await filesOf(old);
    expect([before.uploads.length, before.originals.length]).toEqual([3, 1]);

    await save({ removeImage: "1" });
    expect(await imagePath()).toBeNull();
    expect(await uploadedFiles(t)).toEqual([]);
    expect(await originals()).toEqual([]);
    expect((await get(t, old)).status).toBe(404);
    const page = await (await get(t, `/products/${product.slug}`)).text();
    expect(page).toMatch(/src="\/static\/img\/placeholder\.svg\?v=[\w-]+"/);
  });

  it("replaced: only the new photo's files are left", async () => {
    await save({ image: file(await picture("png"), "a.png", "image/png") });
    const first = (await imagePath())!;
    await save({ image: file(await picture("webp"), "b.webp", "image/webp") });
    const second = (await imagePath())!;
    expect(second).not.toBe(first);
    const id = second.slice("/uploads/".length, "/uploads/".length + 36);
    expect(await filesOf(second)).toEqual({
      uploads: [`${id}-1280.webp`, `${id}-320.webp`, `${id}-640.webp`],
      originals: [`${id}.webp`],
    });
    expect((await get(t, first)).status).toBe(404);
  });
});

describe("the photo store", () => {
  it("answers before slow variants are made; a page asking meanwhile waits for them", async () => {
    // Waiting nothing: the answer never waits for the variants.
    const store = createImageStore(t.dataDir, { waitMs: 0 });
    const photo = await phonePhoto({ width: 2400, height: 1800 });
    const name = await store.save(file(photo, "p.jpg", "image/jpeg"), "jpg");
    expect(name).toMatch(/^[a-f0-9-]{36}-1280\.webp$/);
    const bytes = await store.read(name);
    expect((await sharp(bytes!).metadata()).width).toBe(1280);
  });

  it("makes variants lost with a restart again from the original", async () => {
    const first = createImageStore(t.dataDir);
    const name = await first.save(file(await picture("jpeg"), "p.jpg", "image/jpeg"), "jpg");
    await rm(t.uploadsDir, { recursive: true, force: true });
    const restarted = createImageStore(t.dataDir);
    expect((await sharp((await restarted.read(name))!).metadata()).format).toBe("webp");
    expect(await uploadedFiles(t)).toHaveLength(3);
    await restarted.remove(`/uploads/${name}`);
    expect(await uploadedFiles(t)).toEqual([]);
    expect(await restarted.read(name)).toBeNull();
  });
});
