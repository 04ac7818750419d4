// Timer events: the timer definition a deployed event waits on, the host side of bpmn-engine's
// `timers` option (due times kept by the service clock, fired by the jobs table), and the check
// that a timer expression gave a value.
import type { Clock } from '../clock';
import { parseDuration, parseRepeatingInterval } from '../iso-duration';
import { looksLikeQuartzCron, parseQuartzCron } from '../quartz-cron';
import type { ElementApi, ExtendedElement } from '../runner/engine-api';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { eventDefinition, expressionBody } from './moddle-element';
import { isStartEvent } from './start-event';

export const TIMER_EVENT_DEFINITION = 'bpmn:TimerEventDefinition';

const TIMER_KINDS = ['timeDuration', 'timeDate', 'timeCycle'] as const;

export const readTimer: ElementReader = (el, meta) => {
  const timer = eventDefinition(el, TIMER_EVENT_DEFINITION);
  if (!timer) return;
  for (const kind of TIMER_KINDS) {
    const value = expressionBody(timer[kind]);
    if (value) meta.timer = { kind, value };
  }
};

/** The shortest interval a timer cycle (or a schedule's recurrence) may repeat at, in service-clock ms. */
export const MIN_TIMER_CYCLE_MS = 1000;
/** The years a timer date may fall in: what the jobs table and every `Date` can hold alike. */
export const TIMER_YEARS = { min: 1970, max: 9999 } as const;

export interface TimerValueProblem {
  code: 'TIMER_TOO_FREQUENT' | 'BPMN_INVALID';
  message: string;
}

function yearProblem(text: string): string | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const year = new Date(ms).getUTCFullYear();
  return year < TIMER_YEARS.min || year > TIMER_YEARS.max
    ? `expected a date in the years ${TIMER_YEARS.min} to ${TIMER_YEARS.max}, found <${text}> (year ${year})`
    : undefined;
}

/**
 * What is wrong with a literal timer value, or undefined: a cycle that repeats more often than
 * MIN_TIMER_CYCLE_MS (R/PT0S would spin the scheduler and bpmn-elements' parser alike), or a date
 * outside TIMER_YEARS, or a Quartz cron cycle that does not parse. Expressions are left to the engine.
 */
export function timerValueProblem(kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): TimerValueProblem | undefined {
  const text = value.trim();
  if (text.includes('${') || text.includes('#{')) return undefined;
  if (kind === 'timeDate') {
    const message = yearProblem(text);
    return message ? { code: 'BPMN_INVALID', message } : undefined;
  }
  if (kind !== 'timeCycle') return undefined;
  if (looksLikeQuartzCron(text)) {
    try {
      parseQuartzCron(text);
      return undefined;
    } catch (err) {
      return { code: 'BPMN_INVALID', message: err instanceof Error ? err.message : String(err) };
    }
  }
  const parts = text.split('/').map((p) => p.trim());
  if (!parts[0]?.startsWith('R') && !parts[0]?.startsWith('P')) return undefined;
  for (const part of parts) {
    if (part.startsWith('R')) continue;
    if (part.startsWith('P')) {
      const ms = parseDuration(part);
      if (ms !== undefined && ms < MIN_TIMER_CYCLE_MS) {
        return {
          code: 'TIMER_TOO_FREQUENT',
          message: `the cycle <${text}> repeats every ${ms} ms; expected an interval of at least ${MIN_TIMER_CYCLE_MS / 1000} s (e.g. R/PT1S)`,
        };
      }
      continue;
    }
    const message = yearProblem(part);
    if (message) return { code: 'BPMN_INVALID', message };
  }
  return undefined;
}

export interface ArmedTimer {
  activityId: string | null;
  executionId: string | null;
  dueAt: string;
}

export interface TimerWait {
  dueAt: number;
  fire: () => void;
  ref: object;
  activityId: string | null;
  executionId: string | null;
  /** Fired in the event that armed it (a start timer of a scheduled start, an event sub-process the host started); any other timer is a job. */
  immediate: boolean;
}

/** What bpmn-elements hands `timers.register(owner)`: the timer's execution content. */
interface TimerOwner {
  id?: string;
  executionId?: string;
  timerType?: string;
  timeCycle?: unknown;
  expireAt?: Date | string;
}

type TimerCallback = (...args: unknown[]) => void;

