// Query schemas of the cockpit's stats routes (kept apart from schemas.ts, which the core owns).
import { z } from 'zod';

const isoTime = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), { message: 'expected an ISO 8601 time' });

export const statsQuery = z.object({ definitionKey: z.string().min(1).optional() });

export const timelineQuery = statsQuery.extend({
  bucket: z.enum(['hour', 'day']).default('hour'),
  since: isoTime.optional(),
  until: isoTime.optional(),
});
