import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import {
  INVITATION_FORM_ID,
  InvitationForm,
  type InvitationFormView,
  InvitationPage,
} from "../../views/accounts/invitation-page.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";
import { viewerOf } from "../http/viewer.ts";
import type { Accounts } from "./index.ts";
import type { InvitationRow } from "./invitation-queries.ts";
import { landingFor } from "./landing.ts";
import { setSessionCookies } from "./middleware.ts";
import { nameField } from "./schema.ts";

type Ctx = Context<AppEnv>;

const acceptSchema = z.object({
  name: nameField,
  password: z.string().min(1, "Choose a password.").max(256, "Use at most 256 characters."),
});

const NOT_OURS = "This invitation link is not known. Check that the whole link was copied.";

/** The page an invitation's link opens: choose a password, then sign in by role. */
export function invitationPages(
  { shop, accounts, cookieSecure }: { shop: ShopView; accounts: Accounts; cookieSecure: boolean },
) {
  const { invitations } = accounts;

  const answer = (
    c: Ctx,
    invitation: InvitationRow | null,
    form: Partial<InvitationFormView> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    // The address holds the token: never stored (the shop's same-origin referrer policy
    // keeps it from other sites).
    c.header("Cache-Control", "private, no-store");
    const closed = invitation ? invitations.problem(invitation) : NOT_OURS;
    if (!invitation || closed) {
      return c.html(
        <InvitationPage shop={shop} viewer={viewerOf(c)} closed={closed!} />,
        invitation ? 410 : 404,
      );
    }
    const view: InvitationFormView = {
      csrfToken: c.get("csrfToken")(),
      action: new URL(c.req.url).pathname,
      email: invitation.email,
      name: invitation.name,
      role: invitation.role,
      ...form,
    };
    return wantsFragment(c, INVITATION_FORM_ID)
      ? c.html(<InvitationForm {...view} />, status)
      : c.html(<InvitationPage shop={shop} viewer={viewerOf(c)} form={view} />, status);
  };

  return new Hono<AppEnv>()
    .get("/invitations/:token", async (c) => {
      return answer(c, await invitations.lookup(c.req.param("token")));
    })
    .post("/invitations/:token", async (c) => {
      const invitation = await invitations.lookup(c.req.param("token"));
      if (!invitation || invitations.problem(invitation)) return answer(c, invitation);
      const body = await c.req.parseBody();
      const input = {
        name: typeof body.name === "string" ? body.name : "",
        password: typeof body.password === "string" ? body.password : "",
      };
      const parsed = acceptSchema.safeParse(input);
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        return answer(c, invitation, { name: input.name, error: FIX, fields }, 422);
      }
      let user;
      try {
        user = await invitations.accept(invitation, parsed.data, c.get("meta"));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.status === 410) return answer(c, await invitations.lookup(c.req.param("token")));
        return answer(c, invitation, {
          name: input.name,
          error: error.fields ? FIX : error.message,
          fields: error.fields,
        }, 422);
      }
      const previous = c.get("user");
      if (previous) await accounts.auth.signOut(previous, c.get("meta"));
      const tokens = await accounts.sessions.startSession(user, c.get("meta"), "web");
      setSessionCookies(c, tokens, cookieSecure);
      const landing = landingFor(user.role);
      if (wantsFragment(c, INVITATION_FORM_ID)) {
        c.header("HX-Redirect", landing);
        return c.body(null, 204);
      }
      return c.redirect(landing, 303);
    });
}

const FIX = "Please correct the fields marked below.";
