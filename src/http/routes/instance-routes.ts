// Process instances: list, read, history, cancel. A non-admin sees the instances it started
// and those where it has a task.
import { Router, type Response } from 'express';
import { AppError } from '../../errors/app-error';
import { isAdmin, mayActOnTask } from '../../engine/process-runtime';
import type { InstanceRecord } from '../../store/types';
import { currentUser, route } from '../auth';
import type { HttpContext } from '../context';
import { instanceQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView } from '../views';

export async function visibleInstance(ctx: HttpContext, res: Response, id: string): Promise<InstanceRecord> {
  const user = currentUser(res);
  const instance = await ctx.store.instances.get(id);
  const notFound = new AppError('INSTANCE_NOT_FOUND', `process instance <${id}> does not exist`);
  if (!instance) throw notFound;
  if (isAdmin(user) || instance.startedBy === user.name) return instance;
  const tasks = await ctx.store.tasks.list({ processInstanceId: id }, { limit: 500, offset: 0 });
  if (tasks.items.some((t) => mayActOnTask(user, t) || t.completedBy === user.name)) return instance;
  throw notFound;
}

export function instanceRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get(
    '/process-instances',
    route(async (req, res) => {
      const user = currentUser(res);
      const q = parseWith(instanceQuery, req.query, 'query');
      const page = await ctx.store.instances.list({ ...q, ...(isAdmin(user) ? {} : { startedBy: user.name }) }, { limit: q.limit, offset: q.offset });
      const counts = await ctx.store.instances.openIncidentCounts(page.items.map((i) => i.id));
      res.json({ items: page.items.map((i) => instanceView(i, counts.get(i.id) ?? 0)), total: page.total });
    }),
  );

  r.get(
    '/process-instances/:id',
    route(async (req, res) => {
      const instance = await visibleInstance(ctx, res, String(req.params.id));
      const counts = await ctx.store.instances.openIncidentCounts([instance.id]);
      res.json(instanceView(instance, counts.get(instance.id) ?? 0));
    }),
  );

  r.get(
    '/process-instances/:id/history',
    route(async (req, res) => {
      const instance = await visibleInstance(ctx, res, String(req.params.id));
      const history = await ctx.store.history.forInstance(instance.id);
      res.json(
        history.map((h) => ({ at: h.at, activityId: h.activityId, activityName: h.activityName, type: h.type, event: h.event, ...(h.by ? { by: h.by } : {}) })),
      );
    }),
  );

  r.delete(
    '/process-instances/:id',
    route(async (req, res) => {
      const user = currentUser(res);
      const instance = await visibleInstance(ctx, res, String(req.params.id));
      if (!isAdmin(user) && instance.startedBy !== user.name) throw new AppError('FORBIDDEN', `user <${user.name}> may not cancel instance <${instance.id}>`);
      await ctx.runtime.cancel(instance.id, user);
      res.status(204).end();
    }),
  );

  return r;
}
