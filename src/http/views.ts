// Records → the API's shapes (API.md): the only place that decides what a client sees.
// Each view returns its contract type (src/contract), so the compiler holds it to the schema that
// /openapi.json and the web UI are built from.
import type { DefinitionRecord, HistoryRecord, IncidentRecord, InstanceWithIncidents, TaskRecord, UserRecord } from '../app/records';
import type { ClockReading } from '../app/schedules';
import type { DefinitionStats, GroupStats, TaskStats, TimelineBucket, WaitingStats } from '../app/stats';
import type * as contract from '../contract';
import type { AllHold, SentAsIs } from '../contract/checks';

/** A deploy warning: the element, and for what the lint reports, its stable code and the attribute. */
export function deployWarningView(w: { elementId?: string; elementName?: string; attribute?: string; code?: string; message: string }): contract.DeployWarning {
  return {
    ...(w.code ? { code: w.code } : {}),
    ...(w.elementId ? { elementId: w.elementId } : {}),
    ...(w.elementName ? { elementName: w.elementName } : {}),
    ...(w.attribute ? { attribute: w.attribute } : {}),
    message: w.message,
  };
}

export function definitionView(d: DefinitionRecord): contract.ProcessDefinition {
  return {
    id: d.id,
    key: d.key,
    name: d.name,
    version: d.version,
    deploymentId: d.deploymentId,
    deployedAt: d.deployedAt,
    executable: d.executable,
    startable: d.startable,
    userTasks: d.info.userTasks ?? [],
    messages: d.info.messages ?? [],
    timers: d.info.timers ?? [],
  };
}

export function instanceView({ instance: i, incidents }: InstanceWithIncidents): contract.ProcessInstance {
  return {
    id: i.id,
    definitionId: i.definitionId,
    definitionKey: i.definitionKey,
    definitionVersion: i.definitionVersion,
    businessKey: i.businessKey,
    state: i.state,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    variables: i.variables,
    waitingAt: i.waitingAt,
    incidents,
    parentInstanceId: i.parentInstanceId ?? null,
    parentActivityId: i.parentActivityId ?? null,
  };
}

export function taskView(t: TaskRecord, variables?: Record<string, unknown>): contract.Task {
  return {
    id: t.id,
    processInstanceId: t.processInstanceId,
    definitionKey: t.definitionKey,
    activityId: t.activityId,
    name: t.name,
    candidateGroups: t.candidateGroups,
    assignee: t.assignee,
    state: t.state,
    createdAt: t.createdAt,
    completedAt: t.completedAt,
    completedBy: t.completedBy,
    form: t.form,
    variables: t.variables ?? variables ?? {},
    businessKey: t.businessKey ?? null,
    candidateUsers: t.candidateUsers,
    dueAt: t.dueAt,
    followUpAt: t.followUpAt,
    priority: t.priority,
  };
}

export function incidentView(i: IncidentRecord): contract.Incident {
  return {
    id: i.id,
    processInstanceId: i.processInstanceId,
    activityId: i.activityId,
    kind: i.kind,
    message: i.message,
    createdAt: i.createdAt,
    resolvedAt: i.resolvedAt,
    retries: i.retries,
    state: i.state,
  };
}

export function historyView(h: HistoryRecord): contract.HistoryEntry {
  return {
    at: h.at,
    activityId: h.activityId,
    activityName: h.activityName,
    type: h.type,
    event: h.event,
    ...(h.by ? { by: h.by } : {}),
    ...(h.details ? { details: h.details } : {}),
  };
}

/** The routes of users, the clock and the cockpit answer with the use cases' records unchanged. */
export type SentAsTheyAre = AllHold<
  [
    SentAsIs<UserRecord, contract.User>,
    SentAsIs<ClockReading, contract.Clock>,
    SentAsIs<DefinitionStats, contract.DefinitionStats>,
    SentAsIs<TimelineBucket, contract.TimelineBucket>,
    SentAsIs<TaskStats, contract.TaskStats>,
    SentAsIs<GroupStats, contract.GroupStats>,
    SentAsIs<WaitingStats, contract.WaitingStats>,
  ]
>;
