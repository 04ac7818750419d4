// The mcsrvstat.us status API (v3), or anything that speaks it: `GET <base>/3/<host>:<port>`.
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { stripFormatting, type GameServerStatus, type GameServerTarget, type GameStatusProvider } from './game-status';
import { ConnectorError, createHttpClient, describeIssues, getJson } from './http-json';

const answerSchema = z.object({
  online: z.boolean(),
  players: z
    .object({ online: z.number().int().min(0), max: z.number().int().min(0) })
    .partial()
    .optional(),
  motd: z.object({ clean: z.array(z.string()).optional() }).optional(),
  version: z.string().optional(),
  debug: z
    .object({ cachetime: z.number().optional(), error: z.record(z.string(), z.unknown()).optional() })
    .partial()
    .optional(),
});

export class McsrvstatClient implements GameStatusProvider {
  constructor(
    private readonly baseUrl: () => string,
    private readonly http: AxiosInstance = createHttpClient(),
  ) {}

  supports(game: string): boolean {
    return game === 'minecraft' || game === 'minecraft-java';
  }

  defaultPort(): number {
    return 25565;
  }

  async status(target: GameServerTarget, timeoutMs: number): Promise<GameServerStatus> {
    const url = `${this.baseUrl().replace(/\/+$/, '')}/3/${encodeURIComponent(target.host)}:${target.port}`;
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
    };
  }
}
