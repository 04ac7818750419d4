// Request and answer schemas of /api/game-servers (docs/game-servers.md); the answers' types are
// part of the API contract (src/contract).
import { z } from 'zod';
import { pageQuery } from '../../../http/schemas';

export const gameServerBody = z
  .object({
    name: z.string().trim().min(1).max(255).optional(),
    game: z.string().trim().min(1).max(64),
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9._:[\]-]+$/, 'expected a host name or an IP address'),
    /** The game port (what players connect to). */
    port: z.number().int().min(1).max(65535).optional(),
    /** The port the server answers queries on, when it is not the one the game's rules give. */
    queryPort: z.number().int().min(1).max(65535).optional(),
    provider: z.enum(['query', 'mcsrvstat']).optional(),
  })
  .strict();

const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const samplesQuery = pageQuery.extend({
  since: isoTime.optional(),
  until: isoTime.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const gameEventsQuery = pageQuery.extend({ serverId: z.string().min(1).optional() });

const uptimeWindowSchema = z.object({
  /** Online samples over all samples of the window, in percent (two decimals); null without samples. */
  percent: z.number().nullable(),
  samples: z.number().int(),
  onlineSamples: z.number().int(),
});

export const uptimeSchema = z.object({
  until: z.string(),
  h24: uptimeWindowSchema,
  d7: uptimeWindowSchema,
  d30: uptimeWindowSchema,
});

export const gameServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  game: z.string(),
  host: z.string(),
  port: z.number().int(),
  queryPort: z.number().int(),
  provider: z.enum(['query', 'mcsrvstat']),
  online: z.boolean().nullable(),
  playersOnline: z.number().int().nullable(),
  playersMax: z.number().int().nullable(),
  motd: z.string().nullable(),
  version: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  checkedAt: z.string().nullable(),
  error: z.string().optional(),
  statusChangedAt: z.string().nullable(),
  sourceCheckedAt: z.string().nullable(),
  demo: z.boolean(),
  /** The players the last poll named (often a sample of those online); null when it named none. */
  players: z.array(z.object({ name: z.string(), id: z.string().optional() })).nullable(),
  protocol: z.object({ version: z.number().int().nullable(), name: z.string().nullable() }).nullable(),
  /** The server's icon as a data URI, when it has one. */
  icon: z.string().nullable(),
  /** On GET /api/game-servers/{id} only. */
  uptime: uptimeSchema.optional(),
});

export const sampleSchema = z.object({
  checkedAt: z.string(),
  online: z.boolean(),
  playersOnline: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  playersMax: z.number().int().nullable(),
  error: z.string().optional(),
  rollup: z.object({ samples: z.number().int(), onlineSamples: z.number().int(), playersPeak: z.number().int().nullable() }).optional(),
});

export const gameEventSchema = z.object({
  id: z.number().int(),
  serverId: z.string(),
  serverName: z.string(),
  at: z.string(),
  online: z.boolean(),
  message: z.string(),
  processInstanceId: z.string().nullable(),
  delivery: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
