// Query schemas of the cockpit's stats routes (kept apart from schemas.ts, which the core owns).
import { z } from 'zod';
import { timeProblem } from './input-limits';

/** A time the database can compare against: parseable and within the years TIME_YEARS allows. */
const isoTime = z.string().superRefine((s, ctx) => {
  const problem = timeProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const statsQuery = z.object({ definitionKey: z.string().min(1).optional() });

export const timelineQuery = statsQuery.extend({
  bucket: z.enum(['hour', 'day']).default('hour'),
  since: isoTime.optional(),
  until: isoTime.optional(),
});

/** GET /api/stats/activities: one definition (latest version unless `version`), history since `since` (default: 30 days). */
export const activityStatsQuery = z.object({
  definitionKey: z.string().min(1).max(255),
  version: z.coerce.number().int().min(1).optional(),
  since: isoTime.optional(),
});

const durationSummary = z.object({ count: z.number().int(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), maxMs: z.number().nullable() });

export const activityStatsSchema = z.object({
  activityId: z.string(),
  activityName: z.string().nullable(),
  type: z.string().nullable(),
  running: z.number().int(),
  completed: z.number().int(),
  incidents: z.number().int(),
  duration: durationSummary,
});

export const activityStatsAnswerSchema = z.object({
  definitionKey: z.string(),
  version: z.number().int().nullable(),
  since: z.string(),
  items: z.array(activityStatsSchema),
  total: z.number().int(),
  /** History rows read for the durations; truncated when the sample stopped at its bound. */
  sampled: z.number().int(),
  truncated: z.boolean(),
});
