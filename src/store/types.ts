// The records the store reads and writes, in the shapes the other layers use.
import type { Knex } from 'knex';
import type { NewJob } from './job-store';

/** The transaction of one event, as handed to a business area's write (only store code opens it). */
export type StoreTransaction = Knex.Transaction;

/** A write of a business area that belongs to an event and commits (or not) with it. */
export type TransactionWrite = (trx: StoreTransaction) => Promise<void>;

/**
 * A write that records what the event answers (an idempotency key's stored answer): it runs last
 * in the event's transaction and sees the committed instance and its open-incident count.
 */
export type AnswerWrite = (trx: StoreTransaction, answer: { instance: InstanceRecord; openIncidents: number }) => Promise<void>;

export interface DeploymentRecord {
  id: string;
  name: string;
  contentHash: string;
  deployedAt: string;
}

export interface FormField {
  id: string;
  label: string;
  type: 'string' | 'long' | 'boolean' | 'date' | 'enum';
  required: boolean;
  values?: Array<{ id: string; name: string }>;
  defaultValue?: unknown;
}

export interface DefinitionInfo {
  processId: string;
  userTasks: Array<{ id: string; name: string }>;
  messages: string[];
  signals: string[];
  timers: Array<{ activityId: string; kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string }>;
  messageStarts: Array<{ name: string; messageId: string; activityId: string }>;
  /** Top-level signal start events, by the name they are subscribed under (absent: deployed before signal starts were read). */
  signalStarts?: Array<{ name: string; signalId: string; activityId: string }>;
  timerStarts?: Array<{ activityId: string; kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string }>;
  noneStart: boolean;
  /** camunda:candidateStarterGroups / camunda:candidateStarterUsers of the process (absent: none declared). */
  starters?: { groups: string[]; users: string[] };
  /** camunda:historyTimeToLive of the process, as written (days, or an ISO 8601 duration). */
  historyTimeToLive?: string;
}

export interface DefinitionRecord {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deploymentId: string;
  contentHash: string;
  executable: boolean;
  startable: boolean;
  deployedAt: string;
  info: DefinitionInfo;
}

export type InstanceState = 'running' | 'completed' | 'failed' | 'cancelled';

export interface WaitingAt {
  activityId: string;
  activityName: string | null;
  type: string;
  /** At a user task: the task's id (GET/POST /api/tasks/{id}). */
  taskId?: string;
  /** The local variables visible there (camunda:inputOutput inputs of the activity and of the sub-processes around it). */
  variables?: Record<string, unknown>;
}

export interface InstanceRecord {
  id: string;
  definitionId: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  state: InstanceState;
  startedBy: string | null;
  startedAt: string;
  endedAt: string | null;
  updatedAt: string;
  variables: Record<string, unknown>;
  waitingAt: WaitingAt[];
  nextTimerAt: string | null;
  version: number;
  /** The instance whose call activity started this one (null: started on its own). */
  parentInstanceId?: string | null;
  /** The execution of that call activity waiting for this instance, and the activity's id. */
  parentExecutionId?: string | null;
  parentActivityId?: string | null;
}

export interface InstanceWithState extends InstanceRecord {
  /** undefined leaves the stored state as it is (an event that failed keeps the last good state). */
  engineState: unknown;
}

export type TaskState = 'open' | 'completed' | 'cancelled';

export interface TaskRecord {
  id: string;
  processInstanceId: string;
  definitionKey: string;
  activityId: string;
  executionId: string;
  name: string | null;
  candidateGroups: string[];
  assignee: string | null;
  state: TaskState;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
  form: { fields: FormField[] };
  variables: Record<string, unknown> | null;
  /** The instance's business key (read with the task; absent where the task was not read from the store). */
  businessKey?: string | null;
  /** Users named as candidates (camunda:candidateUsers, potentialOwner `user(…)`). */
  candidateUsers: string[];
  dueAt: string | null;
  followUpAt: string | null;
  /** Camunda's task priority; 50 unless the model says otherwise. */
  priority: number;
}

/** A comment a person left on a user task. */
export interface TaskCommentRecord {
  id: string;
  taskId: string;
  author: string;
  message: string;
  createdAt: string;
}

export interface SubscriptionRecord {
  processInstanceId: string;
  kind: 'message' | 'signal';
  name: string;
  elementRef: string;
  activityId: string;
  businessKey: string | null;
}

