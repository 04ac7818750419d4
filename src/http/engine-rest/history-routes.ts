// Camunda 7's historic process instances (https://docs.camunda.org/manual/7.21/reference/rest/history/process-instance/)
// and runtime incidents (https://docs.camunda.org/manual/7.21/reference/rest/incident/get-query/),
// enough for common dashboards, over the same use cases as /api/process-instances and
// /api/incidents (who sees which: access.ts).
import { Router } from 'express';
import { z } from 'zod';
import type { IncidentRecord, InstanceRecord } from '../../app/records';
import { AppError } from '../../errors/app-error';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { flag, idList, pageOf, paging, MAX_RESULTS } from './camunda-query';
import { camundaDate } from './camunda-variables';

const STATE: Record<InstanceRecord['state'], string> = {
  running: 'ACTIVE',
  completed: 'COMPLETED',
  cancelled: 'EXTERNALLY_TERMINATED',
  failed: 'INTERNALLY_TERMINATED',
};

const historyQuery = z
  .object({
    processInstanceId: z.string().optional(),
    processInstanceIds: idList,
    processInstanceBusinessKey: z.string().optional(),
    processInstanceBusinessKeyLike: z.string().optional(),
    processDefinitionKey: z.string().optional(),
    processDefinitionId: z.string().optional(),
    startedBy: z.string().optional(),
    startedAfter: z.string().optional(),
    startedBefore: z.string().optional(),
    finished: flag,
    unfinished: flag,
    active: flag,
    completed: flag,
    externallyTerminated: flag,
    internallyTerminated: flag,
    ...paging,
  })
  .loose();

const incidentQuery = z
  .object({ incidentId: z.string().optional(), processInstanceId: z.string().optional(), activityId: z.string().optional(), ...paging })
  .loose();

/** A Camunda date parameter (`…+0000`) as ISO 8601. */
function isoParam(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms))
    throw new AppError('VALIDATION_FAILED', `the request query is not valid: /${name} is not a date`, {
      errors: [{ pointer: `/${name}`, message: 'not a date' }],
    });
  return new Date(ms).toISOString();
}

/** Camunda's HistoricProcessInstance (https://docs.camunda.org/manual/7.21/reference/rest/history/process-instance/get-process-instance/). */
function historicView(i: InstanceRecord) {
  return {
    id: i.id,
    businessKey: i.businessKey,
    processDefinitionId: i.definitionId,
    processDefinitionKey: i.definitionKey,
    processDefinitionName: null,
    processDefinitionVersion: i.definitionVersion,
    startTime: camundaDate(i.startedAt),
    endTime: camundaDate(i.endedAt),
    removalTime: null,
    durationInMillis: i.endedAt ? Date.parse(i.endedAt) - Date.parse(i.startedAt) : null,
    startUserId: i.startedBy,
    startActivityId: null,
    deleteReason: i.state === 'cancelled' ? 'cancelled' : null,
    rootProcessInstanceId: i.id,
    superProcessInstanceId: i.parentInstanceId ?? null,
    superCaseInstanceId: null,
    caseInstanceId: null,
    tenantId: null,
    state: STATE[i.state],
  };
}

/** Camunda's Incident (https://docs.camunda.org/manual/7.21/reference/rest/incident/get-query/#result). */
function incidentView(x: IncidentRecord) {
  return {
    id: x.id,
    processDefinitionId: null,
    processInstanceId: x.processInstanceId,
    executionId: null,
    incidentTimestamp: camundaDate(x.createdAt),
    incidentType: x.kind.includes('external') ? 'failedExternalTask' : 'failedJob',
    activityId: x.activityId,
    failedActivityId: x.activityId,
    causeIncidentId: x.id,
    rootCauseIncidentId: x.id,
    configuration: null,
    tenantId: null,
    incidentMessage: x.message,
    jobDefinitionId: null,
    annotation: null,
  };
}

