// External tasks: service tasks whose topic has no handler in code, done by an external worker
// (group `workers`, or admin) that lists them by topic and completes them with output variables.
import { Router, type Response } from 'express';
import { AppError } from '../../errors/app-error';
import { isAdmin } from '../../engine/process-runtime';
import type { ExternalTaskRecord } from '../../store/types';
import { currentUser, route, type AuthedUser } from '../auth';
import type { HttpContext } from '../context';
import { completeBody, externalTaskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView } from '../views';

function worker(res: Response): AuthedUser {
  const user = currentUser(res);
  if (!isAdmin(user) && !user.groups.includes('workers')) throw new AppError('FORBIDDEN', `user <${user.name}> is not in group <workers>`);
  return user;
}

function externalTaskView(t: ExternalTaskRecord) {
  return { id: t.id, processInstanceId: t.processInstanceId, definitionKey: t.definitionKey, activityId: t.activityId, topic: t.topic, createdAt: t.createdAt };
}

export function externalTaskRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get(
    '/external-tasks',
    route(async (req, res) => {
      worker(res);
      const q = parseWith(externalTaskQuery, req.query, 'query');
      const page = await ctx.store.externalTasks.list(q, { limit: q.limit, offset: q.offset });
      res.json({ items: page.items.map(externalTaskView), total: page.total });
    }),
  );

  r.post(
    '/external-tasks/:id/complete',
    route(async (req, res) => {
      const user = worker(res);
      const body = parseWith(completeBody, req.body ?? {});
      const task = await ctx.store.externalTasks.get(String(req.params.id));
      if (!task) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${String(req.params.id)}> does not exist or was done`);
      const instance = await ctx.runtime.completeExternalTask(task.processInstanceId, task.executionId, body.variables, user);
      const counts = await ctx.store.instances.openIncidentCounts([instance.id]);
      res.json({ processInstance: instanceView(instance, counts.get(instance.id) ?? 0) });
    }),
  );

  return r;
}
