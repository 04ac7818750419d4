// The task list: a non-admin sees and acts on tasks of its groups or assigned to it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import { isAdmin, mayActOnTask } from '../../engine/process-runtime';
import { currentUser, route } from '../auth';
import type { HttpContext } from '../context';
import { completeBody, taskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView, taskView } from '../views';

export function taskRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get(
    '/tasks',
    route(async (req, res) => {
      const user = currentUser(res);
      const q = parseWith(taskQuery, req.query, 'query');
      const page = await ctx.store.tasks.list(
        { ...q, ...(isAdmin(user) ? {} : { visibleTo: { name: user.name, groups: user.groups } }) },
        { limit: q.limit, offset: q.offset },
      );
      res.json({ items: page.items.map((t) => taskView(t)), total: page.total });
    }),
  );

  const visibleTask = async (id: string, res: Parameters<Parameters<typeof route>[0]>[1]) => {
    const user = currentUser(res);
    const task = await ctx.store.tasks.get(id);
    if (!task || (!mayActOnTask(user, task) && task.completedBy !== user.name)) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    return task;
  };

  r.get(
    '/tasks/:id',
    route(async (req, res) => {
      const task = await visibleTask(String(req.params.id), res);
      const instance = task.state === 'open' ? await ctx.store.instances.get(task.processInstanceId) : undefined;
      res.json(taskView(task, instance?.variables));
    }),
  );

  r.post(
    '/tasks/:id/claim',
    route(async (req, res) => {
      const user = currentUser(res);
      const task = await ctx.store.tasks.get(String(req.params.id));
      if (!task) throw new AppError('TASK_NOT_FOUND', `task <${String(req.params.id)}> does not exist`);
      if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}`);
      if (task.assignee && task.assignee !== user.name) throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> is claimed by <${task.assignee}>`);
      if (!mayActOnTask(user, task)) throw new AppError('NOT_A_CANDIDATE', `user <${user.name}> is not a candidate for task <${task.id}>`);
      if (!(await ctx.store.tasks.claim(task.id, user.name, ctx.clock.now().toISOString()))) {
        throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> was claimed by someone else`);
      }
      res.json(taskView({ ...task, assignee: user.name }));
    }),
  );

  r.post(
    '/tasks/:id/complete',
    route(async (req, res) => {
      const user = currentUser(res);
      const body = parseWith(completeBody, req.body ?? {});
      const { task, instance } = await ctx.runtime.completeTask(String(req.params.id), body.variables, user);
      const counts = await ctx.store.instances.openIncidentCounts([instance.id]);
      res.json({ task: taskView(task), processInstance: instanceView(instance, counts.get(instance.id) ?? 0) });
    }),
  );

  return r;
}
