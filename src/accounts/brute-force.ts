import type { Sql } from "../infra/db.ts";
import { randomToken } from "../infra/digest.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import {
  type Counters,
  type Limit,
  type LimitState,
  type RateLimiter,
  rateLimitHeaders,
} from "../http/rate-limit.ts";
import type { Device } from "./device-cookie.ts";
import { signedInFrom, type UserRow } from "./queries.ts";

/**
 * Password guessing, limited every way it can be spread: per client network and account
 * (the classic lockout), per network across accounts (spraying one password over many
 * accounts), and per account across networks (a botnet on one account). The account limit
 * is growing delays, never a lockout: the owner's own devices (a device cookie from an
 * earlier sign-in, or an address they signed in from) pass, so an attacker cannot lock
 * anyone out, and the owner is told.
 */

const MINUTE = 60_000;

/** Five failures per network and account in any 15 minutes. */
export const PAIR_FAILURES: Limit = {
  bucket: "signin-fail",
  limit: 5,
  windowMs: 15 * MINUTE,
  slices: 15,
};
/** Failures from one network over all accounts in any 15 minutes. */
export const NETWORK_FAILURES: Limit = {
  bucket: "signin-fail-net",
  limit: 20,
  windowMs: 15 * MINUTE,
  slices: 15,
};
/**
 * Failures on one account from anywhere before its attempts are spaced out. Remembered for
 * a day, so the delays keep growing through a slow, steady attack instead of resetting.
 */
export const ACCOUNT_FAILURES: Limit = {
  bucket: "signin-fail-account",
  limit: 5,
  windowMs: 24 * 60 * MINUTE,
  slices: 24,
};
/** Failures a device cookie may make before it no longer passes an account's delay. */
export const DEVICE_FAILURES: Limit = {
  bucket: "signin-fail-device",
  limit: 10,
  windowMs: 60 * MINUTE,
  slices: 12,
};
/** Wrong current passwords per account (the password-change form) in any 15 minutes. */
export const PASSWORD_CHECK_FAILURES: Limit = {
  bucket: "password-check-fail",
  limit: 5,
  windowMs: 15 * MINUTE,
  slices: 15,
};
/** Sign-ups (page and API) per client network in any hour. */
export const SIGNUPS: Limit = { bucket: "signup", limit: 20, windowMs: 60 * MINUTE, slices: 12 };

const FIRST_DELAY_MS = 2000;
const LONGEST_DELAY_MS = 15 * MINUTE;

/** How long an account rests before the next attempt, after this many recent failures. */
export function accountDelayMs(failures: number): number {
  if (failures < ACCOUNT_FAILURES.limit) return 0;
  return Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - ACCOUNT_FAILURES.limit));
}

const waitWords = (ms: number) => {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
};

/** A 429 with the standard headers of the limit that refused. */
export function limited(state: LimitState, rule: Limit, message: (wait: string) => string) {
  return new AppError(
    429,
    "too_many_attempts",
    message(waitWords(state.resetMs)),
    undefined,
    rateLimitHeaders(state, rule),
  );
}

const tooManyForPair = (state: LimitState) =>
  limited(
    state,
    PAIR_FAILURES,
    (wait) => `Too many failed sign-in attempts. Try again in ${wait}.`,
  );

const tooManyFromNetwork = (state: LimitState) =>
  limited(
    state,
    NETWORK_FAILURES,
    (wait) => `Too many failed sign-in attempts from your network. Try again in ${wait}.`,
  );

const accountResting = (ms: number) =>
  new AppError(
    429,
    "too_many_attempts",
    `Too many failed sign-in attempts for this account. Try again in ${waitWords(ms)}. ` +
      "Signing in on a device you have used here before still works.",
    undefined,
    { "Retry-After": String(Math.max(1, Math.ceil(ms / 1000))) },
  );

/** One sign-in attempt, admitted and counted; the caller says how it ended. */
export interface Attempt {
  user: UserRow | null;
  /** Wrong password (or unknown email): the counts stay. True when the owner should hear. */
  failed(): Promise<{ tellOwner: boolean }>;
  /** Right password: this attempt counts for nothing, the network-and-account count resets. */
  succeeded(): Promise<void>;
  /** The password was never checked (the check queue was full): nothing counts. */
  withdrawn(): Promise<void>;
}

