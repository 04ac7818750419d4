// Game servers asked in their own protocol, with gamedig: Minecraft Java by Server List Ping
// (`protocol-minecraftvanilla`), Minecraft Bedrock by RakNet (`protocol-minecraftbedrock`), any
// other gamedig game type by its own protocol — on the game's query port, which gamedig's game
// list derives from the game port (`port_query_offset`) or fixes (`port_query`).
import { GameDig, games, protocols, type QueryResult } from 'gamedig';
import {
  iconOrNull,
  stripFormatting,
  type GameServerStatus,
  type GameServerTarget,
  type GameStatusProvider,
  type PlayerEntry,
  type ServerPorts,
} from './game-status';

/** procflow's own names for the two Minecraft editions, and the gamedig protocol each is asked by. */
const MINECRAFT_JAVA = new Set(['minecraft', 'minecraft-java']);
const MINECRAFT_BEDROCK = new Set(['minecraftbe', 'minecraft-bedrock', 'mbe']);

interface MinecraftRaw {
  description?: unknown;
  version?: { name?: unknown; protocol?: unknown };
  favicon?: unknown;
  players?: { sample?: Array<{ name?: unknown; id?: unknown }> };
}

interface BedrockRaw {
  protocolVersion?: unknown;
  mcVersion?: unknown;
}

/** gamedig's port rules for a game type: its game port, a fixed query port, or offsets from the game port. */
export interface PortRule {
  port?: number;
  queryPort?: number;
  offset?: number;
}

export function portRule(game: string): PortRule | undefined {
  if (MINECRAFT_JAVA.has(game)) return { port: 25565 };
  if (MINECRAFT_BEDROCK.has(game)) return { port: 19132 };
  if (game.startsWith('protocol-')) return Object.prototype.hasOwnProperty.call(protocols, game.slice('protocol-'.length)) ? {} : undefined;
  if (!Object.prototype.hasOwnProperty.call(games, game)) return undefined;
  const o = (games[game] as (typeof games)[string]).options;
  // An array lists candidates (V Rising: game +1 and +2); the first is the one the game uses by default.
  const offset = Array.isArray(o.port_query_offset) ? o.port_query_offset[0] : o.port_query_offset;
  return {
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.port_query !== undefined ? { queryPort: o.port_query } : {}),
    ...(offset ? { offset } : {}),
  };
}

/** The game port and query port from what a user gave, by gamedig's rules for the game. */
export function resolvePorts(game: string, given: { port?: number; queryPort?: number }): ServerPorts | undefined {
  const rule = portRule(game);
  if (!rule) return undefined;
  const offset = rule.offset ?? 0;
  const inRange = (p: number) => (p >= 1 && p <= 65535 ? p : undefined);
  if (given.port !== undefined && given.queryPort !== undefined) return { port: given.port, queryPort: given.queryPort };
  if (given.port !== undefined) {
    // A fixed query port (ARK: 27015 for game port 7777) is the game's unless the user says otherwise.
    const queryPort = rule.queryPort ?? inRange(given.port + offset) ?? given.port;
    return { port: given.port, queryPort };
  }
  if (given.queryPort !== undefined) {
    const port = offset ? (inRange(given.queryPort - offset) ?? given.queryPort) : (rule.port ?? given.queryPort);
    return { port, queryPort: given.queryPort };
  }
  if (rule.port !== undefined) return { port: rule.port, queryPort: rule.queryPort ?? rule.port + offset };
  // Only a query port is known (ARMA Reforger's, Age of Empires 2's): the game port is unknown, so it is the query port.
  if (rule.queryPort !== undefined) return { port: rule.queryPort, queryPort: rule.queryPort };
  return undefined;
}

export class GamedigQuery implements GameStatusProvider {
  private readonly gamedig = new GameDig();

  supports(game: string): boolean {
    return portRule(game) !== undefined;
  }

  defaultPort(game: string): number | undefined {
    return portRule(game)?.port;
  }

  ports(game: string, given: { port?: number; queryPort?: number }): ServerPorts | undefined {
    return resolvePorts(game, given);
  }

