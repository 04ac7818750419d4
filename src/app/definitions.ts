// Deployments and process definitions: deploy BPMN (admin), list and read definitions and their
// XML, and start an instance of the latest version.
import { AppError } from '../errors/app-error';
import type { Deployer, DeployResult } from '../engine/deployer';
import type { StartInput } from '../engine/event-runner';
import type { DefinitionRecord } from '../store/types';
import { requireCapability, type Actor } from './access';
import type { AppContext } from './context';
import type { Idempotency } from './idempotency';
import type { Instances } from './instances';
import type { ProcessStarts } from './process-starts';
import type { InstanceWithIncidents } from './records';

export class Definitions {
  constructor(
    private readonly ctx: AppContext,
    private readonly deployer: Deployer,
    private readonly starts: ProcessStarts,
    private readonly instances: Instances,
    private readonly idempotency: Idempotency,
  ) {}

  async deploy(actor: Actor, docs: Array<{ name: string; content: Buffer }>): Promise<DeployResult[]> {
    requireCapability(actor, 'deploy');
    const results: DeployResult[] = [];
    for (const doc of docs) results.push(await this.deployer.deploy(doc.content, doc.name));
    return results;
  }

  list(allVersions: boolean): Promise<DefinitionRecord[]> {
    return this.ctx.store.definitions.list(allVersions);
  }

  async latest(key: string): Promise<DefinitionRecord> {
    const def = await this.ctx.store.definitions.getLatest(key);
    if (!def) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the key <${key}>`);
    return def;
  }

  /** One version of a definition, by its id. */
  async byId(id: string): Promise<DefinitionRecord> {
    const def = await this.ctx.store.definitions.getById(id);
    if (!def) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the id <${id}>`);
    return def;
  }

  /** The BPMN of the latest (or the given) version, as deployed. */
  async xml(key: string, version?: number): Promise<string> {
    const def = version ? await this.ctx.store.definitions.getVersion(key, version) : await this.latest(key);
    if (!def) throw new AppError('DEFINITION_NOT_FOUND', `no version ${version} of process definition <${key}>`);
    const xml = await this.ctx.store.definitions.getXml(def.id);
    if (xml === undefined) throw new AppError('DEFINITION_NOT_FOUND', `process definition <${key}> has no stored XML`);
    return xml;
  }

  /** Starts an instance; with an idempotency key, at most once (a repeat answers the first start). */
  async start(actor: Actor, key: string, input: StartInput, idempotencyKey?: string): Promise<InstanceWithIncidents> {
    return this.idempotency.once<InstanceWithIncidents>(actor, idempotencyKey, `start ${key}`, input, async (record) => {
      const instance = await this.starts.startLatest(key, input, actor, {
        answerWrites: record((a) => ({ instance: a.instance, incidents: a.openIncidents })),
      });
      return this.instances.answer(instance);
    });
  }

  /** Starts an instance of this version of a definition (by its id), as Camunda's start by id. */
  async startById(actor: Actor, id: string, input: StartInput): Promise<InstanceWithIncidents> {
    return this.instances.answer(await this.starts.startById(id, input, actor));
  }
}
