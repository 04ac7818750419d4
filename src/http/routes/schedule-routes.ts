// The service clock and the scheduler.
import { Router } from 'express';
import type { ScheduleRecord } from '../../store/schedule-store';
import { currentUser, requireAdmin, route } from '../auth';
import type { HttpContext } from '../context';
import { clockBody, scheduleBody } from '../schemas';
import { parseWith } from '../validation';

function scheduleView(s: ScheduleRecord) {
  return {
    id: s.id,
    name: s.name,
    processKey: s.processKey,
    nextRunAt: s.nextRunAt,
    recurrence: s.recurrence,
    lastRunAt: s.lastRunAt,
    enabled: s.enabled,
    runCount: s.runCount,
    runsLeft: s.runsLeft,
    source: s.source,
    variables: s.variables,
  };
}

export function scheduleRoutes(ctx: HttpContext): Router {
  const r = Router();

  r.get(
    '/clock',
    route(async (_req, res) => {
      currentUser(res);
      await ctx.clockSync.refresh();
      res.json({ now: ctx.clock.now().toISOString(), speed: ctx.clock.speed });
    }),
  );

  r.put(
    '/clock',
    route(async (req, res) => {
      requireAdmin(res);
      const body = parseWith(clockBody, req.body ?? {});
      await ctx.clockSync.set({ ...(body.speed !== undefined ? { speed: body.speed } : {}), ...(body.now ? { now: new Date(body.now) } : {}) });
      res.json({ now: ctx.clock.now().toISOString(), speed: ctx.clock.speed });
    }),
  );

  r.get(
    '/schedules',
    route(async (_req, res) => {
      currentUser(res);
      const items = (await ctx.scheduler.list()).map(scheduleView);
      res.json({ items, total: items.length });
    }),
  );

  r.post(
    '/schedules',
    route(async (req, res) => {
      requireAdmin(res);
      const body = parseWith(scheduleBody, req.body ?? {});
      res.status(201).json(scheduleView(await ctx.scheduler.create(body)));
    }),
  );

  r.delete(
    '/schedules/:id',
    route(async (req, res) => {
      requireAdmin(res);
      await ctx.scheduler.delete(String(req.params.id));
      res.status(204).end();
    }),
  );

  return r;
}
