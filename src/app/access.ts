// Who may see and do what: the one place that answers every "may this caller …" question, for
// the core resources and for every business area. Use cases ask here; nothing else decides.
import { AppError } from '../errors/app-error';
import type { InstanceRecord, TaskRecord } from '../store/types';

/** A signed-in user as the use cases see it. */
export interface Actor {
  name: string;
  groups: string[];
}

/** An authenticated caller (the HTTP edge also knows the user's id). */
export interface AuthedActor extends Actor {
  id: string;
}

export const ADMIN_GROUP = 'admin';
/** Group of the external workers that do service tasks without a handler in code. */
export const WORKER_GROUP = 'workers';
export const OPS_GROUP = 'ops';
/** Group whose users may read /metrics (a monitoring system's own user). */
export const METRICS_GROUP = 'metrics';
export const SALES_GROUP = 'sales';
/** Group allowed to send signals and untargeted messages (which reach every owner's instances). */
export const BROADCAST_GROUP = 'broadcasters';
export const CLIENT_GROUP = 'client';
export const SUPPLIER_GROUP = 'supplier';

/** Things only certain groups may do; `admin` may always. */
export type Capability =
  'deploy' | 'incidents' | 'users' | 'stats' | 'clock:set' | 'schedules:manage' | 'external-tasks' | 'game-servers' | 'catalogue' | 'broadcast' | 'metrics';

const CAPABILITY_GROUPS: Record<Capability, readonly string[]> = {
  deploy: [],
  incidents: [],
  users: [],
  stats: [],
  'clock:set': [],
  'schedules:manage': [],
  'external-tasks': [WORKER_GROUP],
  'game-servers': [OPS_GROUP],
  catalogue: [SALES_GROUP],
  broadcast: [BROADCAST_GROUP],
  metrics: [METRICS_GROUP],
};

export function isAdmin(actor: Actor | null): boolean {
  return actor?.groups.includes(ADMIN_GROUP) ?? false;
}

function inAnyGroup(actor: Actor, groups: readonly string[]): boolean {
  return isAdmin(actor) || groups.some((g) => actor.groups.includes(g));
}

/** Throws FORBIDDEN unless the actor holds the capability. */
export function requireCapability(actor: Actor, capability: Capability): void {
  const groups = CAPABILITY_GROUPS[capability];
  if (inAnyGroup(actor, groups)) return;
  if (!groups.length) throw new AppError('FORBIDDEN', `user <${actor.name}> is not in group <${ADMIN_GROUP}>`);
  throw new AppError('FORBIDDEN', `user <${actor.name}> is in none of the groups <${[ADMIN_GROUP, ...groups].join('>, <')}>`);
}

/** A user's own account (its tokens), or an admin's business. */
export function requireSelfOr(actor: AuthedActor, userId: string): void {
  if (actor.id === userId) return;
  requireCapability(actor, 'users');
}

// ----- external tasks -----

/**
 * A worker acts on an external task (complete, fail, throw a BPMN error) only as the worker that
 * locked it most recently, as in Camunda; anyone else is refused, whatever its groups.
 */
export function requireLockHolder(task: { id: string; workerId?: string | null }, workerId: string, action: string): void {
  if (task.workerId && task.workerId === workerId) return;
  throw new AppError(
    'EXTERNAL_TASK_NOT_LOCKED_BY_WORKER',
    task.workerId
      ? `external task <${task.id}> cannot be ${action} by worker <${workerId}>: it is locked by worker <${task.workerId}>`
      : `external task <${task.id}> cannot be ${action} by worker <${workerId}>: no worker has locked it`,
  );
}

// ----- starting -----

/**
 * Who may start a definition: admins always; if the model names candidate starters
 * (camunda:candidateStarterGroups / camunda:candidateStarterUsers) only those; if it names none,
 * any signed-in user — a model drawn without them is meant to be started by whoever uses the
 * service, as the REST API's start has always been (docs/security.md). The bundled processes name
 * theirs.
 */
