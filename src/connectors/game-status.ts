// What a game-server status provider answers, whatever the protocol or API behind it.

export interface GameServerTarget {
  game: string;
  host: string;
  port: number;
}

export interface GameServerStatus {
  online: boolean;
  playersOnline: number | null;
  playersMax: number | null;
  /** Message of the day, lines joined by "\n", colour codes removed. */
  motd: string | null;
  version: string | null;
  latencyMs: number | null;
  /** Why the server counts as offline, when the provider says. */
  error: string | null;
  /** When the source itself looked (mcsrvstat's debug.cachetime), if it says. */
  sourceCheckedAt: string | null;
}

export interface GameStatusProvider {
  /** Games this provider can ask about. */
  supports(game: string): boolean;
  /** The usual port of a game, if there is one. */
  defaultPort(game: string): number | undefined;
  /**
   * One attempt, within `timeoutMs`. An offline server the provider can vouch for is an answer
   * with `online: false`; a failure to find out (refused, no answer, garbage) is a thrown Error.
   */
  status(target: GameServerTarget, timeoutMs: number): Promise<GameServerStatus>;
}

/** What a provider (or a poll that got no answer) reports of a server it counts as offline. */
export function offlineStatus(error: string | null, sourceCheckedAt: string | null = null): GameServerStatus {
  return { online: false, playersOnline: null, playersMax: null, motd: null, version: null, latencyMs: null, error, sourceCheckedAt };
}

/** Minecraft's § formatting codes (colours, bold, …) are not text. */
export function stripFormatting(text: string): string {
  return text.replace(/§[0-9a-fk-orx]/gi, '');
}
