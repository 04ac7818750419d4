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
