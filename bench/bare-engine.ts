// Path (a): bare bpmn-engine in memory, driven the way its documentation shows — one
// `new Engine({ source })` per instance, `execute()`, then each user task signalled until the end.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { USER_TASKS } from './bench-process';

/** How the engine gets the diagram: the XML (parsed by every engine) or a shared serialized context. */
export type BareSource = { source: string } | { sourceContext: unknown };

/** How the user tasks are completed. */
export type BareDrive = 'execution.signal' | 'listener';

interface WaitApi {
  id: string;
  signal(message?: unknown): void;
}

function newEngine(name: string, source: BareSource): Engine {
  return new Engine({ name, ...source } as ConstructorParameters<typeof Engine>[0]);
}

/**
 * One instance from start to end. `execution.signal`: execute, then for each user task wait until
 * it waits and call `execution.signal({ id })` (three separate events, as a service would see
 * them). `listener`: the `activity.wait` listener signals the task at once (`api.signal()`).
 */
export async function bareLifecycle(i: number, source: BareSource, drive: BareDrive): Promise<void> {
  const listener = new EventEmitter();
  const engine = newEngine(`bare-${i}`, source);
  const ended = engine.waitFor('end');
  if (drive === 'listener') {
    listener.on('activity.wait', (api: WaitApi) => api.signal());
    await engine.execute({ listener });
    await ended;
    return;
  }
  const waits = new Set<string>();
  let wake: (() => void) | null = null;
  listener.on('activity.wait', (api: WaitApi) => {
    waits.add(api.id);
    const w = wake;
    wake = null;
    w?.();
  });
  const execution = await engine.execute({ listener });
  for (const id of USER_TASKS) {
    while (!waits.has(id)) await new Promise<void>((resolve) => (wake = resolve));
    execution.signal({ id });
  }
  await ended;
}

/** Starts `count` engines and leaves each waiting at the first user task; returns them. */
export async function startWaitingEngines(count: number, source: BareSource): Promise<Engine[]> {
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) {
    const listener = new EventEmitter();
    const engine = newEngine(`waiting-${i}`, source);
    let waiting = false;
    let wake: (() => void) | null = null;
    listener.on('activity.wait', () => {
      waiting = true;
      wake?.();
    });
    await engine.execute({ listener });
    while (!waiting) await new Promise<void>((resolve) => (wake = resolve));
    engines.push(engine);
  }
  return engines;
}

export async function stopEngines(engines: Engine[]): Promise<void> {
  for (const e of engines) await e.stop();
  engines.length = 0;
}
