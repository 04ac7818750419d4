// Recurrences of schedules: ISO 8601 repeating intervals (R/PT1H, R5/P1D, R/2026-01-01T08:00:00Z/P1D)
// or cron (*/5 * * * *), computed on the service clock.
import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../errors/app-error';
import { parseRepeatingInterval } from '../engine/iso-duration';

export interface Recurrence {
  /** The first run at or after `from` (or at `at` when given). */
  first(from: Date, at?: Date): Date;
  /** The run after `previous`, or null when the recurrence is exhausted. */
  after(previous: Date, runsLeft: number | null): Date | null;
  /** How many runs in all (undefined = unbounded). */
  repetitions: number | undefined;
}

function cron(expr: string): Recurrence {
  const next = (d: Date) => CronExpressionParser.parse(expr, { currentDate: d, tz: 'UTC' }).next().toDate();
  return {
    repetitions: undefined,
    first: (from, at) => (at ? at : next(new Date(from.getTime() - 1))),
    after: (previous) => next(previous),
  };
}

export function parseRecurrence(text: string): Recurrence {
  const trimmed = text.trim();
  if (trimmed.startsWith('R') || trimmed.startsWith('P')) {
    const iso = parseRepeatingInterval(trimmed);
    if (!iso)
      throw new AppError('VALIDATION_FAILED', `recurrence <${text}> is not an ISO 8601 repeating interval such as R/PT1H or R5/P1D`, {
        errors: [{ pointer: '/recurrence', message: 'invalid ISO 8601 repeating interval' }],
      });
    return {
      repetitions: iso.repetitions,
      first: (from, at) => at ?? (iso.start !== undefined ? new Date(Math.max(iso.start, from.getTime())) : new Date(from.getTime() + iso.intervalMs)),
      after: (previous, runsLeft) => (runsLeft !== null && runsLeft <= 0 ? null : new Date(previous.getTime() + iso.intervalMs)),
    };
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: 'UTC' });
  } catch (err) {
    throw new AppError(
      'VALIDATION_FAILED',
      `recurrence <${text}> is neither an ISO 8601 repeating interval nor a cron expression: ${err instanceof Error ? err.message : String(err)}`,
      {
        errors: [{ pointer: '/recurrence', message: 'invalid recurrence' }],
      },
    );
  }
  return cron(trimmed);
}
