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