  async status(target: GameServerTarget, timeoutMs: number): Promise<GameServerStatus> {
    const java = MINECRAFT_JAVA.has(target.game);
    const bedrock = MINECRAFT_BEDROCK.has(target.game);
    let result: QueryResult;
    try {
      result = await this.gamedig.query({
        type: java ? 'protocol-minecraftvanilla' : bedrock ? 'protocol-minecraftbedrock' : target.game,
        host: target.host,
        // The port worked out at registration: gamedig must not guess others (each guess costs a timeout).
        port: target.queryPort ?? target.port,
        givenPortOnly: true,
        maxRetries: 1,
        socketTimeout: timeoutMs,
        attemptTimeout: timeoutMs,
      });
    } catch (err) {
      throw new Error(describeQueryError(err, target, timeoutMs), { cause: err });
    }
    const raw = (result.raw ?? {}) as MinecraftRaw & BedrockRaw;
    const motd = java ? chatText(raw.description) : result.name;
    const version = java ? (typeof raw.version?.name === 'string' ? raw.version.name : null) : result.version;
    return {
      online: true,
      playersOnline: Number.isFinite(result.numplayers) ? result.numplayers : null,
      playersMax: Number.isFinite(result.maxplayers) ? result.maxplayers : null,
      motd: motd ? stripFormatting(motd).trim() || null : null,
      version: version ? stripFormatting(version) || null : null,
      latencyMs: Number.isFinite(result.ping) ? Math.round(result.ping) : null,
      error: null,
      sourceCheckedAt: null,
      players: playersOf(result, java ? raw : undefined),
      protocol: java
        ? {
            version: typeof raw.version?.protocol === 'number' ? raw.version.protocol : null,
            name: typeof raw.version?.name === 'string' ? raw.version.name : null,
          }
        : bedrock
          ? { version: Number(raw.protocolVersion) || null, name: typeof raw.mcVersion === 'string' ? raw.mcVersion : null }
          : null,
      icon: java ? iconOrNull(raw.favicon) : null,
    };
  }
}

/** The named players of an answer (Minecraft's sample has ids too); null when it names none. */
function playersOf(result: QueryResult, minecraft: MinecraftRaw | undefined): PlayerEntry[] | null {
  const sample = minecraft?.players?.sample;
  if (Array.isArray(sample)) {
    const named = sample.filter((p) => typeof p.name === 'string' && p.name);
    return named.map((p) => ({ name: stripFormatting(String(p.name)), ...(typeof p.id === 'string' ? { id: p.id } : {}) }));
  }
  const named = (result.players ?? []).filter((p) => typeof p.name === 'string' && p.name);
  return named.length ? named.map((p) => ({ name: stripFormatting(String(p.name)) })) : null;
}

/** A Minecraft chat component (string, {text, extra}, or an array of them) as plain text. */
export function chatText(component: unknown): string {
  if (typeof component === 'string') return component;
  if (Array.isArray(component)) return component.map(chatText).join('');
  if (component && typeof component === 'object') {
    const c = component as { text?: unknown; extra?: unknown; translate?: unknown };
    const own = typeof c.text === 'string' ? c.text : typeof c.translate === 'string' ? c.translate : '';
    return own + (Array.isArray(c.extra) ? c.extra.map(chatText).join('') : '');
  }
  return '';
}

/** gamedig says "Failed all 1 attempts" and hides the cause in the stack: dig it out. */
export function describeQueryError(err: unknown, target: GameServerTarget, timeoutMs: number): string {
  const where = `${target.game} server ${target.host}:${target.queryPort ?? target.port}`;
  const text = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  if (/ECONNREFUSED|Connection Refused/i.test(text)) return `${where} refused the connection (nothing listens on the port)`;
  if (/Timeout reached|timed out|ETIMEDOUT/i.test(text)) return `${where} did not answer within ${timeoutMs} ms`;
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `${where}: the host name does not resolve`;
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return `${where} is unreachable`;
  if (/ECONNRESET|EPIPE/.test(text)) return `${where} closed the connection before answering`;
  if (/JSON|Unexpected token|players/.test(text)) return `${where} answered something that is not a status`;
  const cause = /Attempt #\d+[^\n]*:\n\s*(?:\w*Error: )?([^\n]+)/.exec(text)?.[1];
  return `${where} could not be queried: ${cause ?? (err instanceof Error ? err.message : String(err))}`;
}