export interface ExternalTaskRecord {
  id: string;
  processInstanceId: string;
  definitionKey: string;
  activityId: string;
  executionId: string;
  topic: string;
  createdAt: string;
  /** Set once a worker completed it (the row stays, so that a second completion gets 409). */
  completedAt?: string | null;
  completedBy?: string | null;
  /** The worker holding (or last holding) its lock, and when that lock ends (service time). */
  workerId?: string | null;
  lockExpiresAt?: string | null;
  /** Retries a worker reported with a failure (null until one did; 0: an incident waits). */
  retries?: number | null;
  errorMessage?: string | null;
  errorDetails?: string | null;
  priority?: number;
  /** After a failure, when it may be fetched again (service time). */
  retryAt?: string | null;
  /** Read with the task: its instance's business key and definition id. */
  businessKey?: string | null;
  definitionId?: string | null;
}

/** Which waiting external tasks a query means (every field optional; all given must hold). */
export interface ExternalTaskFilter {
  id?: string;
  topic?: string;
  workerId?: string;
  processInstanceId?: string;
  activityId?: string;
  definitionKey?: string;
  /** true: locked at `now`; false: not locked at `now`. */
  locked?: boolean;
  withRetriesLeft?: boolean;
  noRetriesLeft?: boolean;
  /** The service time locks are judged at. */
  now?: string;
}

/** One topic of a fetch-and-lock: its tasks are locked for `lockDurationMs`. */
export interface LockTopic {
  topic: string;
  lockDurationMs: number;
  definitionKeys?: string[];
  definitionIds?: string[];
  businessKey?: string;
}

export interface HistoryRecord {
  at: string;
  activityId: string | null;
  activityName: string | null;
  type: string | null;
  event: string;
  by?: string | null;
  /** What an operator's change was (a variable's name, old and new value); absent for activity events. */
  details?: Record<string, unknown> | null;
}

export interface IncidentRecord {
  id: string;
  processInstanceId: string;
  definitionKey: string;
  activityId: string | null;
  kind: string;
  message: string;
  retries: number;
  state: 'open' | 'resolved';
  createdAt: string;
  resolvedAt: string | null;
}

export interface UserRecord {
  id: string;
  name: string;
  groups: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  /** Set when the list counted only up to a bound: `total` is then that bound, and there are more. */
  totalCapped?: boolean;
}

export interface PageQuery {
  limit: number;
  offset: number;
}

/** Everything one handled event changes, written in one transaction. */
export interface EventOutcome {
  instance: InstanceWithState;
  /** null when the instance row is new. */
  expectedVersion: number | null;
  /**
   * What the row held at `expectedVersion`, as the event read it (every write of these goes
   * through a version-guarded commit, so they still hold when the guard passes). When absent the
   * commit reads them itself (and counts the open incidents when `openIncidents` is absent).
   */
  before?: { state: string; waitingAt: WaitingAt[]; openIncidents?: number; endedAt: string | null; nextTimerAt: string | null };
  /** User tasks waiting now (inserted if new, by instance + execution id). */
  openTasks: TaskRecord[];
  /** The task this event completed, which must still be open. */
  completedTask?: { id: string; by: string | null; variables: Record<string, unknown>; at: string };
  /** The external task this event completed, which must still be open. */
  completedExternalTask?: { id: string; by: string | null; at: string };
  /** The incident this event retried, which must still be open; it is resolved with the event. */
  retriedIncidentId?: string;
  /** Resolve every open incident of the instance (it was cancelled). */
  resolveIncidents?: boolean;
  /** Writes of a business area caused by this event (e.g. the order row of a started instance). */
  writes?: TransactionWrite[];
  /** Writes of the event's answer, last in its transaction. */
  answerWrites?: AnswerWrite[];
  /** The instance's subscriptions now; undefined when they are the ones last committed. */
  subscriptions?: SubscriptionRecord[];
  history: HistoryRecord[];
  incidents: IncidentRecord[];
  /** The timers the engine has armed now: they replace the instance's timer jobs (undefined: unchanged). */
  timers?: NewJob[];
  /** Service tasks waiting for an external worker now (undefined: unchanged). */
  externalTasks?: ExternalTaskRecord[];
  /** Jobs to run later (service-task retries). */
  jobs?: NewJob[];
  /** The job this event carried out, deleted in the same transaction. */
  completeJobId?: string;
  /**
   * What the event caused in linked instances (call activities): children started or cancelled,
   * a parent moved on. Each is committed in this same transaction, guarded by its own version.
   */
  linked?: EventOutcome[];
}

/** What the event's transaction read back before committing: the answer needs no query after the commit. */
export interface CommitResult {
  /** Open incidents of the instance once this event's writes are in. */
  openIncidents: number;
}

export class StoreConflict extends Error {
  constructor(
    readonly reason: 'version' | 'task-not-open' | 'external-task-done' | 'incident-not-open',
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflict';
  }
}
