// One sweep over every game server: bounded concurrency, a timeout per attempt, one retry, and a
// deadline for the whole sweep, so that a bad server costs at most its own attempts and never
// holds up the others.
import { offlineStatus, type GameServerStatus, type GameStatusProvider } from '../../connectors/game-status';
import type { GameServerProvider, Observation } from './game-server-store';

export interface SweepTarget {
  id: string;
  game: string;
  host: string;
  port: number;
  /** Where the server is asked; the game port when absent. */
  queryPort?: number;
  provider: GameServerProvider;
}

export interface SweepOptions {
  concurrency: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Targets not started by then are recorded as not polled. */
  deadlineMs: number;
  /** Pause before the retry. */
  retryDelayMs?: number;
  /** Service time for `checkedAt`. */
  now: () => Date;
}

export type Providers = Record<GameServerProvider, GameStatusProvider>;

/** A provider that ignores its timeout still gets cut off a little after it. */
const GRACE_MS = 250;

export async function pollSweep(targets: SweepTarget[], providers: Providers, options: SweepOptions): Promise<Observation[]> {
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  const out: Observation[] = new Array<Observation>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i] as SweepTarget;
      if (Date.now() >= deadline) {
        out[i] = observed(target, offlineStatus(`not polled: the sweep used up its ${options.deadlineMs} ms before reaching this server`), options.now());
        continue;
      }
      out[i] = await pollOne(target, providers, options, deadline);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, targets.length)) }, () => worker()));
  return out;
}

async function pollOne(target: SweepTarget, providers: Providers, options: SweepOptions, deadline: number): Promise<Observation> {
  const provider = providers[target.provider];
  let lastError = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (attempt === 2) {
      // Retry only if the retry can finish before the sweep's deadline.
      if (Date.now() + (options.retryDelayMs ?? 0) + options.timeoutMs > deadline) break;
      if (options.retryDelayMs) await sleep(options.retryDelayMs);
    }
    try {
      const status = await withTimeout(provider.status(target, options.timeoutMs), options.timeoutMs + GRACE_MS, target);
      return observed(target, status, options.now());
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
  }
  return observed(target, offlineStatus(lastError), options.now());
}

function observed(target: SweepTarget, s: GameServerStatus, at: Date): Observation {
  return { ...s, serverId: target.id, checkedAt: at.toISOString() };
}

function withTimeout<T>(work: Promise<T>, ms: number, target: SweepTarget): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${target.game} server ${target.host}:${target.queryPort ?? target.port} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, cut]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
