// /api/products and /api/customers (the local copies of the catalogue and the CRM): list with
// search, sync now, empty; /api/sync-runs: what each sync did. Group `sales` (or admin); clients and suppliers may list products.
import { Router } from 'express';
import type { CatalogueService } from '../catalogue-service';
import { currentUser } from '../../../http/auth';
import type { HttpContext } from '../../../http/context';
import { searchQuery, syncRunQuery } from './catalogue-schemas';
import { syncRunView } from './catalogue-views';
import { parseWith } from '../../../http/validation';

export function catalogueRoutes(_ctx: HttpContext, catalogue: CatalogueService): Router {
  const r = Router();

  r.get('/products', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(searchQuery, req.query, 'query');
    res.json(await catalogue.listProducts(user, q.q ? { q: q.q } : {}, q));
  });
  r.post('/products/sync', async (_req, res) => {
    const user = currentUser(res);
    res.status(202).json({ processInstanceId: await catalogue.startSync('products', user) });
  });
  r.delete('/products', async (_req, res) => {
    const user = currentUser(res);
    await catalogue.clearProducts(user);
    res.status(204).end();
  });
  r.get('/customers', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(searchQuery, req.query, 'query');
    res.json(await catalogue.listCustomers(user, q.q ? { q: q.q } : {}, q));
  });
  r.post('/customers/sync', async (_req, res) => {
    const user = currentUser(res);
    res.status(202).json({ processInstanceId: await catalogue.startSync('customers', user) });
  });
  r.delete('/customers', async (_req, res) => {
    const user = currentUser(res);
    await catalogue.clearCustomers(user);
    res.status(204).end();
  });
  r.get('/sync-runs', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(syncRunQuery, req.query, 'query');
    const page = await catalogue.syncRuns(user, q.kind ? { kind: q.kind } : {}, q);
    res.json({ items: page.items.map(syncRunView), total: page.total });
  });
  return r;
}
