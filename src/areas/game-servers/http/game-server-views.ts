// Game-server records → the API's shapes (src/contract): what a client sees of a server, its
// samples and its status changes.
import type { GameServer, GameServerEvent, GameServerSample } from '../../../contract';
import type { AllHold, SentAsIs } from '../../../contract/checks';
import type { GameServerDetail, Uptime } from '../game-server-service';
import type { SampleRecord, StatusEventRecord } from '../game-server-store';

/** The `uptime` of one server (GET /api/game-servers/{id}). */
export type GameServerUptime = NonNullable<GameServer['uptime']>;

export function uptimeView(u: Uptime): GameServerUptime {
  const w = (x: Uptime['h24']) => ({ percent: x.percent, samples: x.samples, onlineSamples: x.onlineSamples });
  return { until: u.until, h24: w(u.h24), d7: w(u.d7), d30: w(u.d30) };
}

export function gameServerView(s: GameServerDetail): GameServer {
  return {
    id: s.id,
    name: s.name,
    game: s.game,
    host: s.host,
    port: s.port,
    queryPort: s.queryPort,
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
    players: s.players,
    protocol: s.protocol,
    icon: s.icon,
    ...(s.uptime ? { uptime: uptimeView(s.uptime) } : {}),
  };
}

export function sampleView(s: SampleRecord): GameServerSample {
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

/** The events route sends the store's records unchanged. */
export type SentAsTheyAre = AllHold<[SentAsIs<StatusEventRecord, GameServerEvent>]>;
