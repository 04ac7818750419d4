// Sequence flows (and the other connectors): no activity of their own, never a wait. Many tools
// write connectors without an `id` (valid BPMN for them); bpmn-elements needs one per flow.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { list } from './moddle-element';

export const SEQUENCE_FLOW = 'bpmn:SequenceFlow';

/** Sequence flows, message flows and associations: an api of one of these is a connector. */
export function isConnector(type: string): boolean {
  return /Flow$|Association$/.test(type);
}

const CONNECTOR_LISTS = ['flowElements', 'artifacts', 'messageFlows'];

/**
 * Gives every connector without an id one made from its ends (`flow_<source>_<target>`, with a
 * counter where that is taken), in the parsed tree only: the stored XML stays as deployed. The
 * same document always gets the same ids, so a recovered instance finds its flows again. Without
 * this, bpmn-elements fails every instance ("Consumer tag must be unique": all id-less flows share
 * one consumer tag). Returns the ids it made, by connector.
 */
export function giveConnectorsIds(parsed: ParseResult): Array<{ id: string; type: string }> {
  const made: Array<{ id: string; type: string }> = [];
  const containers: ModdleElement[] = [parsed.rootElement];
  const taken = (id: string) => id in parsed.elementsById;
  while (containers.length) {
    const container = containers.shift() as ModdleElement;
    const children = container === parsed.rootElement ? list(container, 'rootElements') : CONNECTOR_LISTS.flatMap((p) => list(container, p));
    for (const el of children) {
      if (isConnector(el.$type) && !el.id) {
        const end = (ref: unknown) => ((ref as ModdleElement | undefined)?.id ?? 'none').replace(/[^\w.-]/g, '_');
        const base = `${el.$type === SEQUENCE_FLOW ? 'flow' : el.$type.replace(/^bpmn:/, '').toLowerCase()}_${end(el.sourceRef)}_${end(el.targetRef)}`;
        let id = base;
        for (let n = 2; taken(id); n++) id = `${base}_${n}`;
        el.id = id;
        parsed.elementsById[id] = el;
        made.push({ id, type: el.$type });
      }
      if (CONNECTOR_LISTS.some((p) => list(el, p).length)) containers.push(el);
    }
  }
  return made;
}

interface OutboundFlow {
  id: string;
  action: string;
  targetId: string;
}
interface OutboundActivity {
  type: string;
  outbound?: Array<{ targetId: string }>;
  getActivityById(id: string): { type: string } | null | undefined;
  _doRunOutbound: (this: OutboundActivity, flows: OutboundFlow[], content: unknown, discardSequence: unknown) => OutboundFlow[];
  _publishRunOutbound(flow: OutboundFlow, content: unknown, discardSequence: unknown): void;
}

/** Joins count arriving tokens by source activity in bpmn-elements: two from one source would hang them. */
const JOINS_BY_SOURCE = new Set(['bpmn:ParallelGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']);

/**
 * bpmn-engine `extensions` entry: every taken sequence flow puts a token on its target, also when
 * several flows of one activity lead to the same target (Camunda 7: three flows from a start event
 * into an exclusive gateway run what follows it three times). bpmn-elements takes one flow per
 * target and drops the others silently (Activity._doRunOutbound, bpmn-elements 17.3). For such an
 * activity the other taken flows to that target are published too; not where the target is a
 * join, which bpmn-elements completes once per source activity.
 */
export function everyTakenFlow(element: unknown): undefined {
  const activity = element as OutboundActivity;
  const targets = (activity.outbound ?? []).map((f) => f.targetId);
  const shared = new Set(targets.filter((id, i) => targets.indexOf(id) !== i));
  if (!shared.size || typeof activity._doRunOutbound !== 'function') return undefined;
  const engineRunOutbound = activity._doRunOutbound;
  // The targets' types are read when the activity first runs: while it is built, they may not be yet.
  let joinsChecked = false;
  activity._doRunOutbound = function runOutbound(this: OutboundActivity, flows, content, discardSequence) {
    const result = engineRunOutbound.call(this, flows, content, discardSequence);
    if (!joinsChecked) {
      joinsChecked = true;
      for (const id of [...shared]) if (JOINS_BY_SOURCE.has(this.getActivityById(id)?.type ?? '')) shared.delete(id);
    }
    // bpmn-elements published the first taken flow of each target: the others follow it.
    const first = new Set<string>();
    for (const flow of flows) {
      if (flow.action !== 'take' || !shared.has(flow.targetId)) continue;
      if (first.has(flow.targetId)) this._publishRunOutbound(flow, content, discardSequence);
      else first.add(flow.targetId);
    }
    return result;
  };
  return undefined;
}
