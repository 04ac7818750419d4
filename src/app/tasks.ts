// The task list: a non-admin sees and acts on tasks of its groups, naming it or assigned to it
// (and sees those it completed); claiming, unclaiming, assigning, changing priority and dates,
// comments (task-comments.ts), and completing with the task's form checked.
import { AppError } from '../errors/app-error';
import { validateForm } from '../engine/task-forms';
import { TaskStore, type TaskAttributeChange, type TaskFilter, type TaskInvolvement, type TaskOrder } from '../store/task-store';
import type { Page, PageQuery, StoreTransaction, TaskRecord } from '../store/types';
import { maySeeTask, requireActOnTask, requireAssign, requireClaim, requireEditTask, requireUnclaim, taskListScope, type Actor } from './access';
import type { AppContext } from './context';
import type { Idempotency } from './idempotency';
import type { Instances } from './instances';
import type { InstanceWithIncidents } from './records';
import { TaskComments } from './task-comments';

/**
 * `completedBy`, `assignee` and `candidateUser` `'me'` stand for the caller; `involvement` narrows
 * the list to tasks assigned to the caller, of its groups, or naming it as a candidate.
 */
export type TaskListFilter = Omit<TaskFilter, 'visibleTo' | 'candidateGroupIn'> & { involvement?: TaskInvolvement };

export type TaskCompletion = { task: TaskRecord } & InstanceWithIncidents;

export class Tasks {
  readonly comments: TaskComments;

  constructor(
    private readonly ctx: AppContext,
    private readonly instances: Instances,
    private readonly idempotency: Idempotency,
  ) {
    this.comments = new TaskComments(ctx);
  }

  async list(actor: Actor, filter: TaskListFilter, page: PageQuery, order: TaskOrder = {}): Promise<Page<TaskRecord>> {
    const scope = taskListScope(actor);
    const me = (name: string | undefined) => (name === 'me' ? actor.name : name);
    const { involvement, ...rest } = filter;
    const query: TaskFilter = { ...rest, ...(scope ? { visibleTo: scope } : {}) };
    const completedBy = me(filter.completedBy);
    const candidateUser = involvement === 'candidate' ? actor.name : me(filter.candidateUser);
    const assignee = involvement === 'assigned' ? actor.name : me(filter.assignee);
    if (completedBy) query.completedBy = completedBy;
    if (candidateUser) query.candidateUser = candidateUser;
    if (assignee) query.assignee = assignee;
    if (involvement === 'groups') {
      if (!actor.groups.length) return { items: [], total: 0 };
      query.candidateGroupIn = actor.groups;
    }
    return this.ctx.store.tasks.list(query, page, order);
  }

  /** A task the caller may see, with the variables it sees while it is open (the instance's and its local ones). */
  async get(actor: Actor, id: string): Promise<{ task: TaskRecord; instanceVariables?: Record<string, unknown> }> {
    const task = await this.visible(actor, id);
    const instance = task.state === 'open' ? await this.ctx.store.instances.get(task.processInstanceId) : undefined;
    if (!instance) return { task };
    const locals = instance.waitingAt.find((w) => w.taskId === task.id)?.variables;
    return { task, instanceVariables: locals ? { ...instance.variables, ...locals } : instance.variables };
  }

