// Incidents (admin): list, retry the failed step (optionally with a number of attempts), retry
// several at once.
import { Router } from 'express';
import type * as contract from '../../contract';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { bulkRetryBody, retryBody } from '../repair-schemas';
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

  r.post('/incidents/retry', async (req, res) => {
    const body = parseWith(bulkRetryBody, req.body ?? {});
    const results = await incidents.retryMany(currentUser(res), body.ids, body.retries);
    const answer: contract.BulkRetry = {
      results: results.map((x) =>
        x.status === 'retried'
          ? { id: x.id, status: x.status, processInstance: instanceView(x.result) }
          : { id: x.id, status: x.status, code: x.code, httpStatus: x.httpStatus, detail: x.detail },
      ),
    };
    res.json(answer);
  });

  r.post('/incidents/:id/retry', async (req, res) => {
    const body = parseWith(retryBody, req.body ?? {});
    res.json({ processInstance: instanceView(await incidents.retry(currentUser(res), String(req.params.id), body.retries)) });
  });

  return r;
}
