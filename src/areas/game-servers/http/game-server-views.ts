// Game-server records → the API's shapes (src/contract): what a client sees of a server, its
// samples and its status changes.
import type { GameServer, GameServerEvent, GameServerSample } from '../../../contract';
import type { AllHold, SentAsIs } from '../../../contract/checks';
import type { GameServerRecord, SampleRecord, StatusEventRecord } from '../game-server-store';

export function gameServerView(s: GameServerRecord): GameServer {
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
