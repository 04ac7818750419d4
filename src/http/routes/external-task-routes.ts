// External tasks: service tasks whose topic has no handler in code, done by an external worker
// (group `workers`, or admin) that lists them by topic and completes them with output variables.
import { Router } from 'express';
import type { ExternalTaskRecord } from '../../app/records';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { completeBody, externalTaskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView } from '../views';

function externalTaskView(t: ExternalTaskRecord) {
  return { id: t.id, processInstanceId: t.processInstanceId, definitionKey: t.definitionKey, activityId: t.activityId, topic: t.topic, createdAt: t.createdAt };
}

export function externalTaskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const externalTasks = ctx.app.externalTasks;

  r.get('/external-tasks', async (req, res) => {
    const { limit, offset, ...filter } = parseWith(externalTaskQuery, req.query, 'query');
    const page = await externalTasks.list(currentUser(res), filter, { limit, offset });
    res.json({ items: page.items.map(externalTaskView), total: page.total });
  });

  r.post('/external-tasks/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body ?? {});
    res.json({
      processInstance: instanceView(await externalTasks.complete(currentUser(res), String(req.params.id), body.variables, req.get('Idempotency-Key'))),
    });
  });

  return r;
}
