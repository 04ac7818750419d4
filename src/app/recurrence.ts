// Recurrences of schedules: ISO 8601 repeating intervals (R/PT1H, R5/P1D, R/2026-01-01T08:00:00Z/P1D),
// Unix cron (*/5 * * * *, or six fields with seconds first) or Quartz cron (six or seven fields
// with a `?` day field, as Camunda 7 reads a timeCycle: 0 0/5 * * * ?), on the service clock in UTC.
import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../errors/app-error';
import { MIN_TIMER_CYCLE_MS } from '../engine/elements';
import { readRepeatingInterval } from '../engine/iso-duration';
import { looksLikeQuartzCron, parseQuartzCron } from '../engine/quartz-cron';

export interface Recurrence {
  /** The first run at or after `from` (or at `at` when given). */
  first(from: Date, at?: Date): Date;
  /**
   * The run after `previous` (and after `now`, when given: missed runs are skipped, computed
   * rather than stepped through), or null when the recurrence is exhausted.
   */
  after(previous: Date, runsLeft: number | null, now?: Date): Date | null;
  /** How many runs in all (undefined = unbounded). */
  repetitions: number | undefined;
}

function cron(expr: string): Recurrence {
  const next = (d: Date) => CronExpressionParser.parse(expr, { currentDate: d, tz: 'UTC' }).next().toDate();
  return {
    repetitions: undefined,
    first: (from, at) => (at ? at : next(new Date(from.getTime() - 1))),
    after: (previous, _runsLeft, now) => next(now && now.getTime() > previous.getTime() ? now : previous),
  };
}

function tooFrequent(text: string, ms: number): AppError {
  return new AppError(
    'TIMER_TOO_FREQUENT',
    `recurrence <${text}> repeats every ${ms} ms; expected an interval of at least ${MIN_TIMER_CYCLE_MS / 1000} s of service time (e.g. R/PT1S)`,
    { errors: [{ pointer: '/recurrence', message: `interval ${ms} ms, minimum ${MIN_TIMER_CYCLE_MS} ms` }] },
  );
}

function quartz(text: string): Recurrence {
  let cron: ReturnType<typeof parseQuartzCron>;
  try {
    cron = parseQuartzCron(text);
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `recurrence <${text}> is not a valid Quartz cron expression: ${err instanceof Error ? err.message : String(err)}`, {
      errors: [{ pointer: '/recurrence', message: 'invalid Quartz cron expression' }],
    });
  }
  return {
    repetitions: undefined,
    first: (from, at) => {
      const next = at ?? cron.next(new Date(from.getTime() - 1000));
      if (!next) {
        throw new AppError('VALIDATION_FAILED', `recurrence <${text}> fires no more after ${from.toISOString()}`, {
          errors: [{ pointer: '/recurrence', message: 'no firing left' }],
        });
      }
      return next;
    },
    after: (previous, _runsLeft, now) => cron.next(now && now.getTime() > previous.getTime() ? now : previous),
  };
}

export function parseRecurrence(text: string): Recurrence {
  const trimmed = text.trim();
  // Every valid Quartz expression has a `?` in a day field; six fields without one are cron-parser's
  // seconds-first Unix cron (which numbers the days of the week differently).
  if (looksLikeQuartzCron(trimmed) && trimmed.includes('?')) return quartz(trimmed);
  if (trimmed.startsWith('R') || trimmed.startsWith('P')) {
    const iso = readRepeatingInterval(trimmed);
    if (!iso)
      throw new AppError('VALIDATION_FAILED', `recurrence <${text}> is not an ISO 8601 repeating interval such as R/PT1H or R5/P1D`, {
        errors: [{ pointer: '/recurrence', message: 'invalid ISO 8601 repeating interval' }],
      });
    if (iso.intervalMs < MIN_TIMER_CYCLE_MS) throw tooFrequent(text, iso.intervalMs);
    const interval = iso.intervalMs;
    return {
      repetitions: iso.repetitions,
      first: (from, at) => at ?? (iso.start !== undefined ? new Date(Math.max(iso.start, from.getTime())) : new Date(from.getTime() + interval)),
      after: (previous, runsLeft, now) => {
        if (runsLeft !== null && runsLeft <= 0) return null;
        const behind = now ? now.getTime() - previous.getTime() : -1;
        const steps = behind < 0 ? 1 : Math.floor(behind / interval) + 1;
        return new Date(previous.getTime() + steps * interval);
      },
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
