// The mcsrvstat.us status API (v3), or anything that speaks it: `GET <base>/3/<host>:<port>` for
// Minecraft Java, `GET <base>/bedrock/3/<host>:<port>` for Bedrock (api.mcsrvstat.us documents both).
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { iconOrNull, stripFormatting, type GameServerStatus, type GameServerTarget, type GameStatusProvider, type ServerPorts } from './game-status';
import { ConnectorError, createHttpClient, describeIssues, getJson } from './http-json';

const JAVA = new Set(['minecraft', 'minecraft-java']);
const BEDROCK = new Set(['minecraftbe', 'minecraft-bedrock', 'mbe']);

const answerSchema = z.object({
  online: z.boolean(),
  players: z
    .object({
      online: z.number().int().min(0),
      max: z.number().int().min(0),
      // "Only included when there are players": [{name, uuid}] (v3; v2 sent bare names).
      list: z.array(z.union([z.object({ name: z.string(), uuid: z.string().optional() }), z.string()])),
    })
    .partial()
    .optional(),
  motd: z.object({ clean: z.array(z.string()).optional() }).optional(),
  version: z.string().optional(),
  // "Only included when ping is used"; `name` "only included if a version name is found".
  protocol: z.object({ version: z.number().int().optional(), name: z.string().optional() }).optional(),
  icon: z.string().optional(),
  debug: z
    .object({ cachetime: z.number().optional(), error: z.record(z.string(), z.unknown()).optional() })
    .partial()
    .optional(),
});

export function isBedrock(game: string): boolean {
  return BEDROCK.has(game);
}

export class McsrvstatClient implements GameStatusProvider {
  constructor(
    private readonly baseUrl: () => string,
    private readonly http: AxiosInstance = createHttpClient(),
  ) {}

  supports(game: string): boolean {
    return JAVA.has(game) || BEDROCK.has(game);
  }

  defaultPort(game = 'minecraft'): number {
    return BEDROCK.has(game) ? 19132 : 25565;
  }

  /** The API is asked for the address players use: the query port is the game port. */
  ports(game: string, given: { port?: number; queryPort?: number }): ServerPorts {
    const port = given.port ?? given.queryPort ?? this.defaultPort(game);
    return { port, queryPort: port };
  }

  async status(target: GameServerTarget, timeoutMs: number): Promise<GameServerStatus> {
    const edition = BEDROCK.has(target.game) ? '/bedrock/3/' : '/3/';
    const url = `${this.baseUrl().replace(/\/+$/, '')}${edition}${encodeURIComponent(target.host)}:${target.port}`;
    const body = await getJson(this.http, url, timeoutMs, 'the mcsrvstat API');
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) throw new ConnectorError(`the mcsrvstat API <${url}> answered an unexpected shape: ${describeIssues(parsed.error.issues)}`);
    const a = parsed.data;
    const cachetime = a.debug?.cachetime;
    const sourceCheckedAt = cachetime && cachetime > 0 ? new Date(cachetime * 1000).toISOString() : null;
    if (!a.online) {
      const reasons = a.debug?.error ? Object.values(a.debug.error).map(String).join('; ') : '';
      return {
        online: false,
        playersOnline: null,
        playersMax: null,
        motd: null,
        version: null,
        latencyMs: null,
        error: `mcsrvstat reports the server offline${reasons ? ` (${reasons})` : ''}`,
        sourceCheckedAt,
      };
    }
    const motd = (a.motd?.clean ?? []).map((l) => stripFormatting(l).trim()).join('\n');
    const list = a.players?.list;
    return {
      online: true,
      playersOnline: a.players?.online ?? null,
      playersMax: a.players?.max ?? null,
      motd: motd || null,
      version: a.version ? stripFormatting(a.version) : null,
      // The API does not report the game server's latency (its own round trip would mislead).
      latencyMs: null,
      error: null,
      sourceCheckedAt,
      players: list ? list.map((p) => (typeof p === 'string' ? { name: p } : { name: p.name, ...(p.uuid ? { id: p.uuid } : {}) })) : null,
      protocol: a.protocol ? { version: a.protocol.version ?? null, name: a.protocol.name ?? null } : null,
      icon: iconOrNull(a.icon),
    };
  }
}
