// The game-server area's records and how they map to and from table rows (servers, samples,
// roll-ups, status-change events), shared by its store's queries.
import type { GameServerStatus, PlayerEntry } from '../../connectors/game-status';
import { toBool, toIso } from '../../store/row-codec';

export type Row = Record<string, unknown>;

export type GameServerProvider = 'query' | 'mcsrvstat';

/** A server with the status its last poll found. */
export interface GameServerRecord extends Omit<GameServerStatus, 'online' | 'players' | 'protocol' | 'icon'> {
  id: string;
  name: string;
  game: string;
  host: string;
  /** The game port. */
  port: number;
  /** The port that is queried; null on a server registered before query ports were kept (worked out then). */
  queryPort: number | null;
  players: PlayerEntry[] | null;
  protocol: { version: number | null; name: string | null } | null;
  icon: string | null;
  provider: GameServerProvider;
  demo: boolean;
  createdAt: string;
  checkedAt: string | null;
  /** null until the first poll. */
  online: boolean | null;
  statusChangedAt: string | null;
}

export type NewGameServer = Pick<GameServerRecord, 'id' | 'name' | 'game' | 'host' | 'port' | 'provider' | 'demo' | 'createdAt'> & {
  queryPort?: number | null;
};

/** Uptime in percent of the samples (raw and rolled up) in a window, null without samples. */
export interface UptimeWindow {
  percent: number | null;
  samples: number;
  onlineSamples: number;
}

/** What one poll of one server found. */
export interface Observation extends GameServerStatus {
  serverId: string;
  checkedAt: string;
}

/** The part of a status that a sample keeps: the numbers over time, not the texts. */
type SampledStatus = Pick<GameServerStatus, 'online' | 'playersOnline' | 'playersMax' | 'latencyMs' | 'error'>;

export interface SampleRecord extends SampledStatus {
  checkedAt: string;
  /** Present on an hourly roll-up of older samples. */
  rollup?: { samples: number; onlineSamples: number; playersPeak: number | null };
}

export interface StatusEventRecord {
  id: number;
  serverId: string;
  serverName: string;
  at: string;
  online: boolean;
  message: string;
  processInstanceId: string | null;
  delivery: string | null;
  deliveredAt: string | null;
}

export const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The sampled columns, which a raw sample row and a server row both have. */
export function sampledOf(r: Row): SampledStatus {
  return {
    online: toBool(r.online),
    playersOnline: intOrNull(r.players_online),
    playersMax: intOrNull(r.players_max),
    latencyMs: intOrNull(r.latency_ms),
    error: strOrNull(r.error),
  };
}

export function sampledColumns(s: SampledStatus): Row {
  return { online: s.online, players_online: s.playersOnline, players_max: s.playersMax, latency_ms: s.latencyMs, error: s.error };
}

export function serverRow(s: NewGameServer): Row {
  return {
    id: s.id,
    name: s.name,
    game: s.game,
    host: s.host,
    port: s.port,
    query_port: s.queryPort ?? null,
    provider: s.provider,
    demo: s.demo,
    created_at: s.createdAt,
  };
}

export function playersOf(v: unknown): PlayerEntry[] | null {
  if (v === null || v === undefined) return null;
  try {
    const parsed = JSON.parse(String(v)) as unknown;
    return Array.isArray(parsed) ? (parsed as PlayerEntry[]) : null;
  } catch {
    return null;
  }
}

/** What a status says beyond the numbers, as server-row columns; an offline status clears them. */
export function detailColumns(o: GameServerStatus): Row {
  return {
    players_json: o.players ? JSON.stringify(o.players.slice(0, 200)) : null,
    protocol_version: o.protocol?.version ?? null,
    protocol_name: o.protocol?.name?.slice(0, 255) ?? null,
    icon: o.icon ?? null,
  };
}

export function toServer(r: Row): GameServerRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    game: String(r.game),
    host: String(r.host),
    port: Number(r.port),
    queryPort: intOrNull(r.query_port),
    provider: r.provider as GameServerProvider,
    demo: toBool(r.demo),
    createdAt: toIso(r.created_at) as string,
    checkedAt: toIso(r.checked_at),
    ...sampledOf(r),
    online: r.online === null || r.online === undefined ? null : toBool(r.online),
    motd: strOrNull(r.motd),
    version: strOrNull(r.version),
    sourceCheckedAt: toIso(r.source_checked_at),
    statusChangedAt: toIso(r.status_changed_at),
    players: playersOf(r.players_json),
    protocol: r.protocol_version === null && r.protocol_name === null ? null : { version: intOrNull(r.protocol_version), name: strOrNull(r.protocol_name) },
    icon: strOrNull(r.icon),
  };
}

export function toEvent(r: Row): StatusEventRecord {
  return {
    id: Number(r.id),
    serverId: String(r.server_id),
    serverName: String(r.server_name),
    at: toIso(r.at) as string,
    online: toBool(r.online),
    message: String(r.message),
    processInstanceId: strOrNull(r.process_instance_id),
    delivery: strOrNull(r.delivery),
    deliveredAt: toIso(r.delivered_at),
  };
}

export function hourOf(iso: string): string {
  const d = new Date(iso);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

export const CHUNK = 100;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
