import { imageVariants } from "../../src/catalog/image-urls.ts";
import type { ShopView } from "../context.ts";

const PLACEHOLDER = "/static/img/placeholder.svg";

/**
 * A URL that never changes content: files of the build get the build's version (they are
 * cached for a year); uploaded photos have a name of their own per upload already.
 */
export function versionedImage(shop: ShopView, path: string | null): string {
  const url = path ?? PLACEHOLDER;
  return url.startsWith("/static/") && !url.includes("?") ? `${url}?v=${shop.assetVersion}` : url;
}

/**
 * A product's photo: its variants for the browser to choose from by the width it is shown
 * at (`sizes`), in a 4:3 frame whose width and height are known before it loads, so the page
 * does not move; `lazy` for photos below the fold.
 */
export function ProductImage(
  { shop, imagePath, alt, sizes, width, height, lazy, class: className }: {
    shop: ShopView;
    imagePath: string | null;
    alt: string;
    sizes: string;
    width: number;
    height: number;
    lazy: boolean;
    class: string;
  },
) {
  const variants = imageVariants(imagePath);
  return (
    <img
      src={variants ? variants[1].url : versionedImage(shop, imagePath)}
      srcset={variants ? variants.map((v) => `${v.url} ${v.width}w`).join(", ") : undefined}
      sizes={variants ? sizes : undefined}
      alt={alt}
      width={width}
      height={height}
      loading={lazy ? "lazy" : undefined}
      decoding="async"
      class={className}
    />
  );
}