export function requireStart(actor: Actor, definition: { key: string; info: { starters?: { groups: string[]; users: string[] } } }): void {
  const starters = definition.info.starters;
  if (!starters || isAdmin(actor)) return;
  if (starters.users.includes(actor.name) || starters.groups.some((g) => actor.groups.includes(g))) return;
  throw new AppError(
    'FORBIDDEN',
    `user <${actor.name}> may not start <${definition.key}>: its starters are ${[...starters.groups.map((g) => `group <${g}>`), ...starters.users.map((u) => `user <${u}>`)].join(', ')}`,
  );
}

/**
 * Who may start definitions by a signal (their signal start events): whoever may broadcast it. A
 * signal reaches every definition subscribed to its name whatever candidate starters it names,
 * as it reaches every owner's waiting instances; the instances started are the broadcaster's.
 */
export function requireSignalStart(actor: Actor): void {
  requireCapability(actor, 'broadcast');
}

// ----- tasks -----

/**
 * A user may act on a task assigned to it, or an unassigned task of one of its groups or naming it
 * as a candidate user (camunda:candidateUsers, potentialOwner `user(…)`).
 */
export function mayActOnTask(actor: Actor, task: TaskRecord): boolean {
  if (isAdmin(actor)) return true;
  if (task.assignee) return task.assignee === actor.name;
  return isCandidate(actor, task);
}

/** What a user sees of tasks: those it may act on, and those it completed. */
export function maySeeTask(actor: Actor, task: TaskRecord): boolean {
  return mayActOnTask(actor, task) || task.completedBy === actor.name;
}

/** The task list's filter for a user (undefined: every task): assigned, of its groups, naming it, completed by it. */
export function taskListScope(actor: Actor): { name: string; groups: string[] } | undefined {
  return isAdmin(actor) ? undefined : { name: actor.name, groups: actor.groups };
}

export function requireActOnTask(actor: Actor, task: TaskRecord): void {
  if (mayActOnTask(actor, task)) return;
  throw new AppError(
    'NOT_A_CANDIDATE',
    `user <${actor.name}> may not act on task <${task.id}> (candidate groups: ${task.candidateGroups.join(', ') || 'none'}; candidate users: ${task.candidateUsers.join(', ') || 'none'}; assignee: ${task.assignee ?? 'none'})`,
  );
}

/**
 * Claiming: the caller must be a candidate (by group, or the assignee) before anything else is
 * said about the task — a non-candidate learns nothing, not even who claimed it; then the task
 * must be open and free (or the caller's already).
 */
export function requireClaim(actor: Actor, task: TaskRecord): void {
  const candidate = isAdmin(actor) || task.assignee === actor.name || isCandidate(actor, task);
  if (!candidate) {
    if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${task.id}> does not exist`);
    throw new AppError('NOT_A_CANDIDATE', `user <${actor.name}> is not a candidate for task <${task.id}>`);
  }
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}`);
  if (task.assignee && task.assignee !== actor.name) throw new AppError('TASK_ALREADY_CLAIMED', `task <${task.id}> is claimed by <${task.assignee}>`);
}

/**
 * Claiming for a named user (Camunda's claim with `userId`): a user claims for itself only; an
 * admin may claim for anyone.
 */
export function requireClaimFor(actor: Actor, userId: string): void {
  if (isAdmin(actor) || userId === actor.name) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may claim tasks for itself only, not for <${userId}>`);
}

/**
 * Unclaiming (the task goes back to its candidate groups): its assignee or an admin. Someone who
 * may not see the task learns nothing (404); one who sees it but does not hold it gets 403.
 */
export function requireUnclaim(actor: Actor, task: TaskRecord): void {
  if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${task.id}> does not exist`);
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}`);
  if (isAdmin(actor) || task.assignee === null || task.assignee === actor.name) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may not unclaim task <${task.id}>: it is claimed by <${task.assignee}>`);
}

