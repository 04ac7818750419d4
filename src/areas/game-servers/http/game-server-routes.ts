// /api/game-servers: register, list with the latest status, delete (with samples), samples,
// status-change events, and poll now. Group `ops` (or admin).
import { Router } from 'express';
import type { GameServerRecord, SampleRecord } from '../../store/game-server-store';
import { route } from '../auth';
import type { HttpContext } from '../context';
import { gameEventsQuery, gameServerBody, samplesQuery } from '../monitoring-schemas';
import { requireGroup } from '../require-group';
import { pageQuery } from '../schemas';
import { parseWith } from '../validation';

export const GAME_SERVER_GROUPS = ['ops'];

export function gameServerView(s: GameServerRecord) {
  return {
    id: s.id,
    name: s.name,
    game: s.game,
    host: s.host,
    port: s.port,
    provider: s.provider,
    online: s.online,
    playersOnline: s.playersOnline,
    playersMax: s.playersMax,
    motd: s.motd,
    version: s.version,
    latencyMs: s.latencyMs,
    checkedAt: s.checkedAt,
    ...(s.error ? { error: s.error } : {}),
    statusChangedAt: s.statusChangedAt,
    sourceCheckedAt: s.sourceCheckedAt,
    demo: s.demo,
  };
}

function sampleView(s: SampleRecord) {
  return {
    checkedAt: s.checkedAt,
    online: s.online,
    playersOnline: s.playersOnline,
    latencyMs: s.latencyMs,
    playersMax: s.playersMax,
    ...(s.error ? { error: s.error } : {}),
    ...(s.rollup ? { rollup: s.rollup } : {}),
  };
}

export function gameServerRoutes(ctx: HttpContext): Router {
  const r = Router();
  const gameServers = ctx.domains.gameServers;

  r.get(
    '/game-servers',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      const q = parseWith(pageQuery, req.query, 'query');
      const page = await gameServers.list(q);
      res.json({ items: page.items.map(gameServerView), total: page.total });
    }),
  );
  r.post(
    '/game-servers',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      const body = parseWith(gameServerBody, req.body ?? {});
      const server = await gameServers.add(body);
      res.status(201).location(`/api/game-servers/${server.id}`).json(gameServerView(server));
    }),
  );
  // Before /game-servers/:id so that "poll" and "events" are not taken for ids.
  r.post(
    '/game-servers/poll',
    route(async (_req, res) => {
      const user = requireGroup(res, ...GAME_SERVER_GROUPS);
      const processInstanceId = await gameServers.pollNow(user);
      res.status(202).json({ processInstanceId });
    }),
  );
  r.get(
    '/game-servers/events',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      const q = parseWith(gameEventsQuery, req.query, 'query');
      const page = await gameServers.events(q.serverId ? { serverId: q.serverId } : {}, q);
      res.json(page);
    }),
  );
  r.get(
    '/game-servers/:id',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      res.json(gameServerView(await gameServers.get(String(req.params.id))));
    }),
  );
  r.delete(
    '/game-servers/:id',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      await gameServers.remove(String(req.params.id));
      res.status(204).end();
    }),
  );
  r.get(
    '/game-servers/:id/samples',
    route(async (req, res) => {
      requireGroup(res, ...GAME_SERVER_GROUPS);
      const q = parseWith(samplesQuery, req.query, 'query');
      const page = await gameServers.samples(
        String(req.params.id),
        { ...(q.since ? { since: q.since } : {}), ...(q.until ? { until: q.until } : {}), order: q.order },
        { limit: q.limit, offset: q.offset },
      );
      res.json({ items: page.items.map(sampleView), total: page.total });
    }),
  );
  return r;
}
