import { createAuthentication } from "./authenticate.ts";
import { createAccountManagement } from "./manage.ts";
import { createRefresh } from "./refresh.ts";
import { createInvitations } from "./invitations.ts";
import { createRecovery } from "./recovery.ts";
import { createErasure } from "./erasure.ts";
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
    recovery: createRecovery(deps, auth),
    erasure: createErasure(deps, auth),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
