// What procflow knows of one activity once its version is deployed, and the shape of the
// per-element readers that fill it in from the moddle element.
import type { ModdleElement } from 'bpmn-moddle';
import type { FormField } from '../../store/types';
import type { CallMeta, CatchMeta } from './call-activity';

export interface ActivityMeta {
  id: string;
  name: string | null;
  type: string;
  processId: string;
  candidateGroups: string[];
  assignee: string | null;
  /** A user task's camunda:candidateUsers and potentialOwner `user(…)`; templates allowed. */
  candidateUsers?: string[];
  /** A user task's camunda:dueDate, followUpDate and priority as written (literal or `${…}`). */
  dueDate?: string | null;
  followUpDate?: string | null;
  priority?: string | null;
  formFields: FormField[];
  message?: { id: string; name: string };
  signal?: { id: string; name: string };
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  topic?: string;
  initiator?: string;
  /** A multi-instance or standard loop: its literal or expression cardinality, if any. */
  loop?: { cardinality: string | null };
  /** camunda:failedJobRetryTimeCycle, e.g. R5/PT5M. */
  retryCycle?: string;
  /** A call activity: what it calls and the variables it passes (call-activity.ts). */
  call?: CallMeta;
  /** A boundary error or escalation event: what it catches from a called instance (call-activity.ts). */
  catches?: CatchMeta;
  /** An event that throws an escalation: its escalationCode (a caller's boundary event matches on it). */
  escalationCode?: string;
  /** A conditional start event of an event sub-process: its condition as written (`${variable == 1}`). */
  condition?: string;
  /** A start event of an event sub-process: which one, whether it interrupts, whether it sits directly in the process. */
  eventSubProcess?: { id: string; interrupting: boolean; topLevel: boolean; scopeId: string };
  /** A compensation boundary event: the activity it is attached to and its handler (compensation.ts). */
  compensation?: { attachedTo: string; handler: string };
}

/** Where an element sits: its process and the lane names of that process, by element id. */
export interface ElementPlace {
  processId: string;
  lanes: Map<string, string>;
}

/** Reads the part of an element its BPMN concept owns; a reader ignores elements not its own. */
export type ElementReader = (el: ModdleElement, meta: ActivityMeta, place: ElementPlace) => void;
