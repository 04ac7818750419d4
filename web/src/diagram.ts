// The BPMN diagram, drawn by bpmn-js's NavigatedViewer (pan and zoom), with markers for the path
// an instance took, where it waits and where it failed, run counts, and optional count badges
// (the cockpit's bottleneck view), and a colour per activity that can be switched on and off (the
// definition page's duration heatmap). pathFromHistory derives the path from the instance's history.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';

interface DiagramElement {
  id: string;
  type: string;
  businessObject?: { name?: string };
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
  getGraphics(id: string): SVGElement | undefined;
}

interface Overlays {
  add(id: string, overlay: { position: { top?: number; right?: number; bottom?: number; left?: number }; html: HTMLElement }): string;
}

export interface DiagramMarks {
  /** Activities the instance waits at now. */
  waiting?: string[];
  /** Activities that ran to their end. */
  done?: string[];
  /** Activities that failed and have an open incident (drawn red). */
  incidents?: string[];
  /** Sequence flows taken; without it a flow counts as taken when its source is done and its target done or waiting. */
  taken?: (flow: { id: string; source: string; target: string }) => boolean;
  /** How many times each activity ran: a "×n" badge where n > 1. */
  runs?: Map<string, number>;
  /** Badges: activity id → text (e.g. how many instances wait there). */
  badges?: Map<string, string>;
}

export interface Diagram {
  destroy(): void;
  /** Element ids that carry the given marker class. */
  marked(marker: string): string[];
  /** The element's name in the diagram, if it has one. */
  name(id: string): string | undefined;
  /** Fills each listed element's shape with its colour (the heatmap); null puts the usual fills back. */
  tint(colours: Map<string, string> | null): void;
}

/** One history row, as far as the path is concerned (the API's HistoryEntry). */
export interface PathEvent {
  activityId: string | null;
  event: string;
}

/**
 * What ran, from an instance's history (oldest first). Only activities that ended count as done:
 * one that was entered but never ended (the branches of an event-based gateway that did not fire,
 * an interrupted task, a boundary event that never triggered) is not drawn as taken. A flow is taken
 * when its source ended, was entered before its target was (an event-based gateway ends only after
 * its events are armed), and the target ended, waits now or failed.
 * Runs count the ends, plus the run in progress where the instance waits or failed.
 */
export function pathFromHistory(history: PathEvent[], waiting: string[], incidents: string[] = []): DiagramMarks {
  const firstStart = new Map<string, number>();
  const firstEnd = new Map<string, number>();
  const lastStart = new Map<string, number>();
  const runs = new Map<string, number>();
  history.forEach((e, i) => {
    if (!e.activityId) return;
    if (e.event === 'end') {
      if (!firstEnd.has(e.activityId)) firstEnd.set(e.activityId, i);
      runs.set(e.activityId, (runs.get(e.activityId) ?? 0) + 1);
    }
    if (e.event === 'start') {
      if (!firstStart.has(e.activityId)) firstStart.set(e.activityId, i);
      lastStart.set(e.activityId, i);
    }
  });
  const open = new Set([...waiting, ...incidents]);
  for (const id of open) if (lastStart.has(id)) runs.set(id, (runs.get(id) ?? 0) + 1);
  const reached = (id: string) => firstEnd.has(id) || open.has(id);
  return {
    waiting,
    incidents,
    done: [...firstEnd.keys()],
    runs,
    taken: ({ source, target }) => {
      const began = firstStart.get(source);
      const entered = lastStart.get(target);
      return firstEnd.has(source) && began !== undefined && entered !== undefined && began < entered && reached(target);
    },
  };
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
  const badge = (id: string, text: string, className: string) => {
    if (!registry.get(id)) return;
    const el = document.createElement('span');
    el.className = className;
    el.dataset.elementId = id;
    el.textContent = text;
    overlays.add(id, { position: className === 'pf-badge' ? { top: -12, right: 12 } : { bottom: 8, left: -12 }, html: el });
  };
  const waiting = new Set(marks.waiting ?? []);
  const failed = new Set(marks.incidents ?? []);
  const done = new Set(marks.done ?? []);
  const taken = marks.taken ?? (({ source, target }) => done.has(source) && (done.has(target) || waiting.has(target)));
  for (const id of done) if (!waiting.has(id) && !failed.has(id)) mark(id, 'pf-done');
  for (const id of waiting) if (!failed.has(id)) mark(id, 'pf-waiting');
  for (const id of failed) mark(id, 'pf-incident');
  for (const el of registry.getAll()) {
    if (el.type === 'bpmn:SequenceFlow' && el.source && el.target && taken({ id: el.id, source: el.source.id, target: el.target.id })) mark(el.id, 'pf-taken');
  }
  for (const [id, n] of marks.runs ?? []) if (n > 1) badge(id, `×${n}`, 'pf-runs');
  for (const [id, text] of marks.badges ?? []) badge(id, text, 'pf-badge');
  const tinted = new Map<string, { shape: SVGElement; fill: string }>();
  const tint = (colours: Map<string, string> | null) => {
    for (const { shape, fill } of tinted.values()) {
      shape.style.removeProperty('fill');
      if (fill) shape.style.fill = fill;
      delete shape.dataset.tint;
    }
    tinted.clear();
    for (const [id, colour] of colours ?? []) {
      const shape = registry.getGraphics(id)?.querySelector<SVGElement>('.djs-visual > :first-child');
      if (!shape) continue;
      tinted.set(id, { shape, fill: shape.style.fill });
      // Over the path markers' fills too (they are !important in the stylesheet).
      shape.style.setProperty('fill', colour, 'important');
      shape.dataset.tint = colour;
    }
    container.dataset.tinted = String(tinted.size);
  };
  canvas.zoom('fit-viewport', 'auto');
  if (result.warnings.length) container.dataset.warnings = String(result.warnings.length);
  container.dataset.rendered = 'true';
  return {
    destroy: () => viewer.destroy(),
    marked: (marker) => markedIds.get(marker) ?? [],
    name: (id) => registry.get(id)?.businessObject?.name || undefined,
    tint,
  };
}
