// Starting an instance of the latest version of a definition, for every caller that starts one:
// a person over the API, a business area, a schedule, a message or signal start event.
import crypto from 'node:crypto';
import { AppError } from '../errors/app-error';
import { signalStartsOf } from '../engine/elements';
import type { CommittedInstance, StartHow, StartInput } from '../engine/event-runner';
import type { AnswerWrite, DefinitionInfo, DefinitionRecord, InstanceRecord } from '../store/types';
import { requireSignalStart, requireStart, type Actor } from './access';
import type { AppContext } from './context';

type SignalStart = NonNullable<DefinitionInfo['signalStarts']>[number];

export class ProcessStarts {
  constructor(private readonly ctx: AppContext) {}

  /** Starts the latest version of `key` at its none start event (or its timer start, for a schedule). */
  async startLatest(key: string, input: StartInput, actor: Actor | null, how: StartHow = {}): Promise<CommittedInstance> {
    const record = await this.ctx.store.definitions.getLatest(key);
    if (!record) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the key <${key}>`);
    const bySchedule = how.fireStartTimers === true;
    if (!record.executable || (!record.startable && !bySchedule)) {
      throw new AppError(
        'DEFINITION_NOT_EXECUTABLE',
        `process definition <${key}> version ${record.version} cannot be started: ${record.executable ? 'it has no none start event' : 'it is not executable'}`,
      );
    }
    if (actor) requireStart(actor, record);
    const definition = await this.ctx.registry.get(record.id);
    return this.ctx.events.start(definition, input, actor?.name ?? null, how);
  }

  /** Starts this version of a definition (by its id) at its none start event. */
  async startById(id: string, input: StartInput, actor: Actor): Promise<CommittedInstance> {
    const record = await this.ctx.store.definitions.getById(id);
    if (!record) throw new AppError('DEFINITION_NOT_FOUND', `no process definition has the id <${id}>`);
    if (!record.executable || !record.startable) {
      throw new AppError(
        'DEFINITION_NOT_EXECUTABLE',
        `process definition <${record.key}> version ${record.version} cannot be started: ${record.executable ? 'it has no none start event' : 'it is not executable'}`,
      );
    }
    requireStart(actor, record);
    const definition = await this.ctx.registry.get(record.id);
    return this.ctx.events.start(definition, input, actor.name);
  }

  /** Starts the latest definition with a message start event of this name; null when there is none. */
  async startByMessage(messageName: string, input: StartInput, actor: Actor | null, answerWrites: AnswerWrite[] = []): Promise<InstanceRecord | null> {
    const latest = await this.ctx.store.definitions.list(false);
    const record = latest.find((d) => d.executable && d.info.messageStarts?.some((m) => m.name === messageName));
    if (!record) return null;
    if (actor) requireStart(actor, record);
    const start = record.info.messageStarts.find((m) => m.name === messageName);
    const definition = await this.ctx.registry.get(record.id);
    return this.ctx.events.start(definition, input, actor?.name ?? null, {
      message: { messageId: start?.messageId ?? messageName, variables: input.variables ?? {} },
      answerWrites,
    });
  }

  /**
   * Starts the latest version of every definition with a top-level signal start event of this
   * name, one instance each with the signal's variables, as Camunda 7 does; a definition whose
   * latest version has none is not started (a new version replaces the old one's subscription).
   * `once` (a thrown signal's job id) makes each start happen once per definition however often
   * that job runs: the instance's id is derived from the job and the key, so a job run again
   * after a crash finds the instance it started already there. Answers the instances it started.
   */
  async startBySignal(signalName: string, variables: Record<string, unknown>, actor: Actor | null, once?: string): Promise<InstanceRecord[]> {
    if (actor) requireSignalStart(actor);
    const started: InstanceRecord[] = [];
    for (const record of await this.ctx.store.definitions.list(false)) {
      if (!record.executable) continue;
      const start = (await this.signalStarts(record)).find((s) => s.name === signalName);
      if (!start) continue;
      const id = once === undefined ? undefined : signalStartId(once, record.key);
      if (id !== undefined && (await this.ctx.store.instances.get(id))) continue;
      const definition = await this.ctx.registry.get(record.id);
      started.push(
        await this.ctx.events.start(definition, { variables }, actor?.name ?? null, {
          signal: { signalId: start.signalId, activityId: start.activityId, variables },
          ...(id !== undefined ? { id } : {}),
        }),
      );
    }
    return started;
  }

  /** A version deployed before signal starts were recorded has them read from its model. */
  private async signalStarts(record: DefinitionRecord): Promise<SignalStart[]> {
    if (record.info.signalStarts) return record.info.signalStarts;
    if (!record.info.signals?.length) return [];
    const definition = await this.ctx.registry.get(record.id);
    return signalStartsOf(definition.activities, record.info.processId);
  }
}

/** The id of the instance a thrown signal's job starts of a definition: the same every time that job runs. */
function signalStartId(jobId: string, key: string): string {
  const h = crypto.createHash('sha256').update(`signal-start\u0000${jobId}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
