import type { AuthUser } from "../accounts/roles.ts";
import type { ShopContact } from "../../views/context.ts";

/** What middleware puts on the context for the routes after it. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The signed-in user, or null. */
    user: AuthUser | null;
    /** Client address (proxy-aware) and user agent. */
    meta: { ip: string; userAgent: string };
    /** Token for the hidden `_csrf` field of forms (the cookie is set on first use). */
    csrfToken: () => string;
    /**
     * Items in the visitor's cart, read when a full page renders (after the handler's own
     * writes), so every page shows the count as it is, whatever request produced it.
     */
    cartCount: () => Promise<number>;
    /** The shop's address, phone and today's hours, read when a full page renders. */
    shopContact: () => Promise<ShopContact>;
  };
}