export function historyRoutes(ctx: HttpContext): Router {
  const r = Router();
  const { instances, incidents } = ctx.app;

  const historic = async (actor: ReturnType<typeof currentUser>, q: z.infer<typeof historyQuery>) => {
    const states = [
      q.unfinished || q.active ? 'running' : undefined,
      q.completed ? 'completed' : undefined,
      q.externallyTerminated ? 'cancelled' : undefined,
      q.internallyTerminated ? 'failed' : undefined,
    ].filter((s) => s !== undefined);
    const filter = {
      ...(states.length === 1 ? { state: states[0] } : {}),
      ...(q.processInstanceBusinessKey ? { businessKey: q.processInstanceBusinessKey } : {}),
      ...(q.processInstanceBusinessKeyLike ? { businessKeyLike: q.processInstanceBusinessKeyLike.replace(/%/g, '') } : {}),
      ...(q.processDefinitionKey ? { definitionKey: q.processDefinitionKey } : {}),
      ...(isoParam('startedAfter', q.startedAfter) ? { startedAfter: isoParam('startedAfter', q.startedAfter) } : {}),
      ...(isoParam('startedBefore', q.startedBefore) ? { startedBefore: isoParam('startedBefore', q.startedBefore) } : {}),
    };
    const ids = [...(q.processInstanceId ? [q.processInstanceId] : []), ...(q.processInstanceIds ?? [])];
    // Filters the instance query has no column for are applied to what it answers.
    const inMemory = ids.length > 0 || q.processDefinitionId || q.finished || q.startedBy || states.length > 1;
    const page = await instances.list(
      actor,
      filter,
      inMemory ? { limit: MAX_RESULTS, offset: 0 } : { limit: Math.max(q.maxResults, 1), offset: q.firstResult },
    );
    const items = page.items
      .map((x) => x.instance)
      .filter(
        (i) =>
          (!ids.length || ids.includes(i.id)) &&
          (!q.processDefinitionId || i.definitionId === q.processDefinitionId) &&
          (!q.finished || i.state !== 'running') &&
          (!q.startedBy || i.startedBy === q.startedBy) &&
          (states.length <= 1 || states.includes(i.state)),
      );
    return inMemory ? { items: pageOf(items, q), total: items.length } : { items: items.slice(0, q.maxResults), total: page.total };
  };

  r.get('/history/process-instance', async (req, res) => {
    const q = parseWith(historyQuery, req.query, 'query');
    sendCamundaJson(res, 200, (await historic(currentUser(res), q)).items.map(historicView));
  });

  r.get('/history/process-instance/count', async (req, res) => {
    const q = parseWith(historyQuery, req.query, 'query');
    sendCamundaJson(res, 200, { count: (await historic(currentUser(res), { ...q, firstResult: 0, maxResults: MAX_RESULTS })).total });
  });

  r.get('/history/process-instance/:id', async (req, res) => {
    sendCamundaJson(res, 200, historicView((await instances.get(currentUser(res), String(req.params.id))).instance));
  });

  // Runtime incidents: the open ones (admin, as /api/incidents).
  r.get('/incident', async (req, res) => {
    const q = parseWith(incidentQuery, req.query, 'query');
    const page = await incidents.list(
      currentUser(res),
      { state: 'open', ...(q.processInstanceId ? { processInstanceId: q.processInstanceId } : {}) },
      { limit: MAX_RESULTS, offset: 0 },
    );
    const items = page.items.filter((x) => (!q.incidentId || x.id === q.incidentId) && (!q.activityId || x.activityId === q.activityId));
    sendCamundaJson(res, 200, pageOf(items, q).map(incidentView));
  });

  r.get('/incident/count', async (req, res) => {
    const q = parseWith(incidentQuery, req.query, 'query');
    const page = await incidents.list(
      currentUser(res),
      { state: 'open', ...(q.processInstanceId ? { processInstanceId: q.processInstanceId } : {}) },
      { limit: MAX_RESULTS, offset: 0 },
    );
    sendCamundaJson(res, 200, {
      count: page.items.filter((x) => (!q.incidentId || x.id === q.incidentId) && (!q.activityId || x.activityId === q.activityId)).length,
    });
  });

  return r;
}
