// The job list (admin, ops): what waits to run at a time — BPMN timers, service-task retries and
// scheduled starts — with its due time in service time, its instance and activity, the attempts
// so far and the last error. Read-only: the job executor (src/jobs) carries the jobs out.
import type { JobKind, JobListFilter } from '../store/job-store';
import type { Page, PageQuery } from '../store/types';
import { requireJobList, type Actor } from './access';
import type { AppContext } from './context';

export interface JobListEntry {
  id: string;
  kind: JobKind;
  dueAt: string;
  processInstanceId: string | null;
  definitionKey: string | null;
  businessKey: string | null;
  activityId: string | null;
  activityName: string | null;
  /** For a service-task retry, the attempt it will be; otherwise how often carrying it out failed so far. */
  attempts: number;
  lastError: string | null;
}

export class JobList {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor, filter: JobListFilter, page: PageQuery): Promise<Page<JobListEntry>> {
    requireJobList(actor);
    const result = await this.ctx.store.jobs.page(filter, page);
    const names = new Map<string, Map<string, string | null>>();
    const nameOf = async (definitionId: string | null, activityId: string | null): Promise<string | null> => {
      if (!definitionId || !activityId) return null;
      let byActivity = names.get(definitionId);
      if (!byActivity) {
        byActivity = new Map();
        try {
          const definition = await this.ctx.registry.get(definitionId);
          for (const [id, meta] of definition.activities) byActivity.set(id, meta.name);
        } catch {
          // A definition that cannot be loaded any more leaves its activities unnamed.
        }
        names.set(definitionId, byActivity);
      }
      return byActivity.get(activityId) ?? null;
    };
    const items: JobListEntry[] = [];
    for (const job of result.items) {
      const payloadError = typeof job.payload.lastError === 'string' ? job.payload.lastError : null;
      items.push({
        id: job.id,
        kind: job.kind,
        dueAt: job.dueAt,
        processInstanceId: job.processInstanceId,
        definitionKey: job.definitionKey ?? (typeof job.payload.processKey === 'string' ? job.payload.processKey : null),
        businessKey: job.businessKey,
        activityId: job.activityId,
        activityName: await nameOf(job.definitionId, job.activityId),
        attempts: job.kind === 'service-retry' ? Number(job.payload.attempt ?? 2) - 1 + job.attempts : job.attempts,
        lastError: job.lastError ?? payloadError,
      });
    }
    return { items, total: result.total };
  }
}
