// Where the time of an event goes: wraps the engine-layer and store methods a lifecycle calls and
// adds up the time spent in each (meaningful with one lifecycle in flight, where nothing overlaps).
import { InstanceRunner } from '../src/engine/instance-runner';
import type { Store } from '../src/store/store';

export interface ProfileLine {
  category: string;
  ms: number;
  calls: number;
}

type AnyFn = (...args: unknown[]) => unknown;

export class Profiler {
  private readonly totals = new Map<string, { ms: number; calls: number }>();
  private readonly restores: Array<() => void> = [];

  /** Instruments InstanceRunner (the bpmn-engine work) and the store's repositories. */
  static attach(store: Store): Profiler {
    const p = new Profiler();
    const runnerClass = InstanceRunner as unknown as Record<string, unknown>;
    const runnerProto = InstanceRunner.prototype as unknown as Record<string, unknown>;
    p.wrap(runnerClass, 'start', 'engine: new Engine + execute to first wait');
    p.wrap(runnerClass, 'recover', 'engine: new Engine + recover/resume from DB state');
    p.wrap(runnerProto, 'completeUserTask', 'engine: signal task, run to next wait');
    p.wrap(runnerProto, 'snapshot', 'engine: getState() + describe waits');
    p.wrap(store.instances as unknown as Record<string, unknown>, 'commitEvent', 'db: commit transaction (commitEvent)');
    p.wrap(store.instances as unknown as Record<string, unknown>, 'get', 'db: runtime reads (row, task, definition, timers)');
    p.wrap(store.instances as unknown as Record<string, unknown>, 'getWithState', 'db: runtime reads (row, task, definition, timers)');
    p.wrap(store.tasks as unknown as Record<string, unknown>, 'get', 'db: runtime reads (row, task, definition, timers)');
    p.wrap(store.definitions as unknown as Record<string, unknown>, 'getLatest', 'db: runtime reads (row, task, definition, timers)');
    p.wrap(store.tasks as unknown as Record<string, unknown>, 'list', 'db: client task list (tasks.list)');
    // Timer jobs read when an engine is recovered (present once the job store exists).
    const jobs = (store as unknown as Record<string, Record<string, unknown> | undefined>).jobs;
    if (jobs && typeof jobs.timersOf === 'function') p.wrap(jobs, 'timersOf', 'db: runtime reads (row, task, definition, timers)');
    return p;
  }

  private wrap(target: Record<string, unknown>, method: string, category: string): void {
    const original = target[method];
    if (typeof original !== 'function') throw new Error(`cannot profile ${method}: not a function`);
    const own = Object.prototype.hasOwnProperty.call(target, method);
    const add = (ms: number) => {
      const t = this.totals.get(category) ?? { ms: 0, calls: 0 };
      t.ms += ms;
      t.calls++;
      this.totals.set(category, t);
    };
    target[method] = function (this: unknown, ...args: unknown[]): unknown {
      const t0 = performance.now();
      const result = (original as AnyFn).apply(this, args);
      if (result instanceof Promise) return result.finally(() => add(performance.now() - t0));
      add(performance.now() - t0);
      return result;
    };
    this.restores.push(() => {
      if (own) target[method] = original;
      else delete target[method];
    });
  }

  lines(): ProfileLine[] {
    return [...this.totals.entries()].map(([category, t]) => ({ category, ms: t.ms, calls: t.calls }));
  }

  detach(): void {
    for (const restore of this.restores.reverse()) restore();
    this.restores.length = 0;
  }
}
