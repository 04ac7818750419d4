// Schedules that start processes at a time and/or on a recurrence: created over the API, derived
// from timer start events of deployed definitions, or given by configuration. Due firings are
// claimed once across nodes (see ScheduleStore.claimDue) and become start jobs.
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Clock } from '../engine/clock';
import { TIMER_YEARS } from '../engine/elements';
import { parseDuration } from '../engine/iso-duration';
import type { ScheduleRecord } from '../store/schedule-store';
import type { Store } from '../store/store';
import type { DefinitionRecord } from '../store/types';
import { parseRecurrence } from './recurrence';

export interface ScheduleInput {
  name?: string;
  processKey: string;
  at?: string;
  recurrence?: string;
  variables?: Record<string, unknown>;
}

export class Scheduler {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async create(input: ScheduleInput, source: ScheduleRecord['source'] = 'api'): Promise<ScheduleRecord> {
    if (!input.at && !input.recurrence) {
      throw new AppError('VALIDATION_FAILED', 'a schedule needs `at`, `recurrence` or both', {
        errors: [{ pointer: '/recurrence', message: 'give at or recurrence' }],
      });
    }
    const now = this.clock.now();
    const at = input.at ? new Date(input.at) : undefined;
    if (at && Number.isNaN(at.getTime()))
      throw new AppError('VALIDATION_FAILED', `at <${input.at}> is not an ISO 8601 date-time`, { errors: [{ pointer: '/at', message: 'invalid date-time' }] });
    const year = at?.getUTCFullYear();
    if (year !== undefined && (year < TIMER_YEARS.min || year > TIMER_YEARS.max))
      throw new AppError('VALIDATION_FAILED', `at <${input.at}> is in the year ${year}; expected ${TIMER_YEARS.min} to ${TIMER_YEARS.max}`, {
        errors: [{ pointer: '/at', message: 'date out of range' }],
      });
    const recurrence = input.recurrence ? parseRecurrence(input.recurrence) : undefined;
    const nextRunAt = recurrence ? recurrence.first(now, at) : (at as Date);
    const schedule = {
      name: input.name ?? `${input.processKey} ${input.recurrence ?? input.at ?? ''}`.trim(),
      processKey: input.processKey,
      recurrence: input.recurrence ?? null,
      variables: input.variables ?? {},
      nextRunAt: nextRunAt.toISOString(),
      runsLeft: recurrence?.repetitions ?? (recurrence ? null : 1),
      enabled: true,
      source,
    };
    return source === 'api' ? this.store.schedules.create(schedule, now.toISOString()) : this.store.schedules.upsertByName(schedule, now.toISOString());
  }

  list(): Promise<ScheduleRecord[]> {
    return this.store.schedules.list();
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.schedules.delete(id))) throw new AppError('NOT_FOUND', `schedule <${id}> does not exist`);
  }

  /**
   * Claims every due firing (once across nodes) and queues its start job. A stored recurrence
   * that is no longer valid (too frequent, unreadable) disables its schedule instead of firing:
   * no row in the database can make the node spin.
   */
  claimDue(limit = 50): Promise<number> {
    return this.store.schedules.claimDue(this.clock.now().toISOString(), limit, (s, firedAt) => {
      const runsLeft = s.runsLeft === null ? null : s.runsLeft - 1;
      if (!s.recurrence || runsLeft === 0) return { nextRunAt: null, runsLeft };
      const now = this.clock.now();
      try {
        const recurrence = parseRecurrence(s.recurrence);
        // Skip firings missed while no node ran: the next run is the first one after now.
        let next = recurrence.after(new Date(firedAt), runsLeft, now);
        if (next && Number.isNaN(next.getTime())) next = null;
        return { nextRunAt: next ? next.toISOString() : null, runsLeft };
      } catch (err) {
        this.logger.warn(`schedule <${s.name}> is disabled: its recurrence <${s.recurrence}> cannot run: ${err instanceof Error ? err.message : String(err)}`);
        return { nextRunAt: null, runsLeft: s.runsLeft, skip: true };
      }
    });
  }

  /**
   * Timer start events of deployed definitions become schedules named `<key>/<activityId>`
   * (a cycle recurs, a date or duration fires once). Keys listed in `overridden` are skipped.
   */
  async syncModelSchedules(definitions: DefinitionRecord[], overridden: Set<string> = new Set()): Promise<void> {
    for (const def of definitions) {
      if (!def.executable || overridden.has(def.key)) continue;
      for (const t of def.info.timerStarts ?? []) {
        if (t.value.includes('${')) {
          this.logger.warn(`timer start <${t.activityId}> of <${def.key}> uses an expression; no schedule was made for it`);
          continue;
        }
        const name = `${def.key}/${t.activityId}`;
        try {
          if (t.kind === 'timeCycle') await this.create({ name, processKey: def.key, recurrence: t.value }, 'model');
          else if (t.kind === 'timeDate') await this.create({ name, processKey: def.key, at: t.value }, 'model');
          else {
            const ms = parseDuration(t.value);
            if (ms !== undefined) await this.create({ name, processKey: def.key, at: new Date(this.clock.now().getTime() + ms).toISOString() }, 'model');
          }
        } catch (err) {
          this.logger.warn(`timer start <${t.activityId}> of <${def.key}> (${t.value}) gives no schedule: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }
}
