// Multi-instance (and standard loop) activities: the cardinality a model may ask for, read at
// deploy when it is a literal, and the host side of every iteration at run time — each one counts
// against the event's runaway budget, and a computed cardinality over the limit fails the event.
import { scopedExpressions, type Expressions } from './scoped-expressions';
import type { ModdleElement } from 'bpmn-moddle';
import type { ExtendedElement, PostponedApi } from '../runner/engine-api';
import type { ElementReader } from './activity-meta';
import { expressionBody } from './moddle-element';

/** The most iterations one multi-instance activity may have (loopCardinality or collection size). */
export const MAX_LOOP_CARDINALITY = 10000;

export const readLoop: ElementReader = (el, meta) => {
  const loop = el.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return;
  const cardinality = expressionBody(loop.loopCardinality) ?? (loop.loopMaximum !== undefined ? String(loop.loopMaximum) : null);
  meta.loop = { cardinality };
};

/**
 * Camunda writes `<loopDataInputRef>list</loopDataInputRef>` naming a process variable rather than
 * a data input; it is read as the collection `${list}` (as `camunda:collection="list"` would be).
 */
export function loopDataInputAsCollection(loop: ModdleElement, variable: string): boolean {
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics' || !/^[A-Za-z_$][\w$]*$/.test(variable)) return false;
  loop.collection ??= `\${${variable}}`;
  // <inputDataItem name="assignee"/> names the element variable (camunda:elementVariable).
  const item = (loop.inputDataItem as ModdleElement | undefined)?.name;
  if (typeof item === 'string' && /^[A-Za-z_$][\w$]*$/.test(item)) loop.elementVariable ??= item;
  return true;
}

/** Why a literal cardinality is refused at deploy, or undefined (expressions are checked at run time). */
export function loopCardinalityProblem(cardinality: string | null | undefined): string | undefined {
  if (!cardinality || !/^\s*\d+(\.\d+)?(e\d+)?\s*$/i.test(cardinality)) return undefined;
  const n = Number(cardinality);
  return n > MAX_LOOP_CARDINALITY ? `its loopCardinality is ${cardinality.trim()}; at most ${MAX_LOOP_CARDINALITY} iterations are allowed` : undefined;
}

interface IterationMessage {
  content: { isMultiInstance?: boolean; index?: unknown; loopCardinality?: unknown; id?: string; executionId?: string; isSequential?: unknown };
}

/**
 * Camunda's nrOfInstances, nrOfActiveInstances and nrOfCompletedInstances of each running loop of
 * a runner (by the loop activity's execution id), kept up to date as its iterations complete, so a
 * completionCondition such as `${nrOfCompletedInstances >= 2}` can read them.
 */
export class LoopCounts {
  private readonly completed = new Map<string, { completed: number; active: number }>();

  /** An iteration ends; `running` is how many other iterations of its loop still run. */
  iterationEnded(content: IterationMessage['content'], running: number): void {
    const loopExecutionId = loopExecutionOf(content);
    if (!loopExecutionId) return;
    const instances = Number(content.loopCardinality);
    const counts = content.isSequential
      ? { completed: Number(content.index) + 1, active: 1 }
      : { completed: Number.isFinite(instances) ? Math.max(0, instances - running) : 0, active: running };
    this.completed.set(loopExecutionId, counts);
  }

  loopEnded(executionId: string | undefined): void {
    if (executionId) this.completed.delete(executionId);
  }

  /** The loop variables an expression evaluated for an iteration sees (none outside a loop). */
  scopeOf(content: unknown): Record<string, unknown> | null {
    const c = content as IterationMessage['content'] | undefined;
    const loopExecutionId = c ? loopExecutionOf(c) : null;
    if (!c || !loopExecutionId || typeof c.index !== 'number') return null;
    const instances = Number(c.loopCardinality);
    const counts = this.completed.get(loopExecutionId) ?? (c.isSequential ? { completed: c.index, active: 1 } : { completed: 0, active: instances });
    return { loopCounter: c.index, nrOfInstances: instances, nrOfActiveInstances: counts.active, nrOfCompletedInstances: counts.completed };
  }
}

/** The execution id of the loop an iteration belongs to (an iteration's is `<loop's>_<index>`), or null. */
function loopExecutionOf(c: IterationContent & { executionId?: string }): string | null {
  if (!c.isMultiInstance || typeof c.index !== 'number' || !c.executionId?.endsWith(`_${c.index}`)) return null;
  return c.executionId.slice(0, c.executionId.length - `_${c.index}`.length);
}

