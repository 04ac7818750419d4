// /api/game-servers: register, list with the latest status, one with its uptime, delete (with
// samples), samples, status-change events, and poll now. Group `ops` (or admin).
import { Router } from 'express';
import type { GameServerService } from '../game-server-service';
import { currentUser } from '../../../http/auth';
import type { HttpContext } from '../../../http/context';
import { gameEventsQuery, gameServerBody, samplesQuery } from './game-server-schemas';
import { gameServerView, sampleView } from './game-server-views';
import { pageQuery } from '../../../http/schemas';
import { parseWith } from '../../../http/validation';

export function gameServerRoutes(_ctx: HttpContext, gameServers: GameServerService): Router {
  const r = Router();

  r.get('/game-servers', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(pageQuery, req.query, 'query');
    const page = await gameServers.list(user, q);
    res.json({ items: page.items.map(gameServerView), total: page.total });
  });
  r.post('/game-servers', async (req, res) => {
    const user = currentUser(res);
    const body = parseWith(gameServerBody, req.body ?? {});
    const server = await gameServers.add(user, body);
    res.status(201).location(`/api/game-servers/${server.id}`).json(gameServerView(server));
  });
  // Before /game-servers/:id so that "poll" and "events" are not taken for ids.
  r.post('/game-servers/poll', async (_req, res) => {
    const user = currentUser(res);
    const processInstanceId = await gameServers.pollNow(user);
    res.status(202).json({ processInstanceId });
  });
  r.get('/game-servers/events', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(gameEventsQuery, req.query, 'query');
    const page = await gameServers.events(user, q.serverId ? { serverId: q.serverId } : {}, q);
    res.json(page);
  });
  r.get('/game-servers/:id', async (req, res) => {
    const user = currentUser(res);
    res.json(gameServerView(await gameServers.get(user, String(req.params.id))));
  });
  r.delete('/game-servers/:id', async (req, res) => {
    const user = currentUser(res);
    await gameServers.remove(user, String(req.params.id));
    res.status(204).end();
  });
  r.get('/game-servers/:id/samples', async (req, res) => {
    const user = currentUser(res);
    const q = parseWith(samplesQuery, req.query, 'query');
    const page = await gameServers.samples(
      user,
      String(req.params.id),
      { ...(q.since ? { since: q.since } : {}), ...(q.until ? { until: q.until } : {}), order: q.order },
      { limit: q.limit, offset: q.offset },
    );
    res.json({ items: page.items.map(sampleView), total: page.total });
  });
  return r;
}
