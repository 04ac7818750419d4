// The history of an instance: one row per activity start, wait and end, with who did it; and the
// rows of an operator's changes (a variable set or deleted, an activity triggered) with what changed.
import type { Knex } from 'knex';
import { parseJson, toIso } from './row-codec';
import type { HistoryRecord, StoreTransaction } from './types';

type Row = Record<string, unknown>;

export function toHistory(r: Row): HistoryRecord {
  const details = parseJson<Record<string, unknown> | null>(r.details, null);
  return {
    at: toIso(r.at) as string,
    activityId: (r.activity_id as string | null) ?? null,
    activityName: (r.activity_name as string | null) ?? null,
    type: (r.activity_type as string | null) ?? null,
    event: String(r.event),
    by: (r.by as string | null) ?? null,
    ...(details ? { details } : {}),
  };
}

export class HistoryStore {
  constructor(private readonly knex: Knex) {}

  async forInstance(processInstanceId: string): Promise<HistoryRecord[]> {
    const rows = (await this.knex('history').where({ process_instance_id: processInstanceId }).orderBy('id')) as Row[];
    return rows.map(toHistory);
  }

  /** Records an operator's change of an instance, inside the transaction of the event that made it. */
  static async recordChange(trx: StoreTransaction, instance: { id: string; definitionKey: string }, entry: HistoryRecord): Promise<void> {
    await trx('history').insert({
      process_instance_id: instance.id,
      definition_key: instance.definitionKey,
      at: entry.at,
      activity_id: entry.activityId,
      activity_name: entry.activityName,
      activity_type: entry.type,
      event: entry.event,
      by: entry.by ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    });
  }
}
