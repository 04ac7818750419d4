// The job list (admin, ops): waiting timers, service-task retries and scheduled starts, soonest due first.
import { Router } from 'express';
import type * as contract from '../../contract';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { jobQuery } from '../repair-schemas';
import { parseWith } from '../validation';

export function jobRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get('/jobs', async (req, res) => {
    const { limit, offset, ...filter } = parseWith(jobQuery, req.query, 'query');
    const page = await ctx.app.jobList.list(currentUser(res), filter, { limit, offset });
    const items: contract.Job[] = page.items;
    res.json({ items, total: page.total });
  });

  return r;
}
