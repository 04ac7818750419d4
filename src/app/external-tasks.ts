// External tasks: service tasks whose topic has no handler in code, done by an external worker
// (group `workers`, or admin) that lists them by topic and completes them with output variables.
import { AppError } from '../errors/app-error';
import type { ExternalTaskRecord, Page, PageQuery } from '../store/types';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';
import type { Idempotency } from './idempotency';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';

export class ExternalTasks {
  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
    private readonly idempotency: Idempotency,
  ) {}

  list(actor: Actor, filter: { topic?: string; processInstanceId?: string }, page: PageQuery): Promise<Page<ExternalTaskRecord>> {
    requireCapability(actor, 'external-tasks');
    return this.ctx.store.externalTasks.list(filter, page);
  }

  /** Completes it once: of two completions, one answers and the other gets 409 EXTERNAL_TASK_DONE. */
  async complete(actor: Actor, id: string, variables: Record<string, unknown>, idempotencyKey?: string): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'external-tasks');
    return this.idempotency.once<InstanceWithIncidents>(actor, idempotencyKey, `complete external task ${id}`, variables, async (record) => {
      const task = await this.ctx.store.externalTasks.get(id);
      if (!task) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> does not exist`);
      if (task.completedAt) {
        throw new AppError('EXTERNAL_TASK_DONE', `external task <${id}> was completed at ${task.completedAt} by <${task.completedBy ?? 'unknown'}>`);
      }
      const answer = record((a) => ({ instance: a.instance, incidents: a.openIncidents }));
      return this.instances.withIncidents(await this.ctx.events.completeExternalTask(task, variables, actor.name, answer));
    });
  }
}
