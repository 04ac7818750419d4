// Camunda 7's external-task resource (https://docs.camunda.org/manual/7.18/reference/rest/external-task/):
// the worker contract that camunda-external-task-client-js speaks — fetch and lock with long
// polling, complete, failure, bpmnError, lock, extendLock, unlock — and the reads (get, list, count),
// over the same use cases as /api/external-tasks.
import { Router } from 'express';
import { z } from 'zod';
import { MAX_LONG_POLL_MS, type LockedExternalTask } from '../../app/external-tasks';
import type { ExternalTaskRecord } from '../../app/records';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { camundaDate, fromCamundaVariables, toCamundaVariables, typedVariablesSchema } from './camunda-variables';

// Request bodies as the reference pages describe them; fields procflow does not use (tenants,
// sorting, extension properties) are accepted and ignored.
// https://docs.camunda.org/manual/7.18/reference/rest/external-task/fetch/
const topicSchema = z
  .object({
    topicName: z.string().min(1),
    lockDuration: z.number().int().positive(),
    variables: z.array(z.string()).nullish(),
    localVariables: z.boolean().nullish(),
    businessKey: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionIdIn: z.array(z.string()).nullish(),
    processDefinitionKey: z.string().nullish(),
    processDefinitionKeyIn: z.array(z.string()).nullish(),
  })
  .loose();

const fetchBody = z
  .object({
    workerId: z.string().min(1),
    maxTasks: z.number().int().min(0),
    usePriority: z.boolean().nullish(),
    // "The value cannot be set larger than 1.800.000 milliseconds (corresponds to 30 minutes)."
    asyncResponseTimeout: z.number().int().min(0).max(MAX_LONG_POLL_MS).nullish(),
    topics: z.array(topicSchema).nullish(),
  })
  .loose();

// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-complete/
const completeBody = z
  .object({ workerId: z.string().min(1), variables: typedVariablesSchema.nullish(), localVariables: typedVariablesSchema.nullish() })
  .loose();

// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-failure/
const failureBody = z
  .object({
    workerId: z.string().min(1),
    errorMessage: z.string().nullish(),
    errorDetails: z.string().nullish(),
    retries: z.number().int().min(0).nullish(),
    retryTimeout: z.number().int().min(0).nullish(),
  })
  .loose();

// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-bpmn-error/
const bpmnErrorBody = z
  .object({ workerId: z.string().min(1), errorCode: z.string().min(1), errorMessage: z.string().nullish(), variables: typedVariablesSchema.nullish() })
  .loose();

// https://docs.camunda.org/manual/7.21/reference/rest/external-task/post-lock/
const lockBody = z.object({ workerId: z.string().min(1), lockDuration: z.number().int().positive() }).loose();

// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-extend-lock/
const extendLockBody = z.object({ workerId: z.string().min(1), newDuration: z.number().int().positive() }).loose();

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

// https://docs.camunda.org/manual/7.18/reference/rest/external-task/get-query/
const listQuery = z
  .object({
    externalTaskId: z.string().optional(),
    topicName: z.string().optional(),
    workerId: z.string().optional(),
    locked: flag,
    notLocked: flag,
    withRetriesLeft: flag,
    noRetriesLeft: flag,
    processInstanceId: z.string().optional(),
    activityId: z.string().optional(),
    processDefinitionKey: z.string().optional(),
    firstResult: z.coerce.number().int().min(0).default(0),
    maxResults: z.coerce.number().int().min(0).max(500).default(500),
  })
  .loose();

function filterOf(q: z.infer<typeof listQuery>) {
  return {
    ...(q.externalTaskId ? { id: q.externalTaskId } : {}),
    ...(q.topicName ? { topic: q.topicName } : {}),
    ...(q.workerId ? { workerId: q.workerId } : {}),
    ...(q.processInstanceId ? { processInstanceId: q.processInstanceId } : {}),
    ...(q.activityId ? { activityId: q.activityId } : {}),
    ...(q.processDefinitionKey ? { definitionKey: q.processDefinitionKey } : {}),
    ...(q.locked ? { locked: true } : q.notLocked ? { locked: false } : {}),
    ...(q.withRetriesLeft ? { withRetriesLeft: true } : {}),
    ...(q.noRetriesLeft ? { noRetriesLeft: true } : {}),
  };
}

/** Camunda's ExternalTask (https://docs.camunda.org/manual/7.18/reference/rest/external-task/get/). */
function externalTaskView(t: ExternalTaskRecord) {
  return {
    activityId: t.activityId,
    activityInstanceId: t.executionId,
    errorMessage: t.errorMessage ?? null,
    executionId: t.executionId,
    id: t.id,
    lockExpirationTime: camundaDate(t.lockExpiresAt),
    createTime: camundaDate(t.createdAt),
    processDefinitionId: t.definitionId ?? null,
    processDefinitionKey: t.definitionKey,
    processDefinitionVersionTag: null,
    processInstanceId: t.processInstanceId,
    retries: t.retries ?? null,
    suspended: false,
    workerId: t.workerId ?? null,
    topicName: t.topic,
    tenantId: null,
    priority: t.priority ?? 0,
    businessKey: t.businessKey ?? null,
  };
}