export function createSignInGuard(
  deps: { sql: Sql; limiter: RateLimiter; counters: Counters; now: () => Date },
) {
  const { sql, limiter, counters } = deps;
  const now = () => deps.now().getTime();
  /**
   * When (the app's clock) a resting account takes its next attempt, and a random name for
   * that turn: `until|name`.
   */
  const nextKey = (email: string) => `signin-next:${email}`;
  const untilOf = (next: string | null) => Number(next?.split("|")[0] ?? 0);
  /**
   * The one attempt that takes a turn: parallel attempts all see the same turn, one of them
   * sets this key, the others wait for the next turn (which has another name).
   */
  const turnKey = (email: string, next: string) => `signin-turn:${email}:${next}`;
  const keepMs = ACCOUNT_FAILURES.windowMs;

  /** The owner's own device or address: it passes the account's delays. */
  const isOwn = async (user: UserRow | null, device: Device | undefined, ip: string) => {
    if (!user) return false;
    if (device?.userIds.includes(user.id)) {
      if ((await limiter.peek(DEVICE_FAILURES, device.id)).allowed) return true;
    }
    return await signedInFrom(sql, user.id, ip);
  };

  return {
    /** Refuses an attempt some limit forbids (before any password work), else counts it. */
    async admit(
      input: { email: string; ip: string; device?: Device },
      findUser: () => Promise<UserRow | null>,
    ): Promise<Attempt> {
      const email = input.email.trim().toLowerCase();
      const network = clientNetwork(input.ip);
      const pairKey = `${network}|${email}`;
      const [pair, fromNetwork, account, next] = await Promise.all([
        limiter.peek(PAIR_FAILURES, pairKey),
        limiter.peek(NETWORK_FAILURES, network),
        limiter.peek(ACCOUNT_FAILURES, email),
        counters.get(nextKey(email)),
      ]);
      if (!pair.allowed) throw tooManyForPair(pair);
      if (!fromNetwork.allowed) throw tooManyFromNetwork(fromNetwork);
      const user = await findUser();
      let own: Promise<boolean> | undefined;
      const owners = () => (own ??= isOwn(user, input.device, input.ip));
      const restingUntil = account.count >= ACCOUNT_FAILURES.limit ? untilOf(next) : 0;
      if (restingUntil > now() && !await owners()) throw accountResting(restingUntil - now());

      // Counted before the password is checked, and taken back if it was right: counting
      // afterwards would let parallel guesses all pass the checks above.
      const pairHit = await limiter.hitUndoable(PAIR_FAILURES, pairKey);
      if (!pairHit.state.allowed) throw tooManyForPair(pairHit.state);
      const networkHit = await limiter.hitUndoable(NETWORK_FAILURES, network);
      const accountHit = await limiter.hitUndoable(ACCOUNT_FAILURES, email);
      const undoAll = async () =>
        void await Promise.all([pairHit.undo(), networkHit.undo(), accountHit.undo()]);
      if (!networkHit.state.allowed) {
        await undoAll();
        throw tooManyFromNetwork(networkHit.state);
      }
      const failuresBefore = accountHit.state.count - 1;
      let tookTurn = false;
      if (failuresBefore >= ACCOUNT_FAILURES.limit && !await owners()) {
        // One attempt per turn: whoever takes it checks now, the others wait for the next.
        const current = await counters.get(nextKey(email)) ?? "none";
        const waitMs = untilOf(current) - now();
        tookTurn = waitMs <= 0 &&
          await counters.setIfAbsent(turnKey(email, current), "1", MINUTE);
        if (!tookTurn) {
          await undoAll();
          throw accountResting(waitMs > 0 ? waitMs : accountDelayMs(failuresBefore));
        }
      }
      /** The account's next turn, `delay` from now. */
      const restFor = (delay: number) =>
        counters.set(nextKey(email), `${now() + delay}|${randomToken(9)}`, keepMs + delay);
      return {
        user,
        failed: async () => {
          const delay = accountDelayMs(accountHit.state.count);
          if (delay > 0) await restFor(delay);
          if (input.device) await limiter.hit(DEVICE_FAILURES, input.device.id);
          // Told once, when the account's failures reach the point where delays begin.
          return { tellOwner: user !== null && accountHit.state.count === ACCOUNT_FAILURES.limit };
        },
        succeeded: async () => {
          await Promise.all([
            limiter.reset(PAIR_FAILURES, pairKey),
            networkHit.undo(),
            accountHit.undo(),
            // A turn taken by the right password is over: the next one may be taken.
            tookTurn ? restFor(0) : undefined,
          ]);
        },
        withdrawn: undoAll,
      };
    },
  };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;
