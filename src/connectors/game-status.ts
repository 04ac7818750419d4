// What a game-server status provider answers, whatever the protocol or API behind it.

export interface GameServerTarget {
  game: string;
  host: string;
  /** The game port (what players connect to). */
  port: number;
  /** Where the provider asks, when it differs from the game port (gamedig's query port). */
  queryPort?: number;
}

/** A player the server names (Minecraft's sample or mcsrvstat's list, A2S_PLAYER, …). */
export interface PlayerEntry {
  name: string;
  /** The game's own id of the player (Minecraft UUID), when the source gives one. */
  id?: string;
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
  /** The players the server names (often a sample of those online); absent when it names none. */
  players?: PlayerEntry[] | null;
  /** The game's protocol version and its name (Minecraft: 767, "1.21.1"), when reported. */
  protocol?: { version: number | null; name: string | null } | null;
  /** The server's icon as a data URI (Minecraft's favicon), when it has one. */
  icon?: string | null;
}

/** The ports a server is registered with: the game port and the port that is queried. */
export interface ServerPorts {
  port: number;
  queryPort: number;
}

export interface GameStatusProvider {
  /** Games this provider can ask about. */
  supports(game: string): boolean;
  /** The usual port of a game, if there is one. */
  defaultPort(game: string): number | undefined;
  /**
   * The game port and query port of a server from what a user gave (either, both or none), by
   * the game's own port rules; undefined when neither is given and the game has no usual port.
   */
  ports(game: string, given: { port?: number; queryPort?: number }): ServerPorts | undefined;
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

/** Icons larger than this are not kept (a Minecraft favicon is a 64×64 PNG, a few KB). */
export const MAX_ICON_CHARS = 64 * 1024;

export function iconOrNull(icon: unknown): string | null {
  return typeof icon === 'string' && icon.startsWith('data:image/') && icon.length <= MAX_ICON_CHARS ? icon : null;
}
