import { createAuthentication } from "./authenticate.ts";
import { createAccountManagement } from "./manage.ts";
import { createRefresh } from "./refresh.ts";
import { createInvitations } from "./invitations.ts";
import { type AccountsDeps, createSessions } from "./service.ts";

/** Everything about accounts and sign-in, wired to one set of dependencies. */
export function createAccounts(deps: AccountsDeps) {
  const auth = createAuthentication(deps);
  return {
    sessions: createSessions(deps),
    refresh: createRefresh(deps),
    auth,
    manage: createAccountManagement(deps, auth),
    invitations: createInvitations(deps, deps.invitationSecret),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
