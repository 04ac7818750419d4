// An operator repairs a running instance: sets or deletes a process variable (admin; the
// conditional events waiting there look at their conditions again in the same event), or triggers
// an activity that waits with no message of its own (admin, ops). Each change is one event of the
// event runner — the engine's state, the instance row and a history row saying who changed what
// (old → new, at service time) commit in one transaction.
import { AppError } from '../errors/app-error';
import { deleteVariable, reevaluateConditions, setVariables, triggerActivity, waitingActivities } from '../engine/instance-repair';
import { HistoryStore } from '../store/history-store';
import type { HistoryRecord, InstanceRecord, TransactionWrite } from '../store/types';
import { mayTriggerAny, requireTrigger, requireVariableEdit, type Actor } from './access';
import type { AppContext } from './context';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';

/** Names the engine keeps for its own message parts: never process variables (shared-variables.ts). */
const RESERVED = new Set(['fields', 'content', 'properties']);

export class InstanceVariables {
  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
  ) {}

  /** Sets one variable; conditional events waiting on it are evaluated in the same event. */
  async set(actor: Actor, instanceId: string, name: string, value: unknown): Promise<InstanceWithIncidents> {
    checkName(name);
    const instance = await this.running(actor, instanceId);
    requireVariableEdit(actor, instance);
    const committed = await this.ctx.events.change(instance.id, async (runner) => {
      const had = Object.prototype.hasOwnProperty.call(runner.variables, name);
      const old = runner.variables[name];
      setVariables(runner, { [name]: value });
      await reevaluateConditions(runner, actor.name);
      return [this.record(instance, actor, 'variable-set', { name, ...(had ? { oldValue: old } : {}), newValue: value })];
    });
    return this.instances.answer(committed);
  }

  /** Deletes one variable (404 VARIABLE_NOT_FOUND when the instance has none of that name). */
  async delete(actor: Actor, instanceId: string, name: string): Promise<InstanceWithIncidents> {
    checkName(name);
    const instance = await this.running(actor, instanceId);
    requireVariableEdit(actor, instance);
    const committed = await this.ctx.events.change(instance.id, async (runner) => {
      if (!Object.prototype.hasOwnProperty.call(runner.variables, name))
        throw new AppError('VARIABLE_NOT_FOUND', `process instance <${instance.id}> has no variable <${name}>`);
      const old = runner.variables[name];
      deleteVariable(runner, name);
      await reevaluateConditions(runner, actor.name);
      return [this.record(instance, actor, 'variable-delete', { name, oldValue: old })];
    });
    return this.instances.answer(committed);
  }

  /**
   * Triggers the activity waiting at `activityId` (Camunda's runtimeService.signal): it ends and
   * the instance runs on, with `variables` set first. 409 ACTIVITY_NOT_WAITING when no token waits
   * there, ACTIVITY_NOT_TRIGGERABLE for a wait answered another way (a user task, a worker's task).
   */
  async trigger(actor: Actor, instanceId: string, activityId: string, variables: Record<string, unknown>): Promise<InstanceWithIncidents> {
    for (const name of Object.keys(variables)) checkName(name);
    const instance = await this.running(actor, instanceId, mayTriggerAny(actor));
    requireTrigger(actor, instance);
    const committed = await this.ctx.events.change(instance.id, async (runner) => {
      const waiting = waitingActivities(runner);
      const result = await triggerActivity(runner, activityId, variables, actor.name);
      if (!result.triggered) {
        if (result.reason === 'not-waiting') {
          const where = waiting.map((w) => w.activityId).join('>, <');
          throw new AppError(
            'ACTIVITY_NOT_WAITING',
            `activity <${activityId}> does not wait in process instance <${instance.id}>; it waits at ${where ? `<${where}>` : 'nothing'}`,
          );
        }
        throw new AppError(
          'ACTIVITY_NOT_TRIGGERABLE',
          `activity <${activityId}> of process instance <${instance.id}> is a ${String(result.type).replace('bpmn:', '')}: it is not triggered, it is answered through its own route`,
        );
      }
      const name = waiting.find((w) => w.activityId === activityId)?.activityName ?? null;
      const type = waiting.find((w) => w.activityId === activityId)?.type ?? null;
      return [this.record(instance, actor, 'activity-trigger', Object.keys(variables).length ? { variables } : null, { activityId, activityName: name, type })];
    });
    return this.instances.answer(committed);
  }

  /**
   * An instance the caller may see (or, `anyInstance`, any instance) that can still change: 404
   * otherwise, 409 INSTANCE_ENDED once it ended.
   */
  private async running(actor: Actor, id: string, anyInstance = false): Promise<InstanceRecord> {
    const found = anyInstance ? await this.ctx.store.instances.get(id) : undefined;
    const instance = found ?? (await this.instances.visible(actor, id));
    if (instance.state !== 'running') throw new AppError('INSTANCE_ENDED', `process instance <${id}> is ${instance.state}`);
    return instance;
  }

  private record(
    instance: InstanceRecord,
    actor: Actor,
    event: string,
    details: Record<string, unknown> | null,
    activity: { activityId: string | null; activityName: string | null; type: string | null } = { activityId: null, activityName: null, type: 'process' },
  ): TransactionWrite {
    const entry: HistoryRecord = { at: this.ctx.clock.now().toISOString(), ...activity, event, by: actor.name, details };
    return (trx) => HistoryStore.recordChange(trx, instance, entry);
  }
}

function checkName(name: string): void {
  if (!name || name.length > 255 || RESERVED.has(name)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `variable name <${name}> is not allowed: expected 1 to 255 characters, not one of <${[...RESERVED].join('>, <')}>`,
      {
        errors: [{ pointer: '/name', message: 'not an allowed variable name' }],
      },
    );
  }
}
