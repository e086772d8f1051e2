import type { ShopView } from "../../views/context.ts";
import type { AppDeps, Services } from "../app.ts";

/** What every admin screen gets: the shop, the infrastructure, the services, the clock. */
export interface AdminDeps {
  shop: ShopView;
  deps: AppDeps;
  services: Services;
  now: () => Date;
}