/** The timers bpmn-elements arms, held by the host instead of the real clock. */
export class HostTimers {
  private readonly waits = new Map<object, TimerWait>();
  /** Due times kept by the host (jobs table), by execution id: they win over bpmn-elements' real-clock arithmetic. */
  knownDue = new Map<string, number>();
  /** Start-event timers fire at once (the instance was started by its schedule). */
  fireStartTimers = false;
  /** Start events whose timer fires as soon as bpmn-elements arms it (an event sub-process the host triggered). */
  readonly fireNow = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly activities: Map<string, ActivityMeta>,
    private readonly onArm: () => void,
  ) {}

  /** bpmn-engine's `timers` option. */
  engineOption(): object {
    return {
      register: (owner: TimerOwner) => ({
        setTimeout: (cb: TimerCallback, delay: number, ...args: unknown[]) => this.arm(owner, cb, delay, ...args),
        clearTimeout: this.disarm,
      }),
      setTimeout: (cb: TimerCallback, delay: number, ...args: unknown[]) => this.arm({}, cb, delay, ...args),
      clearTimeout: this.disarm,
      executing: [],
    };
  }

  private arm(owner: TimerOwner, callback: TimerCallback, delay: number, ...args: unknown[]): object {
    const ref = { delay };
    const now = this.clock.now().getTime();
    const executionId = owner.executionId ?? null;
    const activityId = owner.id ?? null;
    const meta = activityId ? this.activities.get(activityId) : undefined;
    let dueAt: number;
    let immediate = false;
    const known = executionId ? this.knownDue.get(executionId) : undefined;
    if ((activityId !== null && this.fireNow.delete(activityId)) || (this.fireStartTimers && isStartEvent(meta?.type))) {
      dueAt = now;
      immediate = true;
    } else if (known !== undefined) dueAt = known;
    else if ((owner.timerType === 'timeDate' || isCronCycle(owner)) && owner.expireAt) dueAt = new Date(owner.expireAt).getTime();
    else dueAt = now + Math.max(0, Number(delay) || 0);
    if (executionId) this.knownDue.delete(executionId);
    this.waits.set(ref, { dueAt, ref, activityId, executionId, immediate, fire: () => callback(...args) });
    this.onArm();
    return ref;
  }

  private readonly disarm = (ref: unknown): void => {
    if (ref && typeof ref === 'object') this.waits.delete(ref);
  };

  /** A timer the host keeps itself, not armed by bpmn-elements (see EventSubProcessTimers). */
  armHostTimer(activityId: string, executionId: string, dueAt: number, fire: () => void): void {
    const ref = { hostTimer: executionId };
    this.waits.set(ref, { dueAt, ref, activityId, executionId, immediate: false, fire });
    this.onArm();
  }

  /** Drops the timers that `match` picks (an interrupting event sub-process ends its scope's other timers). */
  drop(match: (timer: TimerWait) => boolean): void {
    for (const [ref, wait] of this.waits) if (match(wait)) this.waits.delete(ref);
  }

  /** The timers due by `now`, in the order they were armed. */
  due(now: number): TimerWait[] {
    return [...this.waits.values()].filter((t) => t.dueAt <= now);
  }

  /** The timers that fire in the event that armed them (see TimerWait.immediate). */
  immediate(): TimerWait[] {
    return [...this.waits.values()].filter((t) => t.immediate);
  }

  /** Removes a timer about to fire, so it fires once. */
  take(timer: TimerWait): void {
    this.waits.delete(timer.ref);
  }

  armed(): ArmedTimer[] {
    return [...this.waits.values()].map((t) => ({ activityId: t.activityId, executionId: t.executionId, dueAt: new Date(t.dueAt).toISOString() }));
  }

  nextDueAt(): string | null {
    const timerDue = [...this.waits.values()].map((t) => t.dueAt);
    return timerDue.length ? new Date(Math.min(...timerDue)).toISOString() : null;
  }

  clear(): void {
    this.waits.clear();
  }
}

/**
 * bpmn-elements treats a timer whose expression gives nothing as due now and fires it at once,
 * silently. A timer with no value is a modelling error: fail the event (an incident) instead.
 */
export function checkTimerValue(api: ElementApi): void {
  const content = api.content as Record<string, unknown>;
  for (const kind of TIMER_KINDS) {
    if (!(kind in content)) continue;
    const value = content[kind];
    if (value === undefined || value === null || String(value).trim() === '') {
      throw new Error(
        `timer <${api.id}>: its ${kind} gave no value (an expression naming a missing variable?); expected an ISO 8601 ${kind === 'timeDate' ? 'date' : 'duration'}`,
      );
    }
  }
}

function isCronCycle(owner: TimerOwner): boolean {
  return owner.timerType === 'timeCycle' && typeof owner.timeCycle === 'string' && looksLikeQuartzCron(owner.timeCycle);
}

