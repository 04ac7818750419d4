// The service clock and the scheduler.
import { Router } from 'express';
import type { ScheduleRecord } from '../../app/records';
import { currentUser } from '../auth';
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
  const schedules = ctx.app.schedules;

  r.get('/clock', async (_req, res) => {
    currentUser(res);
    res.json(await schedules.readClock());
  });

  r.put('/clock', async (req, res) => {
    const user = currentUser(res);
    const body = parseWith(clockBody, req.body ?? {});
    res.json(await schedules.setClock(user, { ...(body.speed !== undefined ? { speed: body.speed } : {}), ...(body.now ? { now: new Date(body.now) } : {}) }));
  });

  r.get('/schedules', async (_req, res) => {
    currentUser(res);
    const items = (await schedules.list()).map(scheduleView);
    res.json({ items, total: items.length });
  });

  r.post('/schedules', async (req, res) => {
    const user = currentUser(res);
    const body = parseWith(scheduleBody, req.body ?? {});
    res.status(201).json(scheduleView(await schedules.create(user, body)));
  });

  r.delete('/schedules/:id', async (req, res) => {
    await schedules.delete(currentUser(res), String(req.params.id));
    res.status(204).end();
  });

  return r;
}
