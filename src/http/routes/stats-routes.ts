// The cockpit's aggregates (admin): per definition, over time, per user task and group, and
// where running instances wait now.
import { Router } from 'express';
import { currentUser } from '../auth';
import type { HttpContext } from '../context';
import { activityStatsQuery, statsQuery, timelineQuery } from '../stats-schemas';
import { parseWith } from '../validation';

export function statsRoutes(ctx: HttpContext): Router {
  const r = Router();
  const stats = ctx.app.stats;

  r.get('/stats/definitions', async (_req, res) => {
    const items = await stats.definitions(currentUser(res));
    res.json({ items, total: items.length });
  });

  r.get('/stats/timeline', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(timelineQuery, req.query, 'query');
    const { since, until, items } = await stats.timeline(user, {
      bucket: q.bucket,
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.definitionKey ? { definitionKey: q.definitionKey } : {}),
    });
    res.json({ bucket: q.bucket, since, until, items, total: items.length });
  });

  r.get('/stats/tasks', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(statsQuery, req.query, 'query');
    const { items, groups } = await stats.tasks(user, q.definitionKey ? { definitionKey: q.definitionKey } : {});
    res.json({ items, total: items.length, groups });
  });

  r.get('/stats/waiting', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(statsQuery, req.query, 'query');
    const items = await stats.waiting(user, q.definitionKey ? { definitionKey: q.definitionKey } : {});
    res.json({ items, total: items.length });
  });

  r.get('/stats/activities', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(activityStatsQuery, req.query, 'query');
    const answer = await ctx.app.activityStats.forDefinition(user, {
      definitionKey: q.definitionKey,
      ...(q.version === undefined ? {} : { version: q.version }),
      ...(q.since ? { since: q.since } : {}),
    });
    res.json({ ...answer, total: answer.items.length });
  });

  return r;
}
