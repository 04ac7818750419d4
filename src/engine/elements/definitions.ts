// The <bpmn:definitions> root of a document.
import type { ParseResult } from 'bpmn-moddle';

export const DEFINITIONS = 'bpmn:Definitions';

/**
 * Gives a <bpmn:definitions> without an id (valid BPMN; many of Camunda's own test files have
 * none) one, in the parsed tree only: the stored XML stays as deployed. bpmn-engine finds the
 * source of a recovered definition by that id, so without one no instance of the document could
 * be carried on by a new engine (after a restart, on another node): recovering failed with
 * "Cannot read properties of undefined (reading 'id')". The same document always gets the same id.
 */
export function giveDefinitionsId(parsed: ParseResult): void {
  const root = parsed.rootElement;
  if (root.$type !== DEFINITIONS || root.id) return;
  let id = 'Definitions';
  for (let n = 2; id in parsed.elementsById; n++) id = `Definitions_${n}`;
  root.id = id;
}
