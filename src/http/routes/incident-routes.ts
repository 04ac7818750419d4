// Incidents (admin): list, and retry the failed step.
import { Router } from 'express';
import { requireAdmin, route } from '../auth';
import type { HttpContext } from '../context';
import { incidentQuery } from '../schemas';
import { parseWith } from '../validation';
import { incidentView, instanceView } from '../views';

export function incidentRoutes(ctx: HttpContext): Router {
  const r = Router();
  r.get(
    '/incidents',
    route(async (req, res) => {
      requireAdmin(res);
      const q = parseWith(incidentQuery, req.query, 'query');
      const page = await ctx.store.incidents.list(q, { limit: q.limit, offset: q.offset });
      res.json({ items: page.items.map(incidentView), total: page.total });
    }),
  );
  r.post(
    '/incidents/:id/retry',
    route(async (req, res) => {
      const user = requireAdmin(res);
      const instance = await ctx.runtime.retryIncident(String(req.params.id), user);
      const counts = await ctx.store.instances.openIncidentCounts([instance.id]);
      res.json({ processInstance: instanceView(instance, counts.get(instance.id) ?? 0) });
    }),
  );
  return r;
}
