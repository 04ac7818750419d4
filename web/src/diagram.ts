// The BPMN diagram, drawn by bpmn-js's NavigatedViewer (pan and zoom), with markers for the path
// an instance took and where it waits, and optional count badges (the cockpit's bottleneck view).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';

interface DiagramElement {
  id: string;
  type: string;
  source?: DiagramElement;
  target?: DiagramElement;
}

interface Canvas {
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  addMarker(id: string, marker: string): void;
}

interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}

interface Overlays {
  add(id: string, overlay: { position: { top?: number; right?: number; bottom?: number; left?: number }; html: HTMLElement }): string;
}

export interface DiagramMarks {
  /** Activities the instance waits at now. */
  waiting?: string[];
  /** Activities that ran to their end. */
  done?: string[];
  /** Activities entered (a flow between two entered/done activities counts as taken). */
  entered?: string[];
  /** Badges: activity id → text (e.g. how many instances wait there). */
  badges?: Map<string, string>;
}

export interface Diagram {
  destroy(): void;
  /** Element ids that carry the given marker class. */
  marked(marker: string): string[];
}

export async function showDiagram(container: HTMLElement, xml: string, marks: DiagramMarks = {}): Promise<Diagram> {
  const viewer = new NavigatedViewer({ container });
  const result = await viewer.importXML(xml);
  const canvas = viewer.get<Canvas>('canvas');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const overlays = viewer.get<Overlays>('overlays');
  const markedIds = new Map<string, string[]>();
  const mark = (id: string, marker: string) => {
    if (!registry.get(id)) return;
    canvas.addMarker(id, marker);
    markedIds.set(marker, [...(markedIds.get(marker) ?? []), id]);
  };
  const waiting = new Set(marks.waiting ?? []);
  const done = new Set(marks.done ?? []);
  const entered = new Set([...(marks.entered ?? []), ...done, ...waiting]);
  for (const id of done) if (!waiting.has(id)) mark(id, 'pf-done');
  for (const id of waiting) mark(id, 'pf-waiting');
  for (const el of registry.getAll()) {
    if (el.type === 'bpmn:SequenceFlow' && el.source && el.target && done.has(el.source.id) && entered.has(el.target.id)) mark(el.id, 'pf-taken');
  }
  for (const [id, text] of marks.badges ?? []) {
    if (!registry.get(id)) continue;
    const badge = document.createElement('span');
    badge.className = 'pf-badge';
    badge.textContent = text;
    overlays.add(id, { position: { top: -12, right: 12 }, html: badge });
  }
  canvas.zoom('fit-viewport', 'auto');
  if (result.warnings.length) container.dataset.warnings = String(result.warnings.length);
  container.dataset.rendered = 'true';
  return { destroy: () => viewer.destroy(), marked: (marker) => markedIds.get(marker) ?? [] };
}