/** The engine's expressions, where an expression of a loop iteration also sees its loop variables (see LoopCounts). */
export function loopScopedExpressions<T extends Expressions>(expressions: T, counts: LoopCounts): T {
  return scopedExpressions(expressions, (content) => counts.scopeOf(content));
}

interface LoopActivity extends ExtendedElement {
  execution?: { getPostponed(): PostponedApi[] } | null;
  broker: { subscribeTmp(exchange: string, pattern: string, onMessage: (routingKey: string, message: IterationMessage) => void, options: object): void };
}

/**
 * bpmn-elements runs the iterations of a loop inside one activity run: `activity.start` is
 * emitted once, and a sequential loop of plain tasks never waits. Each iteration starts with an
 * `execute.start` carrying an index on the activity's execution exchange; throwing from here
 * stops the loop (the runner records the failure as the event's incident).
 */
export function loopGuard(onIteration: () => void, counts?: LoopCounts): (element: ExtendedElement) => undefined {
  return (element) => {
    if (!element.behaviour.loopCharacteristics) return undefined;
    const activity = element as LoopActivity;
    if (counts) {
      // Ahead of bpmn-elements' own loop handler (priority 300), which evaluates the completionCondition.
      activity.broker.subscribeTmp(
        'execution',
        'execute.#',
        (routingKey, message) => {
          if (!/^execute\.(completed|discard|cancel)$/.test(routingKey)) return;
          const c = message.content;
          if (typeof c.index !== 'number') return counts.loopEnded(c.executionId);
          // The loop's own message carries an index too once an iteration completed: only iterations count.
          const running = (activity.execution?.getPostponed() ?? []).filter(
            (api) => loopExecutionOf(api.content) !== null && api.content.executionId !== c.executionId,
          ).length;
          counts.iterationEnded(c, running);
        },
        { noAck: true, priority: 400 },
      );
    }
    activity.broker.subscribeTmp(
      'execution',
      'execute.start',
      (_routingKey, message) => {
        const c = message.content;
        if (!c.isMultiInstance || typeof c.index !== 'number') return;
        const cardinality = Number(c.loopCardinality);
        if (c.index === 0 && Number.isFinite(cardinality) && cardinality > MAX_LOOP_CARDINALITY) {
          throw new Error(
            `activity <${element.id}>: its loop has ${cardinality} iterations; at most ${MAX_LOOP_CARDINALITY} are allowed (a loopCardinality or collection computed at run time)`,
          );
        }
        onIteration();
      },
      { noAck: true },
    );
    return undefined;
  };
}

/** One waiting iteration of a multi-instance activity, or the activity itself when it has no loop. */
export interface IterationWait {
  api: PostponedApi;
  /** loopCounter, the element variable and the nrOf… counts of this iteration (empty without a loop). */
  scope: Record<string, unknown>;
}

interface IterationContent {
  executionId?: string;
  isMultiInstance?: boolean;
  index?: unknown;
  loopCardinality?: unknown;
  isSequential?: unknown;
}

interface LoopBehaviour {
  behaviour?: { loopCharacteristics?: { behaviour?: { elementVariable?: unknown; collection?: unknown } } };
}

/**
 * bpmn-elements keeps a multi-instance activity as one postponed activity whose execution holds
 * its running iterations, each with an execution id of its own (`<activity execution>_<index>`):
 * every iteration is a wait of its own — a user task per iteration — signalled by that id.
 */
export function iterationWaits(api: PostponedApi): IterationWait[] {
  const executing = (api as { getExecuting?: () => PostponedApi[] }).getExecuting?.() ?? [];
  const iterations = executing.filter((it) => loopExecutionOf(it.content) === api.content.executionId);
  if (loopExecutionOf(api.content) !== null || !iterations.length) return [{ api, scope: {} }];
  const loop = (api.owner as LoopBehaviour).behaviour?.loopCharacteristics?.behaviour;
  const elementVariable = loop?.collection ? (typeof loop.elementVariable === 'string' && loop.elementVariable) || 'item' : null;
  const first = iterations[0]?.content as IterationContent | undefined;
  const cardinality = Number(first?.loopCardinality);
  const instances = Number.isFinite(cardinality) ? cardinality : iterations.length;
  return iterations.map((it) => {
    const content = it.content as IterationContent & Record<string, unknown>;
    // A sequential loop runs one iteration at a time; a parallel one starts them all at once.
    const completed = content.isSequential ? Number(content.index) : instances - iterations.length;
    const scope: Record<string, unknown> = {
      loopCounter: content.index,
      nrOfInstances: instances,
      nrOfActiveInstances: iterations.length,
      nrOfCompletedInstances: Math.max(0, completed),
    };
    if (elementVariable) scope[elementVariable] = content[elementVariable];
    return { api: it, scope };
  });
}