interface ParsedTimer {
  expireAt?: Date;
  repeat?: number;
  delay?: number;
}
interface TimerDefinitionBehaviour {
  type?: string;
  parse(timerType: string, value: string): ParsedTimer;
}

/**
 * bpmn-engine `extensions` entry: a timeCycle that is not an ISO 8601 repeating interval is read
 * as a Quartz cron expression, as Camunda 7 reads it (bpmn-elements' own parser, @0dep/piso,
 * reads ISO 8601 only and fails the instance). The next firing is computed on the service clock,
 * and HostTimers arms it at that time; the cycle repeats (bpmn-elements repeats a cycle only on a
 * non-interrupting boundary event; a timer start event's cycle is the host's schedule).
 * bpmn-elements builds an activity's event definitions before it loads the extensions, so the
 * parser is replaced on each TimerEventDefinition of the activity (bpmn-elements 17.3).
 */
export function quartzCronTimers(clock: Clock): (element: ExtendedElement) => undefined {
  return (element) => {
    const definitions = (element as unknown as { eventDefinitions?: TimerDefinitionBehaviour[] }).eventDefinitions;
    for (const definition of definitions ?? []) {
      if (definition.type !== TIMER_EVENT_DEFINITION || typeof definition.parse !== 'function') continue;
      const engineParse = definition.parse.bind(definition);
      definition.parse = (timerType, value) => {
        if (timerType !== 'timeCycle' || typeof value !== 'string' || !looksLikeQuartzCron(value)) return engineParse(timerType, value);
        const now = clock.now();
        const expireAt = parseQuartzCron(value).next(now);
        if (!expireAt) throw new Error(`timer <${element.id}>: the cron cycle <${value}> fires no more after ${now.toISOString()}`);
        return { expireAt, repeat: -1, delay: expireAt.getTime() - now.getTime() };
      };
    }
    return undefined;
  };
}

interface TimerResolution {
  expireAt?: Date;
  timeout?: number;
}
interface TimerDefinitionExecution {
  type?: string;
  _getTimers?: (executeMessage: unknown) => TimerResolution;
}

/**
 * bpmn-engine `extensions` entry: a timer that is due when it is armed (PT0S, a date passed, an
 * overdue timer resumed) becomes a job like any other. bpmn-elements completes a timer whose
 * timeout is not positive at once, inside the event that reached it, without arming it
 * (TimerEventDefinition.execute, bpmn-elements 17.3), so a PT0S timer behind an event-based
 * gateway won before the other branches were armed. Camunda 7 makes it a job: it fires when the
 * job executor runs it, and a message or signal that comes first wins. The timeout is made the
 * smallest positive number, so bpmn-elements arms it through HostTimers, which keeps it due now:
 * committed as a timer job, fired on the next poll.
 */
export function dueTimersAsJobs(element: ExtendedElement): undefined {
  const definitions = (element as unknown as { eventDefinitions?: TimerDefinitionExecution[] }).eventDefinitions;
  for (const definition of definitions ?? []) {
    const engineGetTimers = definition._getTimers;
    if (definition.type !== TIMER_EVENT_DEFINITION || typeof engineGetTimers !== 'function') continue;
    definition._getTimers = function getTimers(this: TimerDefinitionExecution, executeMessage: unknown) {
      const resolved = engineGetTimers.call(this, executeMessage);
      if (resolved.expireAt !== undefined && typeof resolved.timeout === 'number' && resolved.timeout <= 0) resolved.timeout = Number.MIN_VALUE;
      return resolved;
    };
  }
  return undefined;
}

/**
 * When a timer the host arms itself is due, from `now` on the service clock: a duration from now,
 * a date, a Quartz cron cycle's next firing, an ISO 8601 cycle's start or first interval. An
 * expression, or a value that does not read, gives undefined (no timer).
 */
export function hostTimerDue(timer: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string }, now: number): number | undefined {
  const value = timer.value.trim();
  if (value.includes('${') || value.includes('#{')) return undefined;
  if (timer.kind === 'timeDuration') {
    const ms = parseDuration(value);
    return ms === undefined ? undefined : now + ms;
  }
  if (timer.kind === 'timeDate') {
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : at;
  }
  if (looksLikeQuartzCron(value)) {
    try {
      return parseQuartzCron(value).next(new Date(now))?.getTime();
    } catch {
      return undefined;
    }
  }
  const cycle = parseRepeatingInterval(value);
  if (!cycle) return undefined;
  return cycle.start !== undefined && cycle.start > now ? cycle.start : now + cycle.intervalMs;
}
