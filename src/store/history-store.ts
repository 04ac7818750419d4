// The history of an instance: one row per activity start, wait and end, with who did it.
import type { Knex } from 'knex';
import { toIso } from './row-codec';
import type { HistoryRecord } from './types';

type Row = Record<string, unknown>;

export function toHistory(r: Row): HistoryRecord {
  return {
    at: toIso(r.at) as string,
    activityId: (r.activity_id as string | null) ?? null,
    activityName: (r.activity_name as string | null) ?? null,
    type: (r.activity_type as string | null) ?? null,
    event: String(r.event),
    by: (r.by as string | null) ?? null,
  };
}

export class HistoryStore {
  constructor(private readonly knex: Knex) {}

  async forInstance(processInstanceId: string): Promise<HistoryRecord[]> {
    const rows = (await this.knex('history').where({ process_instance_id: processInstanceId }).orderBy('id')) as Row[];
    return rows.map(toHistory);
  }
}
