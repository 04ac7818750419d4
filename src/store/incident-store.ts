// Incidents: a step that failed and waits for a person (retry) instead of failing silently.
import type { Knex } from 'knex';
import { toIso } from './row-codec';
import type { IncidentRecord, Page, PageQuery } from './types';

type Row = Record<string, unknown>;

function toIncident(r: Row): IncidentRecord {
  return {
    id: String(r.id),
    processInstanceId: String(r.process_instance_id),
    definitionKey: String(r.definition_key),
    activityId: (r.activity_id as string | null) ?? null,
    kind: String(r.kind),
    message: String(r.message),
    retries: Number(r.retries),
    state: r.state as IncidentRecord['state'],
    createdAt: toIso(r.created_at) as string,
    resolvedAt: toIso(r.resolved_at),
  };
}

export class IncidentStore {
  constructor(private readonly knex: Knex) {}

  async get(id: string): Promise<IncidentRecord | undefined> {
    const row = (await this.knex('incidents').where({ id }).first()) as Row | undefined;
    return row ? toIncident(row) : undefined;
  }

  async list(filter: { state?: string; processInstanceId?: string }, page: PageQuery): Promise<Page<IncidentRecord>> {
    const where = (q: Knex.QueryBuilder) => {
      if (filter.state) void q.where('state', filter.state);
      if (filter.processInstanceId) void q.where('process_instance_id', filter.processInstanceId);
      return q;
    };
    const [countRow] = (await where(this.knex('incidents').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('incidents').select('*')).orderBy('created_at', 'desc').limit(page.limit).offset(page.offset)) as Row[];
    return { items: rows.map(toIncident), total: Number(countRow?.n ?? 0) };
  }
}