/** Whether a user (by its groups, or by name) is among a task's candidates. */
export function isCandidate(user: Actor, task: TaskRecord): boolean {
  return task.candidateUsers.includes(user.name) || task.candidateGroups.some((g) => user.groups.includes(g));
}

/**
 * Changing an open task's priority, due and follow-up dates: an admin, the task's assignee, or —
 * while nobody holds it — a candidate who may claim it (by group or by name); that is, whoever may
 * act on it now. Someone who may not see the task learns nothing (404); one who sees it but does
 * not hold it gets 403.
 */
export function requireEditTask(actor: Actor, task: TaskRecord): void {
  if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${task.id}> does not exist`);
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}, its priority and dates are kept as they were`);
  if (mayActOnTask(actor, task)) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may not change task <${task.id}>: it is claimed by <${task.assignee ?? 'nobody'}>`);
}

/**
 * Comments: whoever may see a task reads its comments, also once it is completed (its history);
 * whoever may see an open task may comment on it. A completed or cancelled task takes no more.
 */
export function requireReadTaskComments(actor: Actor, task: TaskRecord): void {
  if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${task.id}> does not exist`);
}

export function requireCommentOnTask(actor: Actor, task: TaskRecord): void {
  requireReadTaskComments(actor, task);
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}, its comments can be read but not added to`);
}

/**
 * Assigning (reassigning, delegating) a task to a user: an admin, to any current user; otherwise
 * whoever may act on the task now (its assignee, or a candidate of an unclaimed task), and only to
 * another candidate — a user in one of its candidate groups or named as a candidate user. A task
 * without candidates (assigned by the model, e.g. `${clientUser}`) is handed on by an admin only.
 * `POST /api/tasks/{id}/assignee` and its older name `/assign` follow these rules alike.
 */
export function requireAssign(actor: Actor, task: TaskRecord, target: Actor): void {
  if (!maySeeTask(actor, task)) throw new AppError('TASK_NOT_FOUND', `task <${task.id}> does not exist`);
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', `task <${task.id}> is ${task.state}`);
  if (isAdmin(actor)) return;
  if (!mayActOnTask(actor, task)) {
    throw new AppError('FORBIDDEN', `user <${actor.name}> may not assign task <${task.id}>: it is claimed by <${task.assignee ?? 'nobody'}>`);
  }
  if (!isCandidate(target, task)) {
    throw new AppError(
      'NOT_A_CANDIDATE',
      `user <${target.name}> is not a candidate for task <${task.id}> (candidate groups: ${task.candidateGroups.join(', ') || 'none'}; candidate users: ${task.candidateUsers.join(', ') || 'none'}); only an admin may assign it to <${target.name}>`,
    );
  }
}

// ----- process instances -----

/** The instance list's filter for a user (undefined: every instance). */
export function instanceListScope(actor: Actor): { startedBy: string } | undefined {
  return isAdmin(actor) ? undefined : { startedBy: actor.name };
}

/**
 * A user sees an instance it started, or one where it has (or had) a task; `tasksOf` is asked
 * only when the cheaper rules do not decide.
 */
export async function maySeeInstance(actor: Actor, instance: InstanceRecord, tasksOf: () => Promise<TaskRecord[]>): Promise<boolean> {
  if (isAdmin(actor) || instance.startedBy === actor.name) return true;
  return (await tasksOf()).some((t) => maySeeTask(actor, t));
}

/**
 * Moving an instance on from outside (a message targeted at it): its starter, or whoever may act
 * on one of its open tasks. `openTasksOf` is asked only when the cheaper rules do not decide.
 */
export async function mayDriveInstance(actor: Actor, instance: InstanceRecord, openTasksOf: () => Promise<TaskRecord[]>): Promise<boolean> {
  if (isAdmin(actor) || instance.startedBy === actor.name) return true;
  return (await openTasksOf()).some((t) => t.state === 'open' && mayActOnTask(actor, t));
}

export function mayReadMetrics(actor: Actor): boolean {
  return inAnyGroup(actor, CAPABILITY_GROUPS.metrics);
}

export function mayBroadcast(actor: Actor): boolean {
  return inAnyGroup(actor, CAPABILITY_GROUPS.broadcast);
}

/**
 * Repairing a running instance by hand. Setting or deleting its variables rewrites what the model
 * decides on: admins only. Triggering a waiting activity (a receive task, a catch event, a manual
 * wait) or reading the job list is operations' daily work: admins and group `ops`.
 */
export function requireVariableEdit(actor: Actor, instance: InstanceRecord): void {
  if (isAdmin(actor)) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may not change the variables of instance <${instance.id}>: only group <${ADMIN_GROUP}> may`);
}

