// The task list: list, read, claim, unclaim, assign, complete (who sees and acts on which: src/app/access.ts).
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { assignBody, completeBody, taskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView, taskView } from '../views';

export function taskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const tasks = ctx.app.tasks;

  r.get('/tasks', async (req, res) => {
    const { limit, offset, sort, order, ...filter } = parseWith(taskQuery, req.query, 'query');
    const page = await tasks.list(currentUser(res), filter, { limit, offset }, { sort, order });
    res.json({ items: page.items.map((t) => taskView(t)), total: page.total });
  });

  r.get('/tasks/:id', async (req, res) => {
    const { task, instanceVariables } = await tasks.get(currentUser(res), String(req.params.id));
    res.json(taskView(task, instanceVariables));
  });

  r.post('/tasks/:id/claim', async (req, res) => {
    res.json(taskView(await tasks.claim(currentUser(res), String(req.params.id))));
  });

  r.post('/tasks/:id/unclaim', async (req, res) => {
    res.json(taskView(await tasks.unclaim(currentUser(res), String(req.params.id))));
  });

  r.post('/tasks/:id/assign', async (req, res) => {
    const body = parseWith(assignBody, req.body ?? {});
    res.json(taskView(await tasks.assign(currentUser(res), String(req.params.id), body.assignee)));
  });

  r.post('/tasks/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body ?? {});
    const done = await tasks.complete(currentUser(res), String(req.params.id), body.variables, req.get('Idempotency-Key'));
    res.json({ task: taskView(done.task), processInstance: instanceView(done) });
  });

  return r;
}
