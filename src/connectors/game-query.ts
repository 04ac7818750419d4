// Game servers asked in their own protocol, with gamedig: Minecraft Java by Server List Ping
// (`protocol-minecraftvanilla`, given port only), any other gamedig game type by its own.
import { GameDig, games, type QueryResult } from 'gamedig';
import { stripFormatting, type GameServerStatus, type GameServerTarget, type GameStatusProvider } from './game-status';

const MINECRAFT = new Set(['minecraft', 'minecraft-java']);

interface MinecraftRaw {
  description?: unknown;
  version?: { name?: unknown };
}

export class GamedigQuery implements GameStatusProvider {
  private readonly gamedig = new GameDig();

  supports(game: string): boolean {
    return MINECRAFT.has(game) || game.startsWith('protocol-') || Object.prototype.hasOwnProperty.call(games, game);
  }

  defaultPort(game: string): number | undefined {
    if (MINECRAFT.has(game)) return 25565;
    return games[game]?.options.port;
  }

  async status(target: GameServerTarget, timeoutMs: number): Promise<GameServerStatus> {
    const minecraft = MINECRAFT.has(target.game);
    let result: QueryResult;
    try {
      result = await this.gamedig.query({
        type: minecraft ? 'protocol-minecraftvanilla' : target.game,
        host: target.host,
        port: target.port,
        givenPortOnly: true,
        maxRetries: 1,
        socketTimeout: timeoutMs,
        attemptTimeout: timeoutMs,
      });
    } catch (err) {
      throw new Error(describeQueryError(err, target, timeoutMs), { cause: err });
    }
    const raw = (result.raw ?? {}) as MinecraftRaw;
    const motd = minecraft ? chatText(raw.description) : result.name;
    const version = minecraft ? (typeof raw.version?.name === 'string' ? raw.version.name : null) : result.version;
    return {
      online: true,
      playersOnline: Number.isFinite(result.numplayers) ? result.numplayers : null,
      playersMax: Number.isFinite(result.maxplayers) ? result.maxplayers : null,
      motd: motd ? stripFormatting(motd).trim() || null : null,
      version: version ? stripFormatting(version) || null : null,
      latencyMs: Number.isFinite(result.ping) ? Math.round(result.ping) : null,
      error: null,
      sourceCheckedAt: null,
    };
  }
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
  const where = `${target.game} server ${target.host}:${target.port}`;
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
