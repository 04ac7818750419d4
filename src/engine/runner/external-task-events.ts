// The events a worker of an external service task causes — completing it, failing it with no
// retries left, reporting a BPMN error — as the event runner runs them: each one is refused with
// EXTERNAL_TASK_DONE (409) when the task no longer waits for a worker.
import { AppError } from '../../errors/app-error';
import { StoreConflict, type AnswerWrite, type ExternalTaskRecord } from '../../store/types';
import type { CommittedInstance, EventOptions } from '../event-types';
import type { InstanceRunner } from '../instance-runner';

/** The event runner's five steps for one event of one instance. */
export type RunEvent = (instanceId: string, apply: (runner: InstanceRunner) => Promise<void>, opts: EventOptions) => Promise<CommittedInstance>;

/** Completes the task with the worker's variables; a second completion is refused. */
export async function completeExternalTask(
  run: RunEvent,
  task: ExternalTaskRecord,
  variables: Record<string, unknown>,
  by: string,
  at: string,
  answerWrites: AnswerWrite[],
): Promise<CommittedInstance> {
  const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> was completed already`);
  try {
    return await run(
      task.processInstanceId,
      async (runner) => {
        if (!(await runner.completeExternalTask(task.executionId, variables, by))) throw done();
      },
      { conflicts: 'refuse', completedExternalTask: { id: task.id, by, at }, answerWrites },
    );
  } catch (err) {
    if (err instanceof StoreConflict && err.reason === 'external-task-done') throw done();
    if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
    throw err;
  }
}

/**
 * The worker failed the task with no retries left: the instance stays at the task with an
 * incident carrying the worker's message (retrying the incident makes it fetchable again).
 */
export async function failExternalTask(run: RunEvent, task: ExternalTaskRecord, message: string, by: string): Promise<CommittedInstance> {
  const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> no longer waits for a worker`);
  try {
    return await run(
      task.processInstanceId,
      (runner) => {
        if (!runner.failExternalTask(task.executionId, message, by)) throw done();
        return Promise.resolve();
      },
      // No automatic retry: the worker said there are none left.
      { conflicts: 'refuse', serviceAttempt: Number.POSITIVE_INFINITY },
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
    throw err;
  }
}

/** A BPMN error thrown at the task with the worker's variables, for a boundary error event with the same code to catch. */
export async function throwBpmnErrorFromExternalTask(
  run: RunEvent,
  task: ExternalTaskRecord,
  error: { code: string; message: string },
  variables: Record<string, unknown>,
  by: string,
): Promise<CommittedInstance> {
  const done = () => new AppError('EXTERNAL_TASK_DONE', `external task <${task.id}> no longer waits for a worker`);
  try {
    return await run(
      task.processInstanceId,
      async (runner) => {
        if (!(await runner.throwExternalTaskError(task.executionId, error, variables, by))) throw done();
      },
      { conflicts: 'refuse' },
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'INSTANCE_ENDED') throw done();
    throw err;
  }
}
