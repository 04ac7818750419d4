// What an operator's retry of an incident writes besides the event's own rows: the retries an
// external task waits with again (Camunda's setRetries), for its worker to count down.
import type { StoreTransaction } from './types';

/** Sets the retries of the instance's open external task at `activityId` (inserted earlier in the same transaction). */
export async function setExternalTaskRetries(trx: StoreTransaction, processInstanceId: string, activityId: string, retries: number): Promise<void> {
  await trx('external_tasks').where({ process_instance_id: processInstanceId, activity_id: activityId }).whereNull('completed_at').update({ retries });
}
