// The cockpit's aggregates (admin): per definition, over time, per user task and group, and
// where running instances wait now.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import { requireAdmin, route } from '../auth';
import type { HttpContext } from '../context';
import { statsQuery, timelineQuery } from '../stats-schemas';
import { parseWith } from '../validation';

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const DEFAULT_SPAN = { hour: 48, day: 30 } as const;
const MAX_BUCKETS = 2000;

export function statsRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get(
    '/stats/definitions',
    route(async (_req, res) => {
      requireAdmin(res);
      const items = await ctx.store.stats.definitions();
      res.json({ items, total: items.length });
    }),
  );

  r.get(
    '/stats/timeline',
    route(async (req, res) => {
      requireAdmin(res);
      const q = parseWith(timelineQuery, req.query, 'query');
      const step = BUCKET_MS[q.bucket];
      const until = q.until ? new Date(q.until) : new Date(Math.floor(ctx.clock.now().getTime() / step) * step + step);
      const since = q.since ? new Date(q.since) : new Date(until.getTime() - DEFAULT_SPAN[q.bucket] * step);
      if (!(since < until)) throw new AppError('VALIDATION_FAILED', `since <${since.toISOString()}> must be before until <${until.toISOString()}>`);
      if ((until.getTime() - since.getTime()) / step > MAX_BUCKETS) {
        throw new AppError('VALIDATION_FAILED', `the range holds more than ${MAX_BUCKETS} ${q.bucket} buckets; narrow since/until or use bucket=day`);
      }
      const items = await ctx.store.stats.timeline({
        bucket: q.bucket,
        since: since.toISOString(),
        until: until.toISOString(),
        ...(q.definitionKey ? { definitionKey: q.definitionKey } : {}),
      });
      res.json({ bucket: q.bucket, since: since.toISOString(), until: until.toISOString(), items, total: items.length });
    }),
  );

  r.get(
    '/stats/tasks',
    route(async (req, res) => {
      requireAdmin(res);
      const q = parseWith(statsQuery, req.query, 'query');
      const filter = q.definitionKey ? { definitionKey: q.definitionKey } : {};
      const [items, groups] = await Promise.all([ctx.store.stats.tasks(filter), ctx.store.stats.groups(filter)]);
      res.json({ items, total: items.length, groups });
    }),
  );

  r.get(
    '/stats/waiting',
    route(async (req, res) => {
      requireAdmin(res);
      const q = parseWith(statsQuery, req.query, 'query');
      const items = await ctx.store.stats.waiting(q.definitionKey ? { definitionKey: q.definitionKey } : {});
      res.json({ items, total: items.length });
    }),
  );

  return r;
}
