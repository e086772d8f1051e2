import { recordAudit } from "../../audit/record.ts";
import type { Catalog } from "../../catalog/service.ts";
import type { Sql, Tx } from "../../infra/db.ts";
import type { ImageStore } from "./image-store.ts";
import { UPLOADS_PATH } from "./image-store.ts";
import type { ImageType } from "./images.ts";
import {
  type AdminProduct,
  categoryExists,
  insertProduct,
  lockProduct,
  type ProductRecord,
  setProductActive,
  slugOwner,
  updateProduct,
} from "./queries.ts";
import type { ProductInput } from "./schema.ts";
import { isUniqueViolation, type Who } from "../shared/form-kit.ts";

/** Creating, editing, archiving products: each in one transaction with its audit row. */

/** A photo chosen on the form, the photo to be removed, or no change. */
export type NewImage = { file: File; type: ImageType } | "remove" | undefined;

export type SaveResult =
  | { kind: "saved"; id: number }
  | { kind: "invalid"; fields: Record<string, string> }
  | { kind: "conflict"; current: AdminProduct }
  | { kind: "missing" };

const slugTaken = (name: string) => ({
  slug: `That slug is already used by “${name}”. Choose another one.`,
});
/** A saved write may name a photo the product no longer shows. */
type Saved = Exclude<SaveResult, { kind: "saved" }> | {
  kind: "saved";
  id: number;
  dropped?: string;
};

const SLUG_RACE = { slug: "That slug was just taken by another product. Choose another one." };
const NO_CATEGORY = { categoryId: "That category no longer exists. Choose another one." };

/** The fields that differ, as { column: { from, to } }, for the audit log. */
function changesOf(before: AdminProduct, after: ProductRecord) {
  const pairs: [string, unknown, unknown][] = [
    ["name", before.name, after.name],
    ["slug", before.slug, after.slug],
    ["price_cents", before.priceCents, after.price],
    ["category_id", before.categoryId, after.categoryId],
    ["description", before.description, after.description],
    ["allergens", before.allergens.join(","), after.allergens.join(",")],
    ["low_stock_threshold", before.lowStockThreshold, after.lowStockThreshold],
    ["active", before.active, after.active],
    ["image_path", before.imagePath, after.imagePath],
  ];
  return Object.fromEntries(
    pairs.filter(([, from, to]) => from !== to).map(([key, from, to]) => [key, { from, to }]),
  );
}

export function productWrites(
  { sql, catalog, images }: { sql: Sql; catalog: Pick<Catalog, "changed">; images: ImageStore },
) {
  /**
   * Stores a new photo (before the transaction: making its variants takes a while, and no
   * row lock or connection is held meanwhile), then runs `write` in a transaction with the
   * path the product's photo is to have (undefined: keep it). A stored photo is removed
   * again if the transaction does not commit or the write is refused; a photo the product
   * no longer shows is removed after the commit. The catalog cache is dropped after a save.
   */
  async function withImage(
    image: NewImage,
    write: (tx: Tx, imagePath: string | null | undefined) => Promise<Saved>,
  ): Promise<SaveResult> {
    const stored = image && image !== "remove"
      ? await images.save(image.file, image.type)
      : undefined;
    const imagePath = stored ? UPLOADS_PATH + stored : image === "remove" ? null : undefined;
    let result: Saved;
    try {
      result = await sql.begin((tx) => write(tx, imagePath));
    } catch (error) {
      if (stored) await images.remove(stored);
      if (isUniqueViolation(error)) return { kind: "invalid", fields: SLUG_RACE };
      throw error;
    }
    if (result.kind !== "saved") {
      if (stored) await images.remove(stored);
      return result;
    }
    await catalog.changed();
    if (result.dropped) await images.remove(result.dropped);
    return { kind: "saved", id: result.id };
  }

  /** A problem with the category or slug the form names, or undefined. */
  async function referenceProblem(tx: Tx, input: ProductInput, id?: number) {
    if (!await categoryExists(tx, input.categoryId)) return NO_CATEGORY;
    const owner = await slugOwner(tx, input.slug, id);
    return owner ? slugTaken(owner.name) : undefined;
  }

  return {
    create(input: ProductInput, image: NewImage, who: Who): Promise<SaveResult> {
      return withImage(image, async (tx, imagePath) => {
        const problem = await referenceProblem(tx, input);
        if (problem) return { kind: "invalid", fields: problem };
        const record = { ...input, imagePath: imagePath ?? null };
        const row = await insertProduct(tx, record);
        if (!row) return { kind: "invalid", fields: SLUG_RACE };
        await recordAudit(tx, {
          ...who,
          action: "product.created",
          entityType: "product",
          entityId: row.id,
          details: { slug: record.slug, name: record.name, price_cents: record.price },
        });
        return { kind: "saved", id: row.id };
      });
    },

    /** Saves the form if the product is still at `version`; else the stored product. */
    save(
      id: number,
      version: number,
      input: ProductInput,
      image: NewImage,
      who: Who,
    ): Promise<SaveResult> {
      return withImage(image, async (tx, imagePath) => {
        const current = await lockProduct(tx, id);
        if (!current) return { kind: "missing" };
        if (current.version !== version) return { kind: "conflict", current };
        const problem = await referenceProblem(tx, input, id);
        if (problem) return { kind: "invalid", fields: problem };
        const record = {
          ...input,
          imagePath: imagePath === undefined ? current.imagePath : imagePath,
        };
        const newVersion = await updateProduct(tx, id, record);
        await recordAudit(tx, {
          ...who,
          action: "product.updated",
          entityType: "product",
          entityId: id,
          details: { changes: changesOf(current, record), version: newVersion },
        });
        // The photo it showed before goes once the new one is saved.
        const replaced = current.imagePath !== record.imagePath ? current.imagePath : null;
        return { kind: "saved", id, dropped: replaced ?? undefined };
      });
    },

    /** Archives (gone from the shop, kept on past orders) or restores; false if unknown. */
    async setActive(id: number, active: boolean, who: Who): Promise<boolean> {
      const found = await sql.begin(async (tx) => {
        const row = await setProductActive(tx, id, active);
        if (!row) return false;
        await recordAudit(tx, {
          ...who,
          action: active ? "product.restored" : "product.archived",
          entityType: "product",
          entityId: id,
          details: { name: row.name, was_active: row.wasActive },
        });
        return true;
      });
      if (found) await catalog.changed();
      return found;
    },
  };
}

export type ProductWrites = ReturnType<typeof productWrites>;
