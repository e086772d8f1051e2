import { AppError } from "../http/errors.ts";

/**
 * argon2 hashes and checks, run through a bounded queue. Each takes ~30 ms of a core and
 * 19 MiB; unbounded, 64 parallel guessers kept every core busy hashing (89 checks/s) and the
 * catalog's median answer went from 4 ms to 723 ms. Here only `concurrency` run at once,
 * at most `queueSize` wait (each no longer than `maxWaitMs`), and one client network may
 * hold at most `perClient` of the places: a full queue answers 503, a greedy client 429,
 * both with Retry-After, and the rest of the shop keeps its cores.
 */
export interface PasswordChecksOptions {
  concurrency?: number;
  queueSize?: number;
  perClient?: number;
  maxWaitMs?: number;
}

export interface PasswordChecks {
  /** Runs argon2 work for a client network, when its turn comes. */
  run<T>(client: string, work: () => Promise<T>): Promise<T>;
  /** Running and waiting right now (for tests and measurements). */
  load(): { running: number; waiting: number };
}

interface Waiter {
  start: () => void;
  timer: ReturnType<typeof setTimeout>;
}

const busy = () =>
  new AppError(
    503,
    "busy",
    "We are checking a lot of passwords right now. Please try again in a moment.",
    undefined,
    { "Retry-After": "2" },
  );

const greedy = () =>
  new AppError(
    429,
    "too_many_attempts",
    "Too many sign-in attempts at once from your network. Please wait a moment and try again.",
    undefined,
    { "Retry-After": "1" },
  );

/** Half the cores (at least one): the other half keeps serving pages while passwords hash. */
const defaultConcurrency = () =>
  Math.max(1, Math.floor((globalThis.navigator?.hardwareConcurrency ?? 2) / 2));

export function createPasswordChecks(options: PasswordChecksOptions = {}): PasswordChecks {
  const concurrency = options.concurrency ?? defaultConcurrency();
  const queueSize = options.queueSize ?? 32;
  const perClient = options.perClient ?? 8;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  let running = 0;
  const waiting: Waiter[] = [];
  const held = new Map<string, number>();

  const release = (client: string) => {
    const left = (held.get(client) ?? 1) - 1;
    if (left > 0) held.set(client, left);
    else held.delete(client);
  };

  const next = () => {
    running--;
    const waiter = waiting.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      running++;
      waiter.start();
    }
  };

  return {
    async run(client, work) {
      if ((held.get(client) ?? 0) >= perClient) throw greedy();
      if (running >= concurrency && waiting.length >= queueSize) throw busy();
      held.set(client, (held.get(client) ?? 0) + 1);
      try {
        if (running < concurrency) running++;
        else {
          await new Promise<void>((start, refuse) => {
            const waiter: Waiter = {
              start,
              timer: setTimeout(() => {
                waiting.splice(waiting.indexOf(waiter), 1);
                refuse(busy());
              }, maxWaitMs),
            };
            waiting.push(waiter);
          });
        }
        try {
          return await work();
        } finally {
          next();
        }
      } finally {
        release(client);
      }
    },
    load: () => ({ running, waiting: waiting.length }),
  };
}
