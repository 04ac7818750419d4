// Multi-instance (and standard loop) activities: the cardinality a model may ask for, read at
// deploy when it is a literal, and the host side of every iteration at run time — each one counts
// against the event's runaway budget, and a computed cardinality over the limit fails the event.
import type { ModdleElement } from 'bpmn-moddle';
import type { ExtendedElement } from '../runner/engine-api';
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
  return true;
}

/** Why a literal cardinality is refused at deploy, or undefined (expressions are checked at run time). */
export function loopCardinalityProblem(cardinality: string | null | undefined): string | undefined {
  if (!cardinality || !/^\s*\d+(\.\d+)?(e\d+)?\s*$/i.test(cardinality)) return undefined;
  const n = Number(cardinality);
  return n > MAX_LOOP_CARDINALITY ? `its loopCardinality is ${cardinality.trim()}; at most ${MAX_LOOP_CARDINALITY} iterations are allowed` : undefined;
}

interface IterationMessage {
  content: { isMultiInstance?: boolean; index?: unknown; loopCardinality?: unknown; id?: string };
}

interface LoopActivity extends ExtendedElement {
  broker: { subscribeTmp(exchange: string, pattern: string, onMessage: (routingKey: string, message: IterationMessage) => void, options: object): void };
}

/**
 * bpmn-elements runs the iterations of a loop inside one activity run: `activity.start` is
 * emitted once, and a sequential loop of plain tasks never waits. Each iteration starts with an
 * `execute.start` carrying an index on the activity's execution exchange; throwing from here
 * stops the loop (the runner records the failure as the event's incident).
 */
export function loopGuard(onIteration: () => void): (element: ExtendedElement) => undefined {
  return (element) => {
    if (!element.behaviour.loopCharacteristics) return undefined;
    const activity = element as LoopActivity;
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
