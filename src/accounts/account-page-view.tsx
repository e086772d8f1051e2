import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AccountPage, type AccountView } from "../../views/accounts/account-page.tsx";
import type { ShopView } from "../../views/context.ts";
import { viewerOf } from "../http/viewer.ts";
import type { Ctx } from "./form-helpers.ts";
import type { Accounts } from "./index.ts";

type Extra = Omit<AccountView, "shop" | "viewer" | "user" | "csrfToken" | "status">;

/** The account page, whichever of its forms was sent: the same page with that form's problems. */
export function accountPageRenderer(
  { shop, accounts, accountSections }: {
    shop: ShopView;
    accounts: Accounts;
    /** More of the account page from other features (orders, notifications). */
    accountSections?: (c: Ctx) => Promise<Child>;
  },
) {
  return async (c: Ctx, extra: Extra = {}, status: ContentfulStatusCode = 200) => {
    const user = c.get("user")!;
    c.header("Cache-Control", "private, no-store");
    const [state, more] = await Promise.all([
      accounts.recovery.status(user.id),
      accountSections?.(c),
    ]);
    return c.html(
      <AccountPage
        shop={shop}
        viewer={viewerOf(c)}
        user={{ name: user.name, email: user.email, role: user.role }}
        csrfToken={c.get("csrfToken")()}
        status={state}
        more={more}
        {...extra}
      />,
      status,
    );
  };
}
