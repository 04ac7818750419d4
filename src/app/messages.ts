// Messages (correlated by instance id, business key or correlation keys; a message start event
// starts a new instance) and signals (to every instance waiting for one). A message aimed at an
// instance (by id or business key) reaches it only if the caller may drive it — another owner's
// instance is as if nothing waited there; a message aimed at nobody reaches waiting instances
// only for a broadcaster (else it can only start a definition the caller may start); a signal
// needs a broadcaster (access.ts), and starts every definition with a signal start event of its
// name besides reaching the waiting instances.
import { AppError } from '../errors/app-error';
import { isAdmin, mayBroadcast, requireCapability, type Actor } from './access';
import type { AppContext } from './context';
import type { Idempotency } from './idempotency';
import type { Instances } from './instances';
import type { ProcessStarts } from './process-starts';

export interface MessageInput {
  messageName: string;
  processInstanceId?: string;
  businessKey?: string;
  correlationKeys?: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

export class Messages {
  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
    private readonly starts: ProcessStarts,
    private readonly idempotency: Idempotency,
  ) {}

  /**
   * The ids of the instances the message reached (or the one it started). With an idempotency
   * key it must reach one instance at most (its one event stores the answer); a repeat answers
   * the first correlation. `outcome.started` tells whether the message started a new instance.
   */
  async correlate(actor: Actor, input: MessageInput, idempotencyKey?: string, outcome?: { started?: boolean }): Promise<string[]> {
    return this.idempotency.once<string[]>(actor, idempotencyKey, `message ${input.messageName}`, input, async (record) => {
      const variables = input.variables ?? {};
      const subs = await this.ctx.store.subscriptions.find('message', input.messageName, {
        ...(input.processInstanceId ? { processInstanceId: input.processInstanceId } : {}),
        ...(input.businessKey ? { businessKey: input.businessKey } : {}),
      });
      const targeted = Boolean(input.processInstanceId || input.businessKey);
      const targets = targeted || mayBroadcast(actor) ? await this.reachable(actor, subs) : new Map<string, string>();
      if (idempotencyKey !== undefined && targets.size > 1) {
        throw new AppError(
          'VALIDATION_FAILED',
          `message <${input.messageName}> would reach ${targets.size} instances; with an Idempotency-Key it must reach one: give processInstanceId`,
          {
            errors: [{ pointer: '/processInstanceId', message: 'required with an Idempotency-Key when several instances wait' }],
          },
        );
      }
      const answer = record((a) => [a.instance.id]);
      const correlated: string[] = [];
      for (const [instanceId, elementRef] of targets) {
        if (await this.ctx.events.deliver(instanceId, 'message', elementRef, variables, actor.name, input.correlationKeys, answer)) correlated.push(instanceId);
      }
      if (correlated.length) return correlated;
      if (!input.processInstanceId) {
        const started = await this.starts.startByMessage(input.messageName, { variables, businessKey: input.businessKey ?? null }, actor, answer);
        if (started) {
          if (outcome) outcome.started = true;
          return [started.id];
        }
      }
      throw new AppError('MESSAGE_NOT_CORRELATED', `nothing waits for message <${input.messageName}>${describeTarget(input)}`);
    });
  }

  /**
   * How many instances the signal reached or started: it goes to every instance waiting for it,
   * then starts one instance of each definition with a signal start event of its name (as
   * Camunda 7, an instance started now does not get the signal a second time).
   */
  async signal(actor: Actor, signalName: string, variables: Record<string, unknown>): Promise<number> {
    requireCapability(actor, 'broadcast');
    const subs = await this.ctx.store.subscriptions.find('signal', signalName);
    let delivered = 0;
    for (const [instanceId, elementRef] of await this.reachable(actor, subs)) {
      if (await this.ctx.events.deliver(instanceId, 'signal', elementRef, variables, actor.name)) delivered++;
    }
    return delivered + (await this.starts.startBySignal(signalName, variables, actor)).length;
  }

  /**
   * A signal a throw event of instance `thrownBy` sent (the `signal` job `jobId`): delivered, as
   * POST /api/signals delivers one, to every other instance waiting for that name, and starting
   * every definition with a signal start event of that name (the thrower's own included, as in
   * Camunda 7). Each delivery and each start is an event of its own; a job given back after a
   * failure delivers again to the instances still waiting (at least once) but starts no
   * definition a second time (see ProcessStarts.startBySignal). Answers how many instances it
   * reached or started.
   */
  async deliverThrownSignal(signalName: string, thrownBy: string | null, jobId: string): Promise<number> {
    const subs = await this.ctx.store.subscriptions.find('signal', signalName);
    const targets = new Map<string, string>();
    for (const s of subs) if (s.processInstanceId !== thrownBy && !targets.has(s.processInstanceId)) targets.set(s.processInstanceId, s.elementRef);
    let delivered = 0;
    for (const [instanceId, elementRef] of targets) {
      if (await this.ctx.events.deliver(instanceId, 'signal', elementRef, {}, null)) delivered++;
    }
    return delivered + (await this.starts.startBySignal(signalName, {}, null, jobId)).length;
  }

  /** One element per instance, only the instances this caller may drive. */
  private async reachable(actor: Actor, subs: Array<{ processInstanceId: string; elementRef: string }>): Promise<Map<string, string>> {
    const targets = new Map<string, string>();
    for (const s of subs) if (!targets.has(s.processInstanceId)) targets.set(s.processInstanceId, s.elementRef);
    if (isAdmin(actor) || mayBroadcast(actor)) return targets;
    for (const id of [...targets.keys()]) if (!(await this.instances.mayDrive(actor, id))) targets.delete(id);
    return targets;
  }
}

function describeTarget(input: MessageInput): string {
  if (input.processInstanceId) return ` in instance <${input.processInstanceId}>`;
  if (input.businessKey) return ` with business key <${input.businessKey}>`;
  if (input.correlationKeys) return ` with correlation keys ${JSON.stringify(input.correlationKeys)}`;
  return '';
}
