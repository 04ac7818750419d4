// Incidents (admin): list them, and retry the failed step — once: a second retry of the same
// incident gets 409 INCIDENT_NOT_OPEN. A retry may say how many attempts the failed task gets
// (`retries`); a bulk retry runs each incident's retry as its own event and answers per id.
import { AppError } from '../errors/app-error';
import { setExternalTaskRetries } from '../store/incident-retry-store';
import type { AnswerWrite, IncidentRecord, Page, PageQuery } from '../store/types';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';

/** One id's answer of a bulk retry: retried (with the instance as it ran on), or the problem's code. */
export type BulkRetryResult =
  { id: string; status: 'retried'; result: InstanceWithIncidents } | { id: string; status: 'failed'; code: string; httpStatus: number; detail: string };

export class Incidents {
  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
  ) {}

  list(actor: Actor, filter: { state?: string; processInstanceId?: string }, page: PageQuery): Promise<Page<IncidentRecord>> {
    requireCapability(actor, 'incidents');
    return this.ctx.store.incidents.list(filter, page);
  }

  /**
   * Runs the failed step again. With `retries` (≥ 1), a failing service task runs that many times
   * in all before an incident waits again; an external task waits for its worker with that many
   * retries (the worker counts them down). Without it, one run and no automatic retries.
   */
  async retry(actor: Actor, id: string, retries?: number): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'incidents');
    const incident = await this.ctx.store.incidents.get(id);
    if (!incident) throw new AppError('INCIDENT_NOT_FOUND', `incident <${id}> does not exist`);
    if (incident.state !== 'open') throw new AppError('INCIDENT_NOT_OPEN', `incident <${id}> is ${incident.state}`);
    const answerWrites: AnswerWrite[] = [];
    if (retries !== undefined && incident.activityId && (await this.isExternal(incident))) {
      const activityId = incident.activityId;
      answerWrites.push((trx) => setExternalTaskRetries(trx, incident.processInstanceId, activityId, retries));
    }
    const committed = await this.ctx.events.retryIncident(incident, actor.name, { ...(retries !== undefined ? { attempts: retries } : {}), answerWrites });
    return this.instances.answer(committed);
  }

  /** Retries each incident as its own event, in the order given; one failing does not stop the others. */
  async retryMany(actor: Actor, ids: string[], retries?: number): Promise<BulkRetryResult[]> {
    requireCapability(actor, 'incidents');
    const out: BulkRetryResult[] = [];
    for (const id of ids) {
      try {
        out.push({ id, status: 'retried', result: await this.retry(actor, id, retries) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out.push({ id, status: 'failed', code: err.code, httpStatus: err.status, detail: err.detail });
      }
    }
    return out;
  }

  private async isExternal(incident: IncidentRecord): Promise<boolean> {
    const instance = await this.ctx.store.instances.get(incident.processInstanceId);
    if (!instance || !incident.activityId) return false;
    const definition = await this.ctx.registry.get(instance.definitionId);
    return definition.activities.get(incident.activityId)?.topic !== undefined;
  }
}
