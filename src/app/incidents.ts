// Incidents (admin): list them, and retry the failed step — once: a second retry of the same
// incident gets 409 INCIDENT_NOT_OPEN.
import { AppError } from '../errors/app-error';
import type { IncidentRecord, Page, PageQuery } from '../store/types';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';

export class Incidents {
  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
  ) {}

  list(actor: Actor, filter: { state?: string; processInstanceId?: string }, page: PageQuery): Promise<Page<IncidentRecord>> {
    requireCapability(actor, 'incidents');
    return this.ctx.store.incidents.list(filter, page);
  }

  async retry(actor: Actor, id: string): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'incidents');
    const incident = await this.ctx.store.incidents.get(id);
    if (!incident) throw new AppError('INCIDENT_NOT_FOUND', `incident <${id}> does not exist`);
    if (incident.state !== 'open') throw new AppError('INCIDENT_NOT_OPEN', `incident <${id}> is ${incident.state}`);
    return this.instances.answer(await this.ctx.events.retryIncident(incident, actor.name));
  }
}