  async claim(actor: Actor, id: string): Promise<TaskRecord> {
    const task = await this.ctx.store.tasks.get(id);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    requireClaim(actor, task);
    const at = this.ctx.clock.now().toISOString();
    const claimed = await this.withAssignmentListeners(task, actor.name, actor, 'claimed', (trx) =>
      trx ? TaskStore.claimIn(trx, task.id, actor.name, at) : this.ctx.store.tasks.claim(task.id, actor.name, at),
    );
    if (!claimed) throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> was claimed by someone else`);
    return { ...task, assignee: actor.name };
  }

  /** Gives the task back to its candidate groups (its assignee, or an admin); unclaimed already: unchanged. */
  async unclaim(actor: Actor, id: string): Promise<TaskRecord> {
    const task = await this.found(id);
    requireUnclaim(actor, task);
    if (task.assignee === null) return task;
    const at = this.ctx.clock.now().toISOString();
    const from = task.assignee;
    if (
      !(await this.withAssignmentListeners(task, null, actor, 'unclaimed', (trx) =>
        trx ? TaskStore.reassignIn(trx, task.id, from, null, at) : this.ctx.store.tasks.reassign(task.id, from, null, at),
      ))
    ) {
      throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> was changed by someone else meanwhile`);
    }
    return { ...task, assignee: null };
  }

  /** Hands the task to a user (rules: access.requireAssign); the assignee must still be the one seen. */
  async assign(actor: Actor, id: string, assignee: string): Promise<TaskRecord> {
    const task = await this.found(id);
    if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    const target = await this.ctx.store.users.findByName(assignee);
    if (!target) throw new AppError('USER_NOT_FOUND', `user <${assignee}> does not exist`);
    requireAssign(actor, task, target);
    if (task.assignee === target.name) return task;
    const at = this.ctx.clock.now().toISOString();
    const from = task.assignee;
    if (
      !(await this.withAssignmentListeners(task, target.name, actor, 'assigned', (trx) =>
        trx ? TaskStore.reassignIn(trx, task.id, from, target.name, at) : this.ctx.store.tasks.reassign(task.id, from, target.name, at),
      ))
    ) {
      throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> was changed by someone else meanwhile`);
    }
    return { ...task, assignee: target.name };
  }

  /**
   * Sets who holds the task: a user name (the rules of assign), or null to give it back to its
   * candidates (the rules of unclaim).
   */
  assignee(actor: Actor, id: string, assignee: string | null): Promise<TaskRecord> {
    return assignee === null ? this.unclaim(actor, id) : this.assign(actor, id, assignee);
  }

  /** Changes an open task's priority, due and follow-up dates (rules: access.requireEditTask). */
  async changeAttributes(actor: Actor, id: string, change: TaskAttributeChange): Promise<TaskRecord> {
    const task = await this.found(id);
    requireEditTask(actor, task);
    if (!(await this.ctx.store.tasks.changeAttributes(task.id, change))) {
      throw new AppError('TASK_NOT_OPEN', `task <${task.id}> was completed or cancelled meanwhile, its priority and dates are kept as they were`);
    }
    return { ...task, ...change };
  }

  /** Completes a task once; with an idempotency key a repeat answers the first completion. */
  async complete(actor: Actor, id: string, variables: Record<string, unknown>, idempotencyKey?: string): Promise<TaskCompletion> {
    return this.idempotency.once<TaskCompletion>(actor, idempotencyKey, `complete task ${id}`, variables, async (record) => {
      const task = await this.ctx.store.tasks.get(id);
      if (!task) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
      requireActOnTask(actor, task);
      if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${id}> is ${task.state}, cannot complete it again`);
      const values = validateForm(task.form.fields, variables, `task <${task.activityId}>`);
      const at = this.ctx.clock.now().toISOString();
      const done: TaskRecord = { ...task, state: 'completed', completedAt: at, completedBy: actor.name, variables: values };
      let instance;
      try {
        instance = await this.ctx.events.completeUserTask(
          task,
          values,
          actor.name,
          at,
          record((a) => ({ task: done, instance: a.instance, incidents: a.openIncidents })),
        );
      } catch (err) {
        // A concurrent completion may have ended the instance meanwhile: report the task.
        if (err instanceof AppError && err.code === 'INSTANCE_ENDED') {
          const now = await this.ctx.store.tasks.get(id);
          if (now && now.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${id}> is ${now.state}, cannot complete it again`);
        }
        throw err;
      }
      return { task: done, ...this.instances.answer(instance) };
    });
  }

  /**
   * Changes the task's assignee with `change` (false: someone changed it first; with a transaction: in it). A task whose model
   * has assignment listeners changes in an event of its instance: the listeners run and what they
   * set commits with the new assignee, in one transaction. One that fails fails the instance with
   * an incident at the task, and the task is not changed (409 TASK_NOT_OPEN).
   */
  private async withAssignmentListeners(
    task: TaskRecord,
    assignee: string | null,
    actor: Actor,
    verb: string,
    change: (trx?: StoreTransaction) => Promise<boolean>,
  ): Promise<boolean> {
    if (task.assignee === assignee || !(await this.hasAssignmentListeners(task))) return change();
    let changed = true;
    const committed = await this.ctx.events.change(task.processInstanceId, (runner) => {
      if (!runner.assignUserTask(task.executionId, assignee, actor.name)) {
        throw new AppError('TASK_NOT_OPEN', `task <${task.id}> no longer waits in instance <${task.processInstanceId}>`);
      }
      if (runner.hasFailed) return Promise.resolve([]);
      return Promise.resolve([
        async (trx) => {
          changed = await change(trx);
          // Someone changed the task first: nothing of this event is committed.
          if (!changed) throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> was changed by someone else meanwhile`);
        },
      ]);
    });
    if (committed.state === 'failed') {
      throw new AppError(
        'TASK_NOT_OPEN',
        `task <${task.id}> was not ${verb}: an assignment listener of <${task.activityId}> failed, and process instance <${task.processInstanceId}> has an incident there`,
      );
    }
    return changed;
  }

  private async hasAssignmentListeners(task: TaskRecord): Promise<boolean> {
    const instance = await this.ctx.store.instances.get(task.processInstanceId);
    if (!instance) return false;
    const definition = await this.ctx.registry.get(instance.definitionId);
    return (definition.listeners?.get(task.activityId)?.task ?? []).some((l) => l.event === 'assignment');
  }

  private async found(id: string): Promise<TaskRecord> {
    const task = await this.ctx.store.tasks.get(id);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    return task;
  }

  private async visible(actor: Actor, id: string): Promise<TaskRecord> {
    const task = await this.ctx.store.tasks.get(id);
    if (!task || !maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    return task;
  }
}
