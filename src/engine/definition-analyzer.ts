// Reads what procflow needs from a parsed BPMN document, once per definition version: which
// processes can be started, and for every activity what its element readers find in it.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { DefinitionInfo } from '../store/types';
import {
  collectListeners,
  elementReaders,
  isUserTask,
  laneNames,
  list,
  PROCESS,
  SEQUENCE_FLOW,
  startOptions,
  str,
  type ActivityMeta,
  type ElementListeners,
  type ElementPlace,
} from './elements';

export type { ActivityMeta } from './elements';

export interface ProcessMeta {
  id: string;
  name: string | null;
  executable: boolean;
  info: DefinitionInfo;
}

export interface DocumentMeta {
  processes: ProcessMeta[];
  activities: Map<string, ActivityMeta>;
  /** Execution and task listeners, by the id of the process, flow node or sequence flow holding them. */
  listeners: Map<string, ElementListeners>;
}

function describeActivity(el: ModdleElement, place: ElementPlace): ActivityMeta {
  const meta: ActivityMeta = {
    id: String(el.id),
    name: str(el.name),
    type: el.$type,
    processId: place.processId,
    candidateGroups: [],
    assignee: null,
    formFields: [],
  };
  for (const read of elementReaders) read(el, meta, place);
  return meta;
}

function collect(container: ModdleElement, place: ElementPlace, out: Map<string, ActivityMeta>, top: ModdleElement[]): void {
  for (const el of list(container, 'flowElements')) {
    if (el.$type === SEQUENCE_FLOW || !el.id) continue;
    out.set(el.id, describeActivity(el, place));
    top.push(el);
    if (list(el, 'flowElements').length) collect(el, place, out, []);
  }
}

export function analyzeDocument(parsed: ParseResult): DocumentMeta {
  const activities = new Map<string, ActivityMeta>();
  const processes: ProcessMeta[] = [];
  for (const root of list(parsed.rootElement, 'rootElements')) {
    if (root.$type !== PROCESS || !root.id) continue;
    const topLevel: ModdleElement[] = [];
    const before = new Set(activities.keys());
    collect(root, { processId: root.id, lanes: laneNames(root) }, activities, topLevel);
    const mine = [...activities.values()].filter((a) => !before.has(a.id));
    const info: DefinitionInfo = {
      processId: root.id,
      userTasks: mine.filter((a) => isUserTask(a.type)).map((a) => ({ id: a.id, name: a.name ?? a.id })),
      messages: [...new Set(mine.flatMap((a) => (a.message ? [a.message.name] : [])))],
      signals: [...new Set(mine.flatMap((a) => (a.signal ? [a.signal.name] : [])))],
      timers: mine.flatMap((a) => (a.timer ? [{ activityId: a.id, ...a.timer }] : [])),
      ...startOptions(topLevel, activities),
      ...starters(root),
      ...(typeof root.historyTimeToLive === 'string' && root.historyTimeToLive.trim() ? { historyTimeToLive: root.historyTimeToLive.trim() } : {}),
    };
    processes.push({ id: root.id, name: str(root.name), executable: root.isExecutable !== false, info });
  }
  return { processes, activities, listeners: collectListeners(parsed) };
}

/** Who may start the process, as the model declares it (Camunda's candidate starter attributes). */
function starters(process: ModdleElement): Pick<DefinitionInfo, 'starters'> {
  const split = (v: unknown) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [];
  const groups = split(process.candidateStarterGroups);
  const users = split(process.candidateStarterUsers);
  return groups.length || users.length ? { starters: { groups, users } } : {};
}
