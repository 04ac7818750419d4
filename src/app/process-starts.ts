// Starting an instance of the latest version of a definition, for every caller that starts one:
// a person over the API, a business area, a schedule, a message start event.
import { AppError } from '../errors/app-error';
import type { CommittedInstance, StartHow, StartInput } from '../engine/event-runner';
import type { AnswerWrite, InstanceRecord } from '../store/types';
import { requireStart, type Actor } from './access';
import type { AppContext } from './context';

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
}
