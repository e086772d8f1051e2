import type { Queryable } from "../../infra/db.ts";
import type { ShopDetails } from "../../shop/details.ts";

/** The details, locked until the transaction ends, to audit what a save changed. */
export async function lockShopDetails(tx: Queryable): Promise<ShopDetails> {
  const [row] = await tx<ShopDetails[]>`
    select name, address, phone, email, map_url from shop_details for update`;
  return row;
}

export async function writeShopDetails(tx: Queryable, d: ShopDetails) {
  await tx`
    update shop_details set name = ${d.name}, address = ${d.address}, phone = ${d.phone},
      email = ${d.email}, map_url = ${d.mapUrl}, updated_at = now()`;
}
