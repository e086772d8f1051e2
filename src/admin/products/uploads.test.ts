import { access, readdir, readFile, rm } from "node:fs/promises";
import sharp from "sharp";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminTestContext,
  createAdminContext,
  formData,
  get,
  htmx,
  post,
  uploadedFiles,
} from "../../../tests/admin-support.ts";
import {
  bytes,
  file,
  JPEG,
  JPEG_HEAD,
  PNG,
  PNG_1PX,
  WEBP,
  WEBP_HEAD,
} from "../../../tests/image-fixtures.ts";
import { detectImageType, imageMessages, MAX_IMAGE_BYTES } from "./images.ts";
import { IMAGE_NAME } from "./image-store.ts";

/**
 * The three WebP variants of the one upload in the folder. A photo may be finished after
 * the answer to its upload: asking for its variants waits for them.
 */
async function variantsOf(t: AdminTestContext, path: string) {
  const id = /^\/uploads\/([a-f0-9-]{36})-1280\.webp$/.exec(path)![1];
  for (const width of [320, 640, 1280]) {
    await (await get(t, `/uploads/${id}-${width}.webp`)).arrayBuffer();
  }
  expect((await uploadedFiles(t)).toSorted()).toEqual(
    [`${id}-1280.webp`, `${id}-320.webp`, `${id}-640.webp`],
  );
  return { id, largest: `${id}-1280.webp` };
}

/** Product images: upload on the product form, refusal of anything that is not an image. */

describe("image type detection", () => {
  it("knows JPEG, PNG and WebP by their first bytes only", () => {
    expect(detectImageType(JPEG_HEAD)).toBe("jpg");
    expect(detectImageType(JPEG)).toBe("jpg");
    expect(detectImageType(PNG_1PX)).toBe("png");
    expect(detectImageType(WEBP_HEAD)).toBe("webp");
    expect(detectImageType(WEBP)).toBe("webp");
    expect(detectImageType(bytes("GIF89a", [1, 0, 1, 0, 0, 0]))).toBeNull();
    expect(detectImageType(bytes("RIFF", [0, 0, 0, 0], "WAVE"))).toBeNull();
    expect(detectImageType(bytes("<svg xmlns"))).toBeNull();
    expect(detectImageType(bytes([0xff, 0xd8]))).toBeNull();
    expect(detectImageType(new Uint8Array())).toBeNull();
  });
});

