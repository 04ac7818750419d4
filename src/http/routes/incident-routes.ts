// Incidents (admin): list, and retry the failed step.
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { incidentQuery } from '../schemas';
import { parseWith } from '../validation';
import { incidentView, instanceView } from '../views';

export function incidentRoutes(ctx: HttpContext): Router {
  const r = Router();
  const incidents = ctx.app.incidents;

  r.get('/incidents', async (req, res) => {
    const { limit, offset, ...filter } = parseWith(incidentQuery, req.query, 'query');
    const page = await incidents.list(currentUser(res), filter, { limit, offset });
    res.json({ items: page.items.map(incidentView), total: page.total });
  });

  r.post('/incidents/:id/retry', async (req, res) => {
    res.json({ processInstance: instanceView(await incidents.retry(currentUser(res), String(req.params.id))) });
  });

  return r;
}
