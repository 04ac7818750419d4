// Camunda 7's task resource (https://docs.camunda.org/manual/7.21/reference/rest/task/): list,
// count and read open user tasks, claim, unclaim, complete with typed variables, and read a task's
// form variables — over the same use cases and access rules as /api/tasks (access.ts).
import { Router } from 'express';
import { z } from 'zod';
import { isAdmin, requireClaimFor } from '../../app/access';
import type { TaskRecord } from '../../app/records';
import type { TaskListFilter } from '../../app/tasks';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { parseWith } from '../validation';
import { sendCamundaJson } from './camunda-errors';
import { paging } from './camunda-query';
import { camundaDate, fromCamundaVariables, toCamundaVariables, typedVariablesSchema } from './camunda-variables';

// https://docs.camunda.org/manual/7.21/reference/rest/task/get-query/
const taskQuery = z
  .object({
    processInstanceId: z.string().optional(),
    processInstanceBusinessKey: z.string().optional(),
    processDefinitionKey: z.string().optional(),
    assignee: z.string().optional(),
    candidateGroup: z.string().optional(),
    ...paging,
  })
  .loose();

// https://docs.camunda.org/manual/7.21/reference/rest/task/post-claim/
const claimBody = z.object({ userId: z.string().min(1).max(255) }).loose();

// https://docs.camunda.org/manual/7.21/reference/rest/task/post-complete/
const completeBody = z.object({ variables: typedVariablesSchema.nullish(), withVariablesInReturn: z.boolean().nullish() }).loose();

const formVariablesQuery = z
  .object({
    variableNames: z
      .string()
      .transform((v) => v.split(',').filter(Boolean))
      .optional(),
  })
  .loose();

/** Camunda's Task (https://docs.camunda.org/manual/7.21/reference/rest/task/get/). */
function taskView(t: TaskRecord) {
  return {
    id: t.id,
    name: t.name,
    assignee: t.assignee,
    created: camundaDate(t.createdAt),
    due: camundaDate(t.dueAt),
    followUp: camundaDate(t.followUpAt),
    lastUpdated: null,
    delegationState: null,
    description: null,
    executionId: t.executionId,
    owner: null,
    parentTaskId: null,
    priority: t.priority,
    processDefinitionId: null,
    processInstanceId: t.processInstanceId,
    taskDefinitionKey: t.activityId,
    caseExecutionId: null,
    caseInstanceId: null,
    caseDefinitionId: null,
    suspended: false,
    formKey: null,
    camundaFormRef: null,
    tenantId: null,
  };
}

function filterOf(q: z.infer<typeof taskQuery>): TaskListFilter {
  return {
    // Camunda's task resource knows open tasks only.
    state: 'open',
    ...(q.processInstanceId ? { processInstanceId: q.processInstanceId } : {}),
    ...(q.processInstanceBusinessKey ? { businessKey: q.processInstanceBusinessKey } : {}),
    ...(q.processDefinitionKey ? { definitionKey: q.processDefinitionKey } : {}),
    ...(q.assignee ? { assignee: q.assignee } : {}),
    ...(q.candidateGroup ? { candidateGroup: q.candidateGroup } : {}),
  };
}

export function taskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const tasks = ctx.app.tasks;

  r.get('/task', async (req, res) => {
    const q = parseWith(taskQuery, req.query, 'query');
    if (q.maxResults === 0) return sendCamundaJson(res, 200, []);
    const page = await tasks.list(currentUser(res), filterOf(q), { limit: q.maxResults, offset: q.firstResult });
    sendCamundaJson(res, 200, page.items.map(taskView));
  });

  r.get('/task/count', async (req, res) => {
    const q = parseWith(taskQuery, req.query, 'query');
    sendCamundaJson(res, 200, { count: (await tasks.list(currentUser(res), filterOf(q), { limit: 1, offset: 0 })).total });
  });

  r.get('/task/:id', async (req, res) => {
    const { task } = await tasks.get(currentUser(res), String(req.params.id));
    if (task.state !== 'open') return sendCamundaJson(res, 404, { type: 'InvalidRequestException', message: `No matching task with id ${task.id}` });
    sendCamundaJson(res, 200, taskView(task));
  });

  r.post('/task/:id/claim', async (req, res) => {
    const body = parseWith(claimBody, req.body ?? {});
    const actor = currentUser(res);
    requireClaimFor(actor, body.userId);
    const id = String(req.params.id);
    // An admin claiming for someone else hands the task to that user.
    if (isAdmin(actor) && body.userId !== actor.name) await tasks.assign(actor, id, body.userId);
    else await tasks.claim(actor, id);
    res.status(204).end();
  });

  r.post('/task/:id/unclaim', async (req, res) => {
    await tasks.unclaim(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  r.post('/task/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body ?? {});
    const done = await tasks.complete(currentUser(res), String(req.params.id), fromCamundaVariables(body.variables));
    if (body.withVariablesInReturn) return sendCamundaJson(res, 200, toCamundaVariables(done.instance.variables));
    res.status(204).end();
  });

  // https://docs.camunda.org/manual/7.21/reference/rest/task/get-form-variables/
  r.get('/task/:id/form-variables', async (req, res) => {
    const q = parseWith(formVariablesQuery, req.query, 'query');
    const { task, instanceVariables = {} } = await tasks.get(currentUser(res), String(req.params.id));
    const fields = task.form.fields;
    // With a form: its fields, with the instance's value or the field's default; without one,
    // every variable of the instance (as Camunda).
    const values: Record<string, unknown> = fields.length
      ? Object.fromEntries(fields.map((f) => [f.id, f.id in instanceVariables ? instanceVariables[f.id] : (f.defaultValue ?? null)]))
      : { ...instanceVariables };
    const names = q.variableNames;
    sendCamundaJson(res, 200, toCamundaVariables(names ? Object.fromEntries(Object.entries(values).filter(([k]) => names.includes(k))) : values));
  });

  return r;
}
