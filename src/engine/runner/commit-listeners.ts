// Who hears of an event after its commit: the long polls of external-task workers (waiting
// external tasks changed) and the delivery of the signals the event's throw events sent to other
// instances (signal jobs committed with it).
import type { EventOutcome } from '../../store/types';

export class CommitListeners {
  private readonly externalTaskListeners = new Set<() => void>();
  private readonly signalListeners = new Set<(jobIds: string[]) => Promise<void>>();

  /** Calls `listener` after each commit that changed an instance's waiting external tasks; returns the unsubscribe. */
  onExternalTasksChanged(listener: () => void): () => void {
    this.externalTaskListeners.add(listener);
    return () => this.externalTaskListeners.delete(listener);
  }

  /** Calls `listener` with the ids of the signal jobs an event committed; returns the unsubscribe. */
  onSignalsThrown(listener: (jobIds: string[]) => Promise<void>): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** After a commit: wakes the external-task listeners when the outcome wrote external tasks. */
  committed(outcome: EventOutcome): void {
    if (outcome.externalTasks?.length) for (const listener of this.externalTaskListeners) listener();
  }

  /** Hands the signal jobs of the outcomes to every signal listener, one after the other. */
  async deliverSignals(jobIds: string[]): Promise<void> {
    if (jobIds.length) for (const listener of this.signalListeners) await listener(jobIds);
  }
}

/** The ids of the signal jobs an outcome commits. */
export function thrownSignalJobs(outcome: EventOutcome): string[] {
  return (outcome.jobs ?? []).filter((j) => j.kind === 'signal').map((j) => j.id);
}
