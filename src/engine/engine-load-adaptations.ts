// What bpmn-engine's loader (moddle-context-serializer) cannot read, though the run does not need
// it: set aside in the parsed tree while the engine loads the document, and put back after, so
// the analysis, the lint and the stored XML see the document as deployed.
// - root elements that are no process, collaboration, message, signal, error, escalation, data
//   store, category or event definition (`itemDefinition`, `globalTask`, `resource`, `interface`…),
// - resource roles (`potentialOwner`, `humanPerformer`) without an assignment expression,
// - message flows from or to an element inside a sub-process: loaded as if they ended at the
//   sub-process of the pool's top level, then pointed at the element itself again.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { DeployWarning } from './model-lint';

const LOADABLE_ROOTS = new Set([
  'bpmn:Process',
  'bpmn:Collaboration',
  'bpmn:Message',
  'bpmn:Signal',
  'bpmn:Error',
  'bpmn:Escalation',
  'bpmn:DataStore',
  'bpmn:Category',
]);
const isLoadableRoot = (type: string) => LOADABLE_ROOTS.has(type) || /^bpmn:\w+EventDefinition$/.test(type);

interface Reference {
  element: ModdleElement;
  property: string;
  id: string;
}
interface MessageFlowEntry {
  id: string;
  sourceId?: string;
  targetId?: string;
  source?: { id?: string };
  target?: { id?: string };
}

export interface LoadAdaptation {
  /** Points the loaded message flows at the elements the document names. */
  patch(sourceContext: unknown): void;
  /** Puts the parsed tree back as it was parsed. */
  restore(): void;
}

const elementsOf = (el: ModdleElement, key: string): ModdleElement[] => {
  const v = el[key];
  return Array.isArray(v) ? (v as ModdleElement[]) : [];
};

/** The flow element directly in a process that holds `el` (or `el` itself when it is one); undefined outside processes. */
function topLevelAncestor(el: ModdleElement | undefined): ModdleElement | undefined {
  let node = el;
  while (node?.$parent) {
    if (node.$parent.$type === 'bpmn:Process') return node;
    node = node.$parent;
  }
  return undefined;
}

function every(root: ModdleElement, visit: (el: ModdleElement) => void): void {
  const stack: ModdleElement[] = [root];
  while (stack.length) {
    const el = stack.pop() as ModdleElement;
    visit(el);
    for (const key of ['rootElements', 'flowElements']) stack.push(...elementsOf(el, key));
  }
}

export function adaptForEngine(parsed: ParseResult, warnings: DeployWarning[]): LoadAdaptation {
  const undo: Array<() => void> = [];
  const root = parsed.rootElement;

  const roots = elementsOf(root, 'rootElements');
  const kept = roots.filter((r) => isLoadableRoot(r.$type));
  if (kept.length !== roots.length) {
    root.rootElements = kept;
    undo.push(() => (root.rootElements = roots));
  }

  every(root, (el) => {
    const roles = elementsOf(el, 'resources');
    const assigned = roles.filter((r) => (r.resourceAssignmentExpression as ModdleElement | undefined)?.expression);
    if (assigned.length === roles.length) return;
    for (const role of roles.filter((r) => !assigned.includes(r))) {
      const ref = (role.resourceRef as ModdleElement | undefined)?.id;
      warnings.push({
        elementId: String(el.id),
        message: `the ${role.$type.replace(/^bpmn:/, '')} of <${String(el.id)}>${ref ? ` names the resource <${String(ref)}> but` : ''} has no resourceAssignmentExpression: it assigns no one`,
      });
    }
    el.resources = assigned;
    undo.push(() => (el.resources = roles));
  });

  // Message flows whose end lies inside a sub-process: the loader looks their process up among
  // the top-level elements only.
  const nested = new Map<string, { sourceId?: string; targetId?: string }>();
  for (const r of (parsed as unknown as { references: Reference[] }).references) {
    if (r.element.$type !== 'bpmn:MessageFlow' || (r.property !== 'bpmn:sourceRef' && r.property !== 'bpmn:targetRef')) continue;
    const end = parsed.elementsById[r.id];
    const top = topLevelAncestor(end);
    if (!top || top === end) continue;
    const id = r.id;
    const entry = nested.get(String(r.element.id)) ?? {};
    entry[r.property === 'bpmn:sourceRef' ? 'sourceId' : 'targetId'] = id;
    nested.set(String(r.element.id), entry);
    r.id = String(top.id);
    undo.push(() => (r.id = id));
  }

  return {
    patch(sourceContext) {
      if (!nested.size) return;
      const flows = (sourceContext as { elements?: { messageFlows?: MessageFlowEntry[] } }).elements?.messageFlows ?? [];
      for (const flow of flows) {
        const ends = nested.get(flow.id);
        if (!ends) continue;
        if (ends.sourceId) {
          flow.sourceId = ends.sourceId;
          if (flow.source) flow.source.id = ends.sourceId;
        }
        if (ends.targetId) {
          flow.targetId = ends.targetId;
          if (flow.target) flow.target.id = ends.targetId;
        }
      }
    },
    restore() {
      for (const fn of undo.reverse()) fn();
    },
  };
}