describe("product image uploads", () => {
  let t: AdminTestContext;
  let product: { id: number; slug: string };

  beforeAll(async () => {
    t = await createAdminContext();
    [product] = await t.sql<{ id: number; slug: string }[]>`
      select id, slug from products where slug = 'brioche-loaf'`;
  });
  afterAll(() => t?.close());

  const stored = async () => {
    const [row] = await t.sql<{ imagePath: string | null; version: number; name: string }[]>`
      select image_path, version, name from products where id = ${product.id}`;
    return row;
  };

  /** The edit form as it is now, with changes. */
  const editForm = async (changes: Record<string, string | File>) => {
    const [p] = await t.sql<
      {
        name: string;
        priceCents: number;
        categoryId: number;
        version: number;
        lowStockThreshold: number;
      }[]
    >`select name, price_cents, category_id, version, low_stock_threshold
      from products where id = ${product.id}`;
    return {
      name: p.name,
      slug: product.slug,
      price: (p.priceCents / 100).toFixed(2),
      categoryId: String(p.categoryId),
      description: "",
      lowStockThreshold: String(p.lowStockThreshold),
      active: "1",
      version: String(p.version),
      ...changes,
    };
  };

  const originalsDir = () => join(t.uploadsDir, "..", "originals");
  const originals = async () => await readdir(originalsDir()).catch(() => [] as string[]);

  // Each refusal is checked from empty folders.
  afterEach(async () => {
    await rm(t.uploadsDir, { recursive: true, force: true });
    await rm(originalsDir(), { recursive: true, force: true });
  });

  it("keeps the upload out of the public folder and serves its WebP variants", async () => {
    const res = await post(
      t,
      `/admin/products/${product.id}`,
      t.admin,
      await editForm({ image: file(PNG, "my photo.png", "image/png") }),
    );
    expect(res.status).toBe(303);
    const { id, largest } = await variantsOf(t, (await stored()).imagePath!);
    expect(await originals()).toEqual([`${id}.png`]);
    expect(new Uint8Array(await readFile(join(originalsDir(), `${id}.png`)))).toEqual(PNG);
    expect((await stored()).imagePath).toBe(`/uploads/${largest}`);
    // The original is never served.
    expect((await get(t, `/uploads/${id}.png`)).status).toBe(404);

    for (const width of [320, 640, 1280]) {
      const image = await get(t, `/uploads/${id}-${width}.webp`);
      expect(image.status).toBe(200);
      expect(image.headers.get("Content-Type")).toBe("image/webp");
      expect(image.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(image.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      const meta = await sharp(new Uint8Array(await image.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: "webp",
        width,
        height: (width * 3) / 4,
      });
    }
    // The shop shows it, letting the browser choose the width.
    const page = await (await get(t, `/products/${product.slug}`)).text();
    expect(page).toContain(`src="/uploads/${id}-640.webp"`);
    expect(page).toContain(
      `srcset="/uploads/${id}-320.webp 320w, /uploads/${id}-640.webp 640w, /uploads/${id}-1280.webp 1280w"`,
    );
  });

  it("takes JPEG and WebP too, by content whatever the name says", async () => {
    for (const [content, name, ext] of [[JPEG, "photo.png", "jpg"], [WEBP, "x", "webp"]] as const) {
      const res = await post(
        t,
        `/admin/products/${product.id}`,
        t.admin,
        await editForm({ image: file(content, name, "application/octet-stream") }),
      );
      expect(res.status).toBe(303);
      const path = (await stored()).imagePath!;
      expect(path).toMatch(/^\/uploads\/[a-f0-9-]{36}-1280\.webp$/);
      expect(await originals()).toEqual([`${path.slice(9, 45)}.${ext}`]);
      const image = await get(t, path);
      expect(image.headers.get("Content-Type")).toBe("image/webp");
    }
  });

  it("creates a product with an image, and leaves the image alone when none is chosen", async () => {
    const [{ id: category }] = await t.sql<{ id: number }[]>`select id from categories limit 1`;
    const res = await post(t, "/admin/products", t.admin, {
      name: "Photo Bun",
      price: "1.00",
      categoryId: String(category),
      lowStockThreshold: "5",
      active: "1",
      image: file(WEBP, "bun.webp", "image/webp"),
    });
    expect(res.status).toBe(303);
    const [created] = await t.sql<{ imagePath: string }[]>`
      select image_path from products where slug = 'photo-bun'`;
    expect(created.imagePath).toMatch(/^\/uploads\/[a-f0-9-]{36}-1280\.webp$/);

    const before = await stored();
    // A browser sends an empty, unnamed part when no file was chosen.
    const res2 = await post(
      t,
      `/admin/products/${product.id}`,
      t.admin,
      await editForm({
        name: "Brioche Loaf (large)",
        image: file("", "", "application/octet-stream"),
      }),
    );
    expect(res2.status).toBe(303);
    expect(await stored()).toMatchObject({
      imagePath: before.imagePath,
      name: "Brioche Loaf (large)",
    });
  });

  const attacks: [string, () => File, string][] = [
    [
      "an HTML page named .jpg",
      () => file("<html><script>alert(1)</script></html>", "cat.jpg", "image/jpeg"),
      imageMessages.wrongType,
    ],
    [
      "an SVG with a script",
      () =>
        file(
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
          "logo.svg",
          "image/svg+xml",
        ),
      imageMessages.wrongType,
    ],
    [
      "an SVG named .png",
      () => file("<svg onload=alert(1)>", "x.png", "image/png"),
      imageMessages.wrongType,
    ],
    [
      "a GIF",
      () => file(bytes("GIF89a", [1, 0, 1, 0, 0x80, 0, 0]), "a.gif", "image/gif"),
      imageMessages.wrongType,
    ],
    [
      "a script with a JPEG name and type",
      () => file("#!/bin/sh\nrm -rf /\n", "run.jpg", "image/jpeg"),
      imageMessages.wrongType,
    ],
    [
      "a path-traversal name on text",
      () => file("root:x:0:0:root:/root:/bin/sh\n", "../../etc/passwd.jpg", "image/jpeg"),
      imageMessages.wrongType,
    ],
    ["an empty file", () => file("", "empty.png", "image/png"), imageMessages.empty],
    [
      "a JPEG that is only its first bytes",
      () => file(JPEG_HEAD, "photo.jpg", "image/jpeg"),
      imageMessages.unreadable,
    ],
    [
      "a WebP cut off after its header",
      () => file(WEBP_HEAD, "photo.webp", "image/webp"),
      imageMessages.unreadable,
    ],
    [
      "a JPEG one byte over 15 MB",
      () => {
        const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
        big.set(JPEG);
        return file(big, "huge.jpg", "image/jpeg");
      },
      imageMessages.tooBig,
    ],
  ];

  for (const [label, make, message] of attacks) {
    it(`refuses ${label}: message by the field, nothing written, product unchanged`, async () => {
      const before = await stored();
      const res = await post(
        t,
        `/admin/products/${product.id}`,
        t.admin,
        await editForm({ name: "Renamed meanwhile", image: make() }),
        htmx("product-form"),
      );
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(`<p id="product-image-error" class="field-error">${message}</p>`);
      // The rest of what was typed is kept.
      expect(html).toContain('value="Renamed meanwhile"');
      expect(await uploadedFiles(t)).toEqual([]);
      expect(await originals()).toEqual([]);
      expect(await stored()).toEqual(before);
    });
  }

  it("stores a real image sent with a path-traversal name under a generated name only", async () => {
    const res = await post(
      t,
      `/admin/products/${product.id}`,
      t.admin,
      await editForm({ image: file(JPEG, "../../../../tmp/evil.jpg", "image/jpeg") }),
    );
    expect(res.status).toBe(303);
    await variantsOf(t, (await stored()).imagePath!);
    for (const name of await uploadedFiles(t)) expect(name).toMatch(IMAGE_NAME);
    await expect(access("/tmp/evil.jpg")).rejects.toThrow();
  });

  it("refuses a body over the limit by its Content-Length without reading it", async () => {
    const before = await stored();
    let read = false;
    // No buffering ahead: pull() runs only when someone reads the body.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        read = true;
        controller.close();
      },
    }, { highWaterMark: 0 });
    const res = await t.app.request(`/admin/products/${product.id}`, {
      method: "POST",
      headers: {
        Cookie: t.admin,
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": String(16 * 1024 * 1024),
      },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toContain(
      `<p id="product-image-error" class="field-error">${imageMessages.tooBig}</p>`,
    );
    expect(html).toContain("Nothing was saved");
    expect(read).toBe(false);
    expect(await uploadedFiles(t)).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it("stops reading a body without a length once it passes the limit", async () => {
    const before = await stored();
    const form = formData(
      await editForm({ image: file(new Uint8Array(16 * 1024 * 1024), "big.jpg", "image/jpeg") }),
    );
    const request = new Request("http://localhost/", { method: "POST", body: form });
    const res = await t.app.request(`/admin/products/${product.id}`, {
      method: "POST",
      headers: {
        Cookie: t.admin,
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": request.headers.get("Content-Type")!,
      },
      body: request.body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await uploadedFiles(t)).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it("serves only generated names from the uploads folder", async () => {
    await post(
      t,
      `/admin/products/${product.id}`,
      t.admin,
      await editForm({ image: file(PNG_1PX, "a.png", "image/png") }),
    );
    const { id, largest: name } = await variantsOf(t, (await stored()).imagePath!);
    const bad = [
      "/uploads/..%2F..%2Fetc%2Fpasswd",
      "/uploads/%2e%2e%2fsecret.png",
      "/uploads/passwd.jpg",
      `/uploads/${name.toUpperCase()}`,
      `/uploads/${name.replace(".webp", ".svg")}`,
      `/uploads/${name}.html`,
      `/uploads/${id}-1281.webp`,
      `/uploads/${id}.png`,
      `/uploads/${crypto.randomUUID()}-640.webp`,
      `/uploads/${crypto.randomUUID()}.png`,
    ];
    for (const path of bad) {
      expect({ path, status: (await get(t, path)).status }).toEqual({ path, status: 404 });
    }
    expect((await get(t, "/uploads/../../etc/passwd")).status).toBe(404);
    expect((await get(t, `/uploads/${name}`)).status).toBe(200);
  });

  it("is refused to customers and staff, and to strangers", async () => {
    const before = await stored();
    for (const cookie of [t.customer, t.staff]) {
      const res = await post(
        t,
        `/admin/products/${product.id}`,
        cookie,
        await editForm({ image: file(PNG_1PX, "a.png", "image/png") }),
      );
      expect(res.status).toBe(403);
    }
    const anon = await post(
      t,
      `/admin/products/${product.id}`,
      undefined,
      await editForm({ image: file(PNG_1PX, "a.png", "image/png") }),
    );
    expect(anon.status).toBe(401);
    expect(await uploadedFiles(t)).toEqual([]);
    expect(await stored()).toEqual(before);
  });
});
