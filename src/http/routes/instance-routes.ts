// Process instances: list, read, history, cancel (who may see or cancel which: src/app/access.ts).
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { triggerBody, variableBody } from '../repair-schemas';
import { instanceQuery } from '../schemas';
import { parseWith } from '../validation';
import { historyView, instanceView } from '../views';

export function instanceRoutes(ctx: HttpContext): Router {
  const r = Router();
  const instances = ctx.app.instances;

  r.get('/process-instances', async (req, res) => {
    const { limit, offset, ...filter } = parseWith(instanceQuery, req.query, 'query');
    const page = await instances.list(currentUser(res), filter, { limit, offset });
    res.json({ items: page.items.map(instanceView), total: page.total });
  });

  r.get('/process-instances/:id', async (req, res) => {
    res.json(instanceView(await instances.get(currentUser(res), String(req.params.id))));
  });

  r.get('/process-instances/:id/history', async (req, res) => {
    res.json((await instances.history(currentUser(res), String(req.params.id))).map(historyView));
  });

  // An operator's repairs (src/app/instance-variables.ts): each one event, answered with the instance as it ran on.
  const repair = ctx.app.instanceVariables;
  r.put('/process-instances/:id/variables/:name', async (req, res) => {
    const body = parseWith(variableBody, req.body ?? {});
    res.json(instanceView(await repair.set(currentUser(res), String(req.params.id), String(req.params.name), body.value)));
  });

  r.delete('/process-instances/:id/variables/:name', async (req, res) => {
    res.json(instanceView(await repair.delete(currentUser(res), String(req.params.id), String(req.params.name))));
  });

  r.post('/process-instances/:id/activities/:activityId/trigger', async (req, res) => {
    const body = parseWith(triggerBody, req.body ?? {});
    res.json(instanceView(await repair.trigger(currentUser(res), String(req.params.id), String(req.params.activityId), body.variables ?? {})));
  });

  r.delete('/process-instances/:id', async (req, res) => {
    await instances.cancel(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  return r;
}
