import { access, readFile, rm } from "node:fs/promises";
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
import { bytes, file, JPEG, PNG_1PX, WEBP } from "../../../tests/image-fixtures.ts";
import { detectImageType, imageMessages, MAX_IMAGE_BYTES } from "./images.ts";
import { IMAGE_NAME } from "./image-store.ts";

/** Product images: upload on the product form, refusal of anything that is not an image. */

describe("image type detection", () => {
  it("knows JPEG, PNG and WebP by their first bytes only", () => {
    expect(detectImageType(JPEG)).toBe("jpg");
    expect(detectImageType(PNG_1PX)).toBe("png");
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

  // Each refusal is checked from an empty uploads folder.
  afterEach(async () => {
    await rm(t.uploadsDir, { recursive: true, force: true });
  });

  it("stores an upload under a generated name and serves it", async () => {
    const res = await post(
      t,
      `/admin/products/${product.id}`,
      t.admin,
      await editForm({ image: file(PNG_1PX, "my photo.png", "image/png") }),
    );
    expect(res.status).toBe(303);
    const files = await uploadedFiles(t);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(IMAGE_NAME);
    expect(files[0].endsWith(".png")).toBe(true);
    expect((await stored()).imagePath).toBe(`/uploads/${files[0]}`);
    expect(new Uint8Array(await readFile(join(t.uploadsDir, files[0])))).toEqual(PNG_1PX);

    const image = await get(t, `/uploads/${files[0]}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("Content-Type")).toBe("image/png");
    expect(image.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(image.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG_1PX);
    // The shop shows it.
    expect(await (await get(t, `/products/${product.slug}`)).text()).toContain(
      `src="/uploads/${files[0]}"`,
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
      expect((await stored()).imagePath).toMatch(new RegExp(`^/uploads/[a-f0-9-]{36}\\.${ext}$`));
      const image = await get(t, (await stored()).imagePath!);
      expect(image.headers.get("Content-Type")).toBe(`image/${ext === "jpg" ? "jpeg" : ext}`);
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
    expect(created.imagePath).toMatch(/^\/uploads\/[a-f0-9-]{36}\.webp$/);

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
      "a JPEG one byte over 5 MB",
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
    const files = await uploadedFiles(t);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(IMAGE_NAME);
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
        "Content-Length": String(8 * 1024 * 1024),
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
      await editForm({ image: file(new Uint8Array(7 * 1024 * 1024), "big.jpg", "image/jpeg") }),
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
    const [name] = await uploadedFiles(t);
    const bad = [
      "/uploads/..%2F..%2Fetc%2Fpasswd",
      "/uploads/%2e%2e%2fsecret.png",
      "/uploads/passwd.jpg",
      `/uploads/${name.toUpperCase()}`,
      `/uploads/${name.replace(".png", ".svg")}`,
      `/uploads/${name}.html`,
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
