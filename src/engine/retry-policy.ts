// The one retry policy: when a failed service task runs again (its model's
// camunda:failedJobRetryTimeCycle, else the configured count with a doubling backoff) and when a
// job that could not be carried out at all (the database, a crash of its handler) is tried again.
import { parseRepeatingInterval } from './iso-duration';

export interface RetryDefaults {
  /** Retries of a failing service task when the model sets none. */
  serviceRetries: number;
  /** First retry delay in service-clock ms; doubled for each further retry. */
  retryBackoffMs: number;
}

/**
 * The delay before attempt `attempt + 1` of a failed service task, or undefined when its retries
 * are used up (an incident then waits for a person).
 */
export function serviceRetryDelay(retryCycle: string | undefined, attempt: number, defaults: RetryDefaults): number | undefined {
  const parsed = retryCycle ? parseRepeatingInterval(retryCycle) : undefined;
  const retries = parsed ? (parsed.repetitions ?? defaults.serviceRetries) : defaults.serviceRetries;
  if (!Number.isFinite(attempt) || attempt > retries) return undefined;
  return parsed ? parsed.intervalMs : defaults.retryBackoffMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * The attempt number a run counts as so that a failing service task runs `attempts` times in all
 * (this run and `attempts - 1` automatic retries) before an incident waits again — an operator's
 * retry with a number of retries.
 */
export function attemptFor(retryCycle: string | undefined, attempts: number, defaults: RetryDefaults): number {
  const parsed = retryCycle ? parseRepeatingInterval(retryCycle) : undefined;
  const retries = parsed ? (parsed.repetitions ?? defaults.serviceRetries) : defaults.serviceRetries;
  return retries - attempts + 2;
}

/** Real milliseconds before a job that failed `attempts` times so far is taken again (at most a minute). */
export function jobBackoffMs(attempts: number): number {
  return Math.min(60000, 500 * 2 ** Math.min(attempts, 7));
}
