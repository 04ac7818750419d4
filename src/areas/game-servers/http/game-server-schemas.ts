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
    port: z.number().int().min(1).max(65535).optional(),
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

export const gameServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  game: z.string(),
  host: z.string(),
  port: z.number().int(),
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
