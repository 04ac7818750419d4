// Link events: a link throw event continues at the link catch event of the same name in the same
// scope. Camunda 7 refuses at deploy what leaves a throw without one place to go on; every throw
// continues there, also one that reaches the catch event after another throw.
import type { EventEmitter } from 'node:events';
import type { ModdleElement } from 'bpmn-moddle';
import type { ErrorItem } from '../../errors/app-error';
import { eventDefinition, list, str } from './moddle-element';

const LINK = 'bpmn:LinkEventDefinition';
const CATCH = 'bpmn:IntermediateCatchEvent';

/**
 * The link catch events of one scope (a process or a sub-process) that Camunda 7 refuses: a second
 * catch event with a link name already caught there (which one a throw continues at would be a
 * guess), and a link catch event after an event-based gateway (a link is not an event to wait for).
 */
export function linkEventProblems(scope: ModdleElement): ErrorItem[] {
  const problems: ErrorItem[] = [];
  const caught = new Map<string, string>();
  for (const el of list(scope, 'flowElements')) {
    if (el.$type !== CATCH) continue;
    const link = eventDefinition(el, LINK);
    if (!link) continue;
    const name = str(link.name) ?? '';
    const first = caught.get(name);
    if (first !== undefined) {
      problems.push({
        elementId: el.id,
        message: `link catch event <${el.id}> has the link name <${name}> of link catch event <${first}> in the same scope: expected one catch event per link name`,
      });
    } else caught.set(name, String(el.id));
  }
  // By the sequence flows, as a file need not list a catch event's incoming flows.
  for (const flow of list(scope, 'flowElements')) {
    const source = flow.sourceRef as ModdleElement | undefined;
    const target = flow.targetRef as ModdleElement | undefined;
    if (flow.$type !== 'bpmn:SequenceFlow' || source?.$type !== 'bpmn:EventBasedGateway' || target?.$type !== CATCH || !eventDefinition(target, LINK)) continue;
    problems.push({
      elementId: target.id,
      message: `link catch event <${target.id}> follows event-based gateway <${source.id}>: expected a message, timer, signal or conditional catch event there`,
    });
  }
  return problems;
}

interface LinkDefinitionBehaviour {
  type?: string;
  reference?: { linkName?: string };
  [MESSAGE_Q]?: LinkQueue;
}
interface LinkCatchActivity {
  id: string;
  type: string;
  isRunning?: boolean;
  eventDefinitions?: LinkDefinitionBehaviour[];
  run(): void;
}
interface LinkThrowApi {
  content: { message?: { linkName?: unknown } };
  owner?: { parent?: { id?: string }; context?: { getActivities(scopeId?: string): LinkCatchActivity[] } };
}
interface QueuedLink {
  fields: { routingKey: string };
  content: unknown;
  properties: Record<string, unknown>;
}
/** The smqp queue a link catch event takes its throws from. */
interface LinkQueue {
  messageCount: number;
  consumerCount: number;
  get(options: { noAck: boolean }): QueuedLink | false;
  queueMessage(fields: { routingKey: string }, content: unknown, properties: Record<string, unknown>): void;
}

const MESSAGE_Q = Symbol.for('messageQ');
/** How many turns a throw waits for its catch event to finish a run before it is left in the queue. */
const MAX_LINK_RETRIES = 100;

function linkQueueOf(activity: LinkCatchActivity, name: string): LinkQueue | undefined {
  if (activity.type !== CATCH) return undefined;
  return activity.eventDefinitions?.find((ed) => ed.type === LINK && ed.reference?.linkName === name)?.[MESSAGE_Q];
}

/**
 * Link catch events continue once per throw, as in Camunda 7. bpmn-elements runs a link catch
 * event from the start of its scope; once it has caught a throw it does not run again, and a
 * later throw of the same name stays in the catch event's link queue, which only a running catch
 * event reads: that token would be lost. The host takes such a throw out of the queue and, after
 * the engine callback that threw it, runs the catch event again with it — once per throw. What
 * follows the catch event then runs once per throw too (one token of an activity at a time, as
 * bpmn-elements runs every activity). Checked against bpmn-elements 17.3
 * (eventDefinitions/LinkEventDefinition.js).
 */
export function linkCatchEveryThrow(listener: EventEmitter, state: { resuming: boolean; detached: boolean }, later: (fn: () => void) => void): void {
  listener.on('activity.link', (api: LinkThrowApi) => {
    if (state.resuming || state.detached) return;
    const name = api.content.message?.linkName;
    const owner = api.owner;
    if (typeof name !== 'string' || !owner?.context) return;
    for (const activity of owner.context.getActivities(owner.parent?.id)) {
      const queue = linkQueueOf(activity, name);
      // Empty: the catch event was waiting and took the throw. A throw before the catch event's
      // scope has started it (it runs from the start) is held back too, and handed to it then.
      const left = queue && queue.messageCount > 0 ? queue.get({ noAck: true }) : false;
      if (!queue || !left) continue;
      const deliver = (attempt: number) => {
        // Running, but not (yet) waiting for a link: it takes the throw once it has finished.
        if (activity.isRunning && !queue.consumerCount && attempt < MAX_LINK_RETRIES) {
          later(() => deliver(attempt + 1));
          return;
        }
        const waiting = activity.isRunning;
        queue.queueMessage(left.fields, left.content, left.properties);
        if (!waiting) activity.run();
      };
      later(() => deliver(0));
    }
  });
}
