// External tasks: service tasks whose topic has no handler in code, done by an external worker
// (group `workers`, or admin) that lists them by topic, locks them for a while (fetch-and-lock,
// as Camunda's workers do) and completes them with output variables, or reports a BPMN error.
import { Router } from 'express';
import type { ExternalTaskRecord } from '../../app/records';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { externalTaskBpmnErrorBody, externalTaskCompleteBody, externalTaskLockBody, externalTaskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView } from '../views';

function externalTaskView(t: ExternalTaskRecord) {
  return {
    id: t.id,
    processInstanceId: t.processInstanceId,
    definitionKey: t.definitionKey,
    activityId: t.activityId,
    topic: t.topic,
    createdAt: t.createdAt,
    priority: t.priority ?? 0,
    workerId: t.workerId ?? null,
    lockExpiresAt: t.lockExpiresAt ?? null,
  };
}

export function externalTaskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const externalTasks = ctx.app.externalTasks;

  r.get('/external-tasks', async (req, res) => {
    const { limit, offset, ...filter } = parseWith(externalTaskQuery, req.query, 'query');
    const page = await externalTasks.list(currentUser(res), filter, { limit, offset });
    res.json({ items: page.items.map(externalTaskView), total: page.total });
  });

  r.post('/external-tasks/fetch-and-lock', async (req, res) => {
    const body = parseWith(externalTaskLockBody, req.body ?? {});
    const locked = await externalTasks.fetchAndLock(currentUser(res), {
      workerId: body.workerId,
      maxTasks: body.maxTasks,
      usePriority: body.usePriority,
      topics: [{ topic: body.topic, lockDurationMs: body.lockDurationMs, variables: [] }],
    });
    res.json({ items: locked.map((l) => externalTaskView(l.task)), total: locked.length });
  });

  r.post('/external-tasks/:id/complete', async (req, res) => {
    const body = parseWith(externalTaskCompleteBody, req.body ?? {});
    res.json({
      processInstance: instanceView(
        await externalTasks.complete(currentUser(res), String(req.params.id), body.variables, req.get('Idempotency-Key'), body.workerId),
      ),
    });
  });

  r.post('/external-tasks/:id/bpmn-error', async (req, res) => {
    const body = parseWith(externalTaskBpmnErrorBody, req.body ?? {});
    const error = { code: body.errorCode, message: body.errorMessage ?? body.errorCode };
    res.json({ processInstance: instanceView(await externalTasks.bpmnError(currentUser(res), String(req.params.id), body.workerId, error, body.variables)) });
  });

  return r;
}
