// External tasks: service tasks whose topic has no handler in code, done by an external worker
// (group `workers`, or admin). Through /api a worker lists them by topic and completes them;
// through /engine-rest it follows Camunda 7's worker contract: fetch and lock (with long polling),
// complete, report a failure (retries, then an incident) or a BPMN error, extend or give up a lock.
import { AppError } from '../errors/app-error';
import type { ExternalTaskFilter, ExternalTaskRecord, LockTopic, Page, PageQuery } from '../store/types';
import { requireCapability, requireLockHolder, type Actor } from './access';
import type { AppContext } from './context';
import type { Idempotency } from './idempotency';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';

/**
 * The longest long poll: Camunda refuses an asyncResponseTimeout above 30 minutes
 * (https://docs.camunda.org/manual/7.13/reference/rest/external-task/fetch/).
 */
export const MAX_LONG_POLL_MS = 1_800_000;
/** A long poll looks again at least this often (tasks of other nodes, locks expiring, retry timeouts). */
const RECHECK_MS = 1000;

export interface FetchTopic extends LockTopic {
  /** Names of the variables to answer with (undefined: all). */
  variables?: string[];
  /** Only the task's local variables (its camunda:inputOutput inputs). */
  localVariables?: boolean;
}

export interface FetchRequest {
  workerId: string;
  maxTasks: number;
  usePriority: boolean;
  /** Long polling: wait up to this many ms for a task when none is free now. */
  asyncResponseTimeoutMs?: number;
  topics: FetchTopic[];
}

export interface LockedExternalTask {
  task: ExternalTaskRecord;
  variables: Record<string, unknown>;
}

export interface FailureReport {
  workerId: string;
  errorMessage?: string | null;
  errorDetails?: string | null;
  /** 0 (also when absent, as Camunda's primitive default): an incident instead of a retry. */
  retries: number;
  /** Service-clock ms before the task may be fetched again. */
  retryTimeoutMs: number;
}

