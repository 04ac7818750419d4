// Link events: a link throw event continues at the link catch event of the same name in the same
// scope. Camunda 7 refuses at deploy what leaves a throw without one place to go on.
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
