// Operations: liveness, readiness, Prometheus metrics, the API description.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { HttpContext } from '../context';
import { buildOpenApi, DOCS_PAGE } from '../openapi';

export function opsRoutes(ctx: HttpContext, version: string): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    if (!(await ctx.app.ready())) throw new AppError('NOT_READY', 'the database is not reachable or not migrated');
    res.json({ status: 'ready' });
  });
  r.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  const doc = buildOpenApi(
    version,
    ctx.areas.map((a) => a.http.openapi),
  );
  r.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  return r;
}
