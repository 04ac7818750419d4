// Operations: liveness, readiness, Prometheus metrics, the API description.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import { bearerToken } from '../auth';
import type { HttpContext } from '../context';
import { buildOpenApi, DOCS_PAGE } from '../openapi';
import { DATABASE_RETRY_AFTER_SECONDS } from '../problem';

/** How long /ready waits for the database: a load balancer's probe must get an answer, not a hang. */
const READY_TIMEOUT_MS = 2000;

/** The check's answer, or false when it takes longer than `ms` (or fails). */
async function within(ms: number, check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function opsRoutes(ctx: HttpContext, version: string): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    if (!(await within(READY_TIMEOUT_MS, ctx.app.ready()))) {
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      throw new AppError('NOT_READY', `the database is not reachable (or did not answer within ${READY_TIMEOUT_MS} ms) or not migrated`);
    }
    res.json({ status: 'ready' });
  });
  // Behind a token: Prometheus sends one (bearer_token / authorization in its scrape config).
  r.get('/metrics', async (req, res) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (PROCFLOW_METRICS_TOKEN, or a user of group metrics or admin)');
    const access = await ctx.app.users.metricsAccess(token);
    if (access === 'unknown') throw new AppError('UNAUTHENTICATED', 'the bearer token is not known');
    if (access === 'forbidden')
      throw new AppError('FORBIDDEN', 'this token may not read /metrics: use PROCFLOW_METRICS_TOKEN or a user of group metrics or admin');
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