/** Camunda's LockedExternalTask (https://docs.camunda.org/manual/7.18/reference/rest/external-task/fetch/#result). */
function lockedView({ task, variables }: LockedExternalTask) {
  const { suspended: _suspended, ...base } = externalTaskView(task);
  return { ...base, errorDetails: task.errorDetails ?? null, variables: toCamundaVariables(variables), extensionProperties: {} };
}

export function externalTaskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const externalTasks = ctx.app.externalTasks;

  r.post('/external-task/fetchAndLock', async (req, res) => {
    const body = parseWith(fetchBody, req.body ?? {});
    // A worker that hangs up ends its long poll.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const locked = await externalTasks.fetchAndLock(
      currentUser(res),
      {
        workerId: body.workerId,
        maxTasks: body.maxTasks,
        usePriority: body.usePriority ?? false,
        ...(body.asyncResponseTimeout ? { asyncResponseTimeoutMs: body.asyncResponseTimeout } : {}),
        topics: (body.topics ?? []).map((t) => ({
          topic: t.topicName,
          lockDurationMs: t.lockDuration,
          ...(t.variables ? { variables: t.variables } : {}),
          ...(t.localVariables ? { localVariables: true } : {}),
          ...(t.businessKey != null ? { businessKey: t.businessKey } : {}),
          ...(t.processDefinitionKey || t.processDefinitionKeyIn
            ? { definitionKeys: [...(t.processDefinitionKey ? [t.processDefinitionKey] : []), ...(t.processDefinitionKeyIn ?? [])] }
            : {}),
          ...(t.processDefinitionId || t.processDefinitionIdIn
            ? { definitionIds: [...(t.processDefinitionId ? [t.processDefinitionId] : []), ...(t.processDefinitionIdIn ?? [])] }
            : {}),
        })),
      },
      gone.signal,
    );
    if (!res.writableEnded && !gone.signal.aborted) sendCamundaJson(res, 200, locked.map(lockedView));
  });

  r.get('/external-task', async (req, res) => {
    const q = parseWith(listQuery, req.query, 'query');
    const page = await externalTasks.list(currentUser(res), filterOf(q), { limit: q.maxResults, offset: q.firstResult });
    sendCamundaJson(res, 200, page.items.map(externalTaskView));
  });

  r.get('/external-task/count', async (req, res) => {
    const q = parseWith(listQuery, req.query, 'query');
    sendCamundaJson(res, 200, { count: await externalTasks.count(currentUser(res), filterOf(q)) });
  });

  r.get('/external-task/:id', async (req, res) => {
    sendCamundaJson(res, 200, externalTaskView(await externalTasks.get(currentUser(res), String(req.params.id))));
  });

  r.post('/external-task/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body ?? {});
    // Local variables are read (and checked) but not kept: the task's scope ends with it.
    fromCamundaVariables(body.localVariables);
    await externalTasks.completeLocked(currentUser(res), String(req.params.id), body.workerId, fromCamundaVariables(body.variables));
    res.status(204).end();
  });

  r.post('/external-task/:id/failure', async (req, res) => {
    const body = parseWith(failureBody, req.body ?? {});
    await externalTasks.failure(currentUser(res), String(req.params.id), {
      workerId: body.workerId,
      errorMessage: body.errorMessage ?? null,
      errorDetails: body.errorDetails ?? null,
      retries: body.retries ?? 0,
      retryTimeoutMs: body.retryTimeout ?? 0,
    });
    res.status(204).end();
  });

  r.post('/external-task/:id/bpmnError', async (req, res) => {
    const body = parseWith(bpmnErrorBody, req.body ?? {});
    await externalTasks.bpmnError(
      currentUser(res),
      String(req.params.id),
      body.workerId,
      { code: body.errorCode, message: body.errorMessage ?? body.errorCode },
      fromCamundaVariables(body.variables),
    );
    res.status(204).end();
  });

  r.post('/external-task/:id/extendLock', async (req, res) => {
    const body = parseWith(extendLockBody, req.body ?? {});
    await externalTasks.extendLock(currentUser(res), String(req.params.id), body.workerId, body.newDuration);
    res.status(204).end();
  });

  r.post('/external-task/:id/lock', async (req, res) => {
    const body = parseWith(lockBody, req.body ?? {});
    await externalTasks.lock(currentUser(res), String(req.params.id), body.workerId, body.lockDuration);
    res.status(204).end();
  });

  r.post('/external-task/:id/unlock', async (req, res) => {
    await externalTasks.unlock(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  return r;
}
