// /api/products and /api/customers (the local copies of the catalogue and the CRM): list with
// search, sync now, empty; /api/sync-runs: what each sync did. Group `sales` (or admin).
import { Router } from 'express';
import type { SyncRunRecord } from '../../store/sync-run-store';
import { route } from '../auth';
import type { HttpContext } from '../context';
import { searchQuery, syncRunQuery } from '../monitoring-schemas';
import { requireGroup } from '../require-group';
import { parseWith } from '../validation';

export const CATALOGUE_GROUPS = ['sales'];

function syncRunView(r: SyncRunRecord) {
  return {
    id: r.id,
    kind: r.kind,
    processInstanceId: r.processInstanceId,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    fetched: r.fetched,
    added: r.added,
    changed: r.changed,
    unchanged: r.unchanged,
    error: r.error,
    sourceUrl: r.sourceUrl,
  };
}

export function catalogueRoutes(ctx: HttpContext): Router {
  const r = Router();
  const catalogue = ctx.domains.catalogue;

  r.get(
    '/products',
    route(async (req, res) => {
      requireGroup(res, ...CATALOGUE_GROUPS);
      const q = parseWith(searchQuery, req.query, 'query');
      res.json(await catalogue.listProducts(q.q ? { q: q.q } : {}, q));
    }),
  );
  r.post(
    '/products/sync',
    route(async (_req, res) => {
      const user = requireGroup(res, ...CATALOGUE_GROUPS);
      res.status(202).json({ processInstanceId: await catalogue.startSync('products', user) });
    }),
  );
  r.delete(
    '/products',
    route(async (_req, res) => {
      requireGroup(res, ...CATALOGUE_GROUPS);
      await catalogue.clearProducts();
      res.status(204).end();
    }),
  );
  r.get(
    '/customers',
    route(async (req, res) => {
      requireGroup(res, ...CATALOGUE_GROUPS);
      const q = parseWith(searchQuery, req.query, 'query');
      res.json(await catalogue.listCustomers(q.q ? { q: q.q } : {}, q));
    }),
  );
  r.post(
    '/customers/sync',
    route(async (_req, res) => {
      const user = requireGroup(res, ...CATALOGUE_GROUPS);
      res.status(202).json({ processInstanceId: await catalogue.startSync('customers', user) });
    }),
  );
  r.delete(
    '/customers',
    route(async (_req, res) => {
      requireGroup(res, ...CATALOGUE_GROUPS);
      await catalogue.clearCustomers();
      res.status(204).end();
    }),
  );
  r.get(
    '/sync-runs',
    route(async (req, res) => {
      requireGroup(res, ...CATALOGUE_GROUPS);
      const q = parseWith(syncRunQuery, req.query, 'query');
      const page = await catalogue.syncRuns(q.kind ? { kind: q.kind } : {}, q);
      res.json({ items: page.items.map(syncRunView), total: page.total });
    }),
  );
  return r;
}