/** Admins and ops trigger activities of any instance (by id, e.g. from the job list); others see it first (404) and get 403. */
export function mayTriggerAny(actor: Actor): boolean {
  return inAnyGroup(actor, [OPS_GROUP]);
}

export function requireTrigger(actor: Actor, instance: InstanceRecord): void {
  if (mayTriggerAny(actor)) return;
  throw new AppError(
    'FORBIDDEN',
    `user <${actor.name}> may not trigger activities of instance <${instance.id}>: it is in none of the groups <${ADMIN_GROUP}>, <${OPS_GROUP}>`,
  );
}

export function requireJobList(actor: Actor): void {
  if (inAnyGroup(actor, [OPS_GROUP])) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may not read the job list: it is in none of the groups <${ADMIN_GROUP}>, <${OPS_GROUP}>`);
}

export function requireCancel(actor: Actor, instance: InstanceRecord): void {
  if (isAdmin(actor) || instance.startedBy === actor.name) return;
  throw new AppError('FORBIDDEN', `user <${actor.name}> may not cancel instance <${instance.id}>`);
}

// ----- orders -----

/** Staff see every order and its quote as soon as it exists; null is an anonymous legacy caller. */
export function isOrderStaff(actor: Actor | null): boolean {
  return actor !== null && (isAdmin(actor) || actor.groups.includes(SUPPLIER_GROUP));
}

/** The orders a caller may see: all (staff, anonymous legacy caller) or those of one client. */
export function orderScope(actor: Actor | null): { clientUser?: string } {
  if (actor === null || isOrderStaff(actor)) return {};
  if (actor.groups.includes(CLIENT_GROUP)) return { clientUser: actor.name };
  throw new AppError(
    'FORBIDDEN',
    `user <${actor.name}> is in none of the groups <${CLIENT_GROUP}>, <${SUPPLIER_GROUP}>, <${ADMIN_GROUP}>: orders are not for it`,
  );
}

/** The product catalogue's price list: sales manage it; whoever places orders (clients, suppliers) reads it to pick products. */
export function requireProductList(actor: Actor): void {
  if (actor.groups.includes(CLIENT_GROUP) || actor.groups.includes(SUPPLIER_GROUP)) return;
  requireCapability(actor, 'catalogue');
}

/** A client sees its quote once it was sent; staff as soon as it has a number. */
export function maySeeQuote(actor: Actor | null, quote: { number: string | null; sentAt: string | null }): boolean {
  return quote.number !== null && (isOrderStaff(actor) || quote.sentAt !== null);
}

/**
 * For whom an order is placed: staff may name any client user (or nobody); a client only itself;
 * an anonymous legacy caller places an order for nobody.
 */
export function orderClientFor(actor: Actor | null, requested: string | undefined): { clientUser: string | null; mustBeClient?: string } {
  if (actor === null) return { clientUser: null };
  if (isOrderStaff(actor)) return requested ? { clientUser: requested, mustBeClient: requested } : { clientUser: null };
  const own = orderScope(actor).clientUser as string;
  if (requested && requested !== own) throw new AppError('FORBIDDEN', `client <${own}> may place orders for itself only, not for <${requested}>`);
  return { clientUser: own };
}
