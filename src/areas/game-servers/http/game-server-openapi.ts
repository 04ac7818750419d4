// The game-server area's routes in the OpenAPI description.
import { named, tagged, type OpenApiPaths } from '../../../http/openapi';
import * as s from '../../../http/schemas';
import * as m from './game-server-schemas';

named('GameServer', m.gameServerSchema);
named('GameServerSample', m.sampleSchema);
named('GameServerEvent', m.gameEventSchema);

export const gameServerPaths: OpenApiPaths = tagged('Game servers', {
  '/api/game-servers': {
    get: { id: 'listGameServers', summary: 'Game servers with their latest status (group ops)', query: s.pageQuery, ok: [200, s.listOf(m.gameServerSchema)] },
    post: {
      id: 'registerGameServer',
      summary: "Register a game server (provider query or mcsrvstat): game port and/or query port, the other by the game's rules",
      body: m.gameServerBody,
      ok: [201, m.gameServerSchema],
      errors: [400, 409],
    },
  },
  '/api/game-servers/poll': {
    post: { id: 'pollGameServers', summary: 'Poll every server now (starts gameServerMonitor)', ok: [202, s.startedSchema], errors: [404] },
  },
  '/api/game-servers/events': {
    get: {
      id: 'listGameServerEvents',
      summary: 'Status changes (online ↔ offline), newest first; ?serverId= for one server',
      query: m.gameEventsQuery,
      ok: [200, s.listOf(m.gameEventSchema)],
    },
  },
  '/api/game-servers/{id}': {
    get: {
      id: 'getGameServer',
      summary: 'A game server with its latest status and its uptime (24 h, 7 d, 30 d)',
      ok: [200, m.gameServerSchema],
      errors: [404],
    },
    delete: { id: 'deleteGameServer', summary: 'Remove a game server and its samples', ok: [204, null], errors: [404] },
  },
  '/api/game-servers/{id}/samples': {
    get: {
      id: 'listGameServerSamples',
      summary: 'Samples between since and until (raw, then hourly roll-ups)',
      query: m.samplesQuery,
      ok: [200, s.listOf(m.sampleSchema)],
      errors: [400, 404],
    },
  },
});
