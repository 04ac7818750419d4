// Process instances: list, read and history (a non-admin sees the instances it started and those
// where it has or had a task), and cancel (admin or whoever started it).
import { AppError } from '../errors/app-error';
import type { InstanceFilter } from '../store/instance-store';
import type { HistoryRecord, InstanceRecord, Page, PageQuery } from '../store/types';
import { instanceListScope, mayDriveInstance, maySeeInstance, requireCancel, type Actor } from './access';
import type { AppContext } from './context';
import type { CommittedInstance, InstanceWithIncidents } from './records';

/** Enough tasks of one instance to decide whether a user has one there. */
const TASKS_PER_INSTANCE = 500;

export class Instances {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor, filter: InstanceFilter, page: PageQuery): Promise<Page<InstanceWithIncidents>> {
    const result = await this.ctx.store.instances.list({ ...filter, ...instanceListScope(actor) }, page);
    const counts = await this.ctx.store.instances.openIncidentCounts(result.items.map((i) => i.id));
    return { items: result.items.map((instance) => ({ instance, incidents: counts.get(instance.id) ?? 0 })), total: result.total };
  }

  /** An instance the caller may see; 404 otherwise (whether it exists is not revealed). */
  async visible(actor: Actor, id: string): Promise<InstanceRecord> {
    const instance = await this.ctx.store.instances.get(id);
    const seen =
      instance &&
      (await maySeeInstance(
        actor,
        instance,
        async () => (await this.ctx.store.tasks.list({ processInstanceId: id }, { limit: TASKS_PER_INSTANCE, offset: 0 })).items,
      ));
    if (!instance || !seen) throw new AppError('INSTANCE_NOT_FOUND', `process instance <${id}> does not exist`);
    return instance;
  }

  /** Whether the caller may move this instance on by a message aimed at it (access.ts: mayDriveInstance). */
  async mayDrive(actor: Actor, id: string): Promise<boolean> {
    const instance = await this.ctx.store.instances.get(id);
    if (!instance) return false;
    const openTasks = async () => (await this.ctx.store.tasks.list({ processInstanceId: id, state: 'open' }, { limit: TASKS_PER_INSTANCE, offset: 0 })).items;
    return mayDriveInstance(actor, instance, openTasks);
  }

  async get(actor: Actor, id: string): Promise<InstanceWithIncidents> {
    return this.withIncidents(await this.visible(actor, id));
  }

  async history(actor: Actor, id: string): Promise<HistoryRecord[]> {
    const instance = await this.visible(actor, id);
    return this.ctx.store.history.forInstance(instance.id);
  }

  async cancel(actor: Actor, id: string): Promise<InstanceRecord> {
    const instance = await this.visible(actor, id);
    requireCancel(actor, instance);
    return this.ctx.events.cancel(instance.id, actor.name);
  }

  /**
   * An event's answer (start, complete, retry): the open-incident count its own transaction read,
   * so nothing is queried after the commit — a dropped connection then cannot turn committed work
   * into an error.
   */
  answer(committed: CommittedInstance): InstanceWithIncidents {
    const { openIncidents, ...instance } = committed;
    return { instance, incidents: openIncidents };
  }

  /** A read instance with its open incidents, counted now. */
  async withIncidents(instance: InstanceRecord): Promise<InstanceWithIncidents> {
    const counts = await this.ctx.store.instances.openIncidentCounts([instance.id]);
    return { instance, incidents: counts.get(instance.id) ?? 0 };
  }
}
