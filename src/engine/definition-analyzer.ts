// Reads what procflow needs from a parsed BPMN document, once per definition version: which
// processes can be started, and for every activity who may do it, its form, the message,
// signal, timer or service topic it waits for.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { DefinitionInfo, FormField } from '../store/types';

export interface ActivityMeta {
  id: string;
  name: string | null;
  type: string;
  processId: string;
  candidateGroups: string[];
  assignee: string | null;
  formFields: FormField[];
  message?: { id: string; name: string };
  signal?: { id: string; name: string };
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  topic?: string;
  initiator?: string;
  /** camunda:failedJobRetryTimeCycle, e.g. R5/PT5M. */
  retryCycle?: string;
}

export interface ProcessMeta {
  id: string;
  name: string | null;
  executable: boolean;
  info: DefinitionInfo;
}

export interface DocumentMeta {
  processes: ProcessMeta[];
  activities: Map<string, ActivityMeta>;
}

function list(el: ModdleElement | undefined, prop: string): ModdleElement[] {
  const v = el?.[prop];
  return Array.isArray(v) ? (v as ModdleElement[]) : [];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function expressionBody(v: unknown): string | null {
  if (!v || typeof v !== 'object') return null;
  return str((v as { body?: unknown }).body);
}

function splitList(v: unknown): string[] {
  const s = str(v);
  return s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
}

const FIELD_TYPES = new Set(['string', 'long', 'boolean', 'date', 'enum']);

function formFields(el: ModdleElement): FormField[] {
  const ext = el.extensionElements as ModdleElement | undefined;
  const formData = list(ext, 'values').find((v) => v.$type === 'camunda:FormData');
  return list(formData, 'fields').map((f) => {
    const constraints = list(f.validation as ModdleElement | undefined, 'constraints');
    const type = str(f.type) ?? 'string';
    const field: FormField = {
      id: String(f.id),
      label: str(f.label) ?? String(f.id),
      type: (FIELD_TYPES.has(type) ? type : 'string') as FormField['type'],
      required: constraints.some((c) => c.name === 'required'),
    };
    if (field.type === 'enum') field.values = list(f, 'values').map((v) => ({ id: String(v.id), name: str(v.name) ?? String(v.id) }));
    if (f.defaultValue !== undefined) field.defaultValue = f.defaultValue;
    return field;
  });
}

function laneNames(process: ModdleElement): Map<string, string> {
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

function eventDefinition(el: ModdleElement, type: string): ModdleElement | undefined {
  return list(el, 'eventDefinitions').find((d) => d.$type === type);
}

function describeActivity(el: ModdleElement, processId: string, lanes: Map<string, string>): ActivityMeta {
  const id = String(el.id);
  const meta: ActivityMeta = {
    id,
    name: str(el.name),
    type: el.$type,
    processId,
    candidateGroups: [],
    assignee: null,
    formFields: [],
  };
  if (el.$type === 'bpmn:UserTask') {
    const groups = splitList(el.candidateGroups);
    const lane = lanes.get(id);
    meta.candidateGroups = groups.length ? groups : lane ? [lane] : [];
    meta.assignee = str(el.assignee);
    meta.formFields = formFields(el);
  }
  if (el.$type === 'bpmn:StartEvent') {
    meta.formFields = formFields(el);
    const initiator = str(el.initiator);
    if (initiator) meta.initiator = initiator;
  }
  const messageRef = (eventDefinition(el, 'bpmn:MessageEventDefinition')?.messageRef ?? (el.$type === 'bpmn:ReceiveTask' ? el.messageRef : undefined)) as
    ModdleElement | undefined;
  if (messageRef?.id) meta.message = { id: messageRef.id, name: str(messageRef.name) ?? messageRef.id };
  const signalRef = eventDefinition(el, 'bpmn:SignalEventDefinition')?.signalRef as ModdleElement | undefined;
  if (signalRef?.id) meta.signal = { id: signalRef.id, name: str(signalRef.name) ?? signalRef.id };
  const timer = eventDefinition(el, 'bpmn:TimerEventDefinition');
  if (timer) {
    for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
      const value = expressionBody(timer[kind]);
      if (value) meta.timer = { kind, value };
    }
  }
  const retry = list(el.extensionElements as ModdleElement | undefined, 'values').find((v) => v.$type === 'camunda:FailedJobRetryTimeCycle');
  const retryCycle = str(retry?.body);
  if (retryCycle) meta.retryCycle = retryCycle;
  const topic = str(el.topic);
  if (topic && el.type === 'external') meta.topic = topic;
  return meta;
}

function collect(container: ModdleElement, processId: string, lanes: Map<string, string>, out: Map<string, ActivityMeta>, top: ModdleElement[]): void {
  for (const el of list(container, 'flowElements')) {
    if (el.$type === 'bpmn:SequenceFlow' || !el.id) continue;
    out.set(el.id, describeActivity(el, processId, lanes));
    top.push(el);
    if (list(el, 'flowElements').length) collect(el, processId, lanes, out, []);
  }
}

export function analyzeDocument(parsed: ParseResult): DocumentMeta {
  const activities = new Map<string, ActivityMeta>();
  const processes: ProcessMeta[] = [];
  for (const root of list(parsed.rootElement, 'rootElements')) {
    if (root.$type !== 'bpmn:Process' || !root.id) continue;
    const lanes = laneNames(root);
    const topLevel: ModdleElement[] = [];
    const before = new Set(activities.keys());
    collect(root, root.id, lanes, activities, topLevel);
    const mine = [...activities.values()].filter((a) => !before.has(a.id));
    const starts = topLevel.filter((el) => el.$type === 'bpmn:StartEvent');
    const info: DefinitionInfo = {
      processId: root.id,
      userTasks: mine.filter((a) => a.type === 'bpmn:UserTask').map((a) => ({ id: a.id, name: a.name ?? a.id })),
      messages: [...new Set(mine.flatMap((a) => (a.message ? [a.message.name] : [])))],
      signals: [...new Set(mine.flatMap((a) => (a.signal ? [a.signal.name] : [])))],
      timers: mine.flatMap((a) => (a.timer ? [{ activityId: a.id, ...a.timer }] : [])),
      messageStarts: starts.flatMap((s) => {
        const m = activities.get(String(s.id))?.message;
        return m ? [{ name: m.name, messageId: m.id, activityId: String(s.id) }] : [];
      }),
      timerStarts: starts.flatMap((s) => {
        const timer = activities.get(String(s.id))?.timer;
        return timer ? [{ activityId: String(s.id), ...timer }] : [];
      }),
      noneStart: starts.some((s) => list(s, 'eventDefinitions').length === 0),
    };
    processes.push({ id: root.id, name: str(root.name), executable: root.isExecutable === true, info });
  }
  return { processes, activities };
}
