// The task list: list, read, change priority and dates, claim, unclaim, assign, comment, complete
// (who sees and acts on which: src/app/access.ts).
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { assignBody, assigneeBody, commentBody, commentQuery, completeBody, taskChangeBody, taskQuery } from '../schemas';
import { parseWith } from '../validation';
import { instanceView, taskView } from '../views';

export function taskRoutes(ctx: HttpContext): Router {
  const r = Router();
  const tasks = ctx.app.tasks;

  r.get('/tasks', async (req, res) => {
    const { limit, offset, sort, order, name, ...filter } = parseWith(taskQuery, req.query, 'query');
    const page = await tasks.list(currentUser(res), { ...filter, ...(name ? { nameLike: name } : {}) }, { limit, offset }, { sort, order });
    res.json({ items: page.items.map((t) => taskView(t)), total: page.total, ...(page.totalCapped ? { totalCapped: true } : {}) });
  });

  r.get('/tasks/:id', async (req, res) => {
    const { task, instanceVariables } = await tasks.get(currentUser(res), String(req.params.id));
    res.json(taskView(task, instanceVariables));
  });

  r.patch('/tasks/:id', async (req, res) => {
    const body = parseWith(taskChangeBody, req.body ?? {});
    res.json(taskView(await tasks.changeAttributes(currentUser(res), String(req.params.id), body)));
  });

  r.post('/tasks/:id/claim', async (req, res) => {
    res.json(taskView(await tasks.claim(currentUser(res), String(req.params.id))));
  });

  r.post('/tasks/:id/unclaim', async (req, res) => {
    res.json(taskView(await tasks.unclaim(currentUser(res), String(req.params.id))));
  });

  r.post('/tasks/:id/assignee', async (req, res) => {
    const body = parseWith(assigneeBody, req.body ?? {});
    res.json(taskView(await tasks.assignee(currentUser(res), String(req.params.id), body.assignee)));
  });

  // The older name of /assignee, kept for the clients written against it.
  r.post('/tasks/:id/assign', async (req, res) => {
    const body = parseWith(assignBody, req.body ?? {});
    res.json(taskView(await tasks.assign(currentUser(res), String(req.params.id), body.assignee)));
  });

  r.get('/tasks/:id/comments', async (req, res) => {
    const page = parseWith(commentQuery, req.query, 'query');
    res.json(await tasks.comments.list(currentUser(res), String(req.params.id), page));
  });

  r.post('/tasks/:id/comments', async (req, res) => {
    const body = parseWith(commentBody, req.body ?? {});
    res.status(201).json(await tasks.comments.add(currentUser(res), String(req.params.id), body.message));
  });

  r.post('/tasks/:id/complete', async (req, res) => {
    const body = parseWith(completeBody, req.body ?? {});
    const done = await tasks.complete(currentUser(res), String(req.params.id), body.variables, req.get('Idempotency-Key'));
    res.json({ task: taskView(done.task), processInstance: instanceView(done) });
  });

  return r;
}
