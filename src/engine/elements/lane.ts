// Lanes: a user task with no candidate groups is offered to the group its lane is named after.
import type { ModdleElement } from 'bpmn-moddle';
import { list, str } from './moddle-element';

/** Lane name (lower-cased) by flow node id, nested lane sets included. */
export function laneNames(process: ModdleElement): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (laneSet: ModdleElement) => {
    for (const lane of list(laneSet, 'lanes')) {
      const name = str(lane.name);
      for (const ref of list(lane, 'flowNodeRef')) if (name && ref.id) out.set(ref.id, name.toLowerCase());
      const child = lane.childLaneSet as ModdleElement | undefined;
      if (child) walk(child);
    }
  };
  for (const ls of list(process, 'laneSets')) walk(ls);
  return out;
}
