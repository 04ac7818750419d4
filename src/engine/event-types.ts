// The shapes of events as the event runner takes and answers them: its options, what a start
// and each kind of event may carry, and the committed instance it answers with.
import type { AnswerWrite, EventOutcome, InstanceRecord, TransactionWrite } from '../store/types';
import type { RetryDefaults } from './retry-policy';

export interface EventRunnerOptions extends RetryDefaults {
  cacheSize: number;
  budgetActivities: number;
  budgetMs: number;
  serviceTimeoutMs: number;
  /**
   * A BPMN error nothing catches: `end` (Camunda 7's default) ends the execution that threw it as
   * a none end event would; `fail` (Camunda's enableExceptionsAfterUnhandledBpmnError) refuses the
   * event with 422 BPMN_ERROR_UNHANDLED and commits nothing. Unset: `end`.
   */
  unhandledBpmnError?: UnhandledBpmnError;
}

export type UnhandledBpmnError = 'end' | 'fail';

export interface RuntimeMetrics {
  onInstanceStarted?(definitionKey: string): void;
  onInstanceEnded?(definitionKey: string, state: string): void;
  onTaskCompleted?(definitionKey: string): void;
  onConflict?(): void;
}

/**
 * How a lost race (another event committed first) is answered: a person's action is refused with
 * 409, since what they acted on changed; a message, signal or job reloads and tries again.
 */
export type ConflictPolicy = 'refuse' | 'retry';

export interface StartInput {
  variables?: Record<string, unknown>;
  businessKey?: string | null;
}

export interface StartHow {
  /** The instance starts at a message start event: deliver this message first. */
  message?: { messageId: string; variables: Record<string, unknown> };
  /** The instance starts at this signal start event (and no other start event): deliver the signal first. */
  signal?: { signalId: string; activityId: string; variables: Record<string, unknown> };
  /** A schedule fires the timer start event. */
  fireStartTimers?: boolean;
  /** The job this start carries out (deleted with the commit). */
  completeJobId?: string;
  /** A business area's writes that commit with the new instance (or not at all). */
  writes?: TransactionWrite[];
  /** The instance id, when the caller must know it before the commit. */
  id?: string;
  /** Writes of the answer (an idempotency key), last in the start's transaction. */
  answerWrites?: AnswerWrite[];
}

/** How an incident is retried: with `attempts`, the failed service task gets that many runs; writes that commit with the retry. */
export interface RetryHow {
  attempts?: number;
  answerWrites?: AnswerWrite[];
}

export interface EventOptions {
  conflicts: ConflictPolicy;
  completedTask?: EventOutcome['completedTask'];
  completedExternalTask?: { id: string; by: string | null; at: string };
  retriedIncident?: { id: string; by: string | null };
  allowFailed?: boolean;
  completeJobId?: string;
  serviceAttempt?: number;
  answerWrites?: AnswerWrite[];
  /** Rows the event writes besides the instance's own (an operator's change in its history); filled by `apply`. */
  writes?: TransactionWrite[];
}

/**
 * The instance as an event committed it, with the number of its open incidents read in the
 * event's own transaction: what the caller answers with, with no query after the commit.
 */
export interface CommittedInstance extends InstanceRecord {
  openIncidents: number;
}