export class ExternalTasks {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
    private readonly idempotency: Idempotency,
  ) {
    ctx.events.onExternalTasksChanged(() => this.wake());
  }

  list(actor: Actor, filter: ExternalTaskFilter, page: PageQuery): Promise<Page<ExternalTaskRecord>> {
    requireCapability(actor, 'external-tasks');
    return this.ctx.store.externalTasks.list({ ...filter, now: this.now() }, page);
  }

  count(actor: Actor, filter: ExternalTaskFilter): Promise<number> {
    requireCapability(actor, 'external-tasks');
    return this.ctx.store.externalTasks.count({ ...filter, now: this.now() });
  }

  /** A task still waiting for a worker. */
  async get(actor: Actor, id: string): Promise<ExternalTaskRecord> {
    requireCapability(actor, 'external-tasks');
    return this.open(id);
  }

  /**
   * Completes it once: of two completions, one answers and the other gets 409 EXTERNAL_TASK_DONE.
   * While a worker's lock on it runs, only that worker (`workerId`) may complete it: anyone else
   * gets 409 EXTERNAL_TASK_LOCKED; a task nobody holds (never locked, or the lock expired) may be
   * completed by any worker.
   */
  async complete(actor: Actor, id: string, variables: Record<string, unknown>, idempotencyKey?: string, workerId?: string): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'external-tasks');
    return this.idempotency.once<InstanceWithIncidents>(actor, idempotencyKey, `complete external task ${id}`, variables, async (record) => {
      const task = await this.ctx.store.externalTasks.get(id);
      if (!task) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> does not exist`);
      if (task.completedAt) {
        throw new AppError('EXTERNAL_TASK_DONE', `external task <${id}> was completed at ${task.completedAt} by <${task.completedBy ?? 'unknown'}>`);
      }
      const now = this.now();
      if (task.workerId && task.lockExpiresAt && task.lockExpiresAt > now && task.workerId !== workerId) {
        throw new AppError(
          'EXTERNAL_TASK_LOCKED',
          `external task <${id}> is locked by worker <${task.workerId}> until ${task.lockExpiresAt}` +
            (workerId ? `; worker <${workerId}> may not complete it` : '; complete it with that workerId, or wait until the lock expires'),
        );
      }
      const answer = record((a) => ({ instance: a.instance, incidents: a.openIncidents }));
      return this.instances.answer(await this.ctx.events.completeExternalTask(task, variables, actor.name, answer));
    });
  }

  /**
   * Locks up to `maxTasks` free tasks of the topics for the worker. With a long-poll timeout and
   * none free, answers as soon as one is (a commit of this node wakes it; others are seen within
   * a second), or with none at the timeout.
   */
  async fetchAndLock(actor: Actor, req: FetchRequest, signal?: AbortSignal): Promise<LockedExternalTask[]> {
    requireCapability(actor, 'external-tasks');
    const deadline = Date.now() + Math.min(req.asyncResponseTimeoutMs ?? 0, MAX_LONG_POLL_MS);
    for (;;) {
      const seen = this.generation;
      const tasks = await this.ctx.store.externalTasks.lock(req.workerId, req.topics, this.now(), req.maxTasks, req.usePriority);
      if (tasks.length && signal?.aborted) {
        // The worker is gone: nobody will do these, so others may take them now.
        for (const t of tasks) await this.ctx.store.externalTasks.unlock(t.id);
        this.wake();
        return [];
      }
      if (tasks.length) return this.withVariables(tasks, req.topics);
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) return [];
      if (this.generation !== seen) continue;
      await this.waitForChange(Math.min(left, RECHECK_MS), signal);
    }
  }

  /** Completes a task locked by `workerId` (Camunda's complete): anyone else is refused. */
  async completeLocked(actor: Actor, id: string, workerId: string, variables: Record<string, unknown>): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'external-tasks');
    requireLockHolder(await this.open(id), workerId, 'completed');
    return this.complete(actor, id, variables, undefined, workerId);
  }

  /**
   * A worker's failure: with retries left, the lock ends and the task is fetchable again after
   * the retry timeout (service clock); with none, an incident opens at the task.
   */
  async failure(actor: Actor, id: string, report: FailureReport): Promise<void> {
    requireCapability(actor, 'external-tasks');
    const task = await this.open(id);
    requireLockHolder(task, report.workerId, 'failed');
    if (report.retries <= 0) {
      const message = report.errorMessage || `external task <${id}> failed at worker <${report.workerId}> with no retries left`;
      await this.ctx.events.failExternalTask(task, message, actor.name);
      return;
    }
    const retryAt = new Date(this.ctx.clock.now().getTime() + report.retryTimeoutMs).toISOString();
    const failure = { retries: report.retries, errorMessage: report.errorMessage ?? null, errorDetails: report.errorDetails ?? null, retryAt };
    if (!(await this.ctx.store.externalTasks.recordFailure(id, report.workerId, failure))) {
      requireLockHolder(await this.open(id), report.workerId, 'failed');
      throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> does not exist`);
    }
    this.wake();
  }

  /**
   * A worker's BPMN error: thrown at the task, for a boundary error event with that code, an
   * error event sub-process or a boundary event of an enclosing sub-process. Nothing catching it
   * ends the task's execution, or refuses the call (PROCFLOW_UNHANDLED_BPMN_ERROR=fail).
   */
  async bpmnError(
    actor: Actor,
    id: string,
    workerId: string,
    error: { code: string; message: string },
    variables: Record<string, unknown>,
  ): Promise<InstanceWithIncidents> {
    requireCapability(actor, 'external-tasks');
    const task = await this.open(id);
    requireLockHolder(task, workerId, 'reported a BPMN error for');
    return this.instances.answer(await this.ctx.events.throwBpmnErrorFromExternalTask(task, error, variables, actor.name));
  }

  /** A new lock duration from now (service time), for the worker holding the lock. */
  async extendLock(actor: Actor, id: string, workerId: string, newDurationMs: number): Promise<void> {
    requireCapability(actor, 'external-tasks');
    const now = this.ctx.clock.now().getTime();
    const until = new Date(now + newDurationMs).toISOString();
    if (await this.ctx.store.externalTasks.extendLock(id, workerId, new Date(now).toISOString(), until)) return;
    const task = await this.open(id);
    if (task.workerId === workerId) {
      throw new AppError('EXTERNAL_TASK_NOT_LOCKED_BY_WORKER', `external task <${id}> is not locked: the lock of worker <${workerId}> expired`);
    }
    requireLockHolder(task, workerId, 'extended');
  }

  /**
   * Locks one task by id for a worker (Camunda's lock): refused while another worker's lock on
   * it runs; a task whose retries ran out (an incident waits) is not there to be locked.
   */
  async lock(actor: Actor, id: string, workerId: string, lockDurationMs: number): Promise<void> {
    requireCapability(actor, 'external-tasks');
    const now = this.ctx.clock.now().getTime();
    if (await this.ctx.store.externalTasks.lockOne(id, workerId, new Date(now).toISOString(), new Date(now + lockDurationMs).toISOString())) return;
    const task = await this.open(id);
    if (task.retries === 0) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> has no retries left: an incident waits at it`);
    throw new AppError(
      'EXTERNAL_TASK_NOT_LOCKED_BY_WORKER',
      `external task <${id}> cannot be locked by worker <${workerId}>: it is locked by worker <${task.workerId ?? 'unknown'}> until ${task.lockExpiresAt ?? 'unknown'}`,
    );
  }

  /** Gives the lock up, whoever held it: the task is fetchable at once. */
  async unlock(actor: Actor, id: string): Promise<void> {
    requireCapability(actor, 'external-tasks');
    if (!(await this.ctx.store.externalTasks.unlock(id))) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> does not exist`);
    this.wake();
  }

  /** Locks are judged in service time, the clock all nodes share. */
  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private async open(id: string): Promise<ExternalTaskRecord> {
    const task = await this.ctx.store.externalTasks.get(id);
    if (!task || task.completedAt) throw new AppError('EXTERNAL_TASK_NOT_FOUND', `external task <${id}> does not exist`);
    return task;
  }

  private async withVariables(tasks: ExternalTaskRecord[], topics: FetchTopic[]): Promise<LockedExternalTask[]> {
    const byTopic = new Map(topics.map((t) => [t.topic, t]));
    const answers: LockedExternalTask[] = [];
    for (const task of tasks) {
      const topic = byTopic.get(task.topic);
      const names = topic?.variables;
      const none = names && !names.length;
      const instance = none ? undefined : await this.ctx.store.instances.get(task.processInstanceId);
      // The task sees the process variables and the local ones where it waits (its inputs), as in Camunda.
      const locals = instance?.waitingAt.find((w) => w.activityId === task.activityId && !w.taskId)?.variables ?? {};
      const all = !instance ? {} : topic?.localVariables ? locals : { ...instance.variables, ...locals };
      const variables = names ? Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]])) : all;
      answers.push({ task, variables });
    }
    return answers;
  }

  private wake(): void {
    this.generation++;
    for (const waiter of [...this.waiters]) waiter();
  }

  private waitForChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A long poll never keeps the process alive on its own.
      timer.unref();
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
