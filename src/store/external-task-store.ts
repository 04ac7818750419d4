// External tasks: the service tasks waiting for an external worker, by topic.
import type { Knex } from 'knex';
import { toIso } from './row-codec';
import type { ExternalTaskRecord, Page, PageQuery } from './types';

type Row = Record<string, unknown>;

function toExternalTask(r: Row): ExternalTaskRecord {
  return {
    id: String(r.id),
    processInstanceId: String(r.process_instance_id),
    definitionKey: String(r.definition_key),
    activityId: String(r.activity_id),
    executionId: String(r.execution_id),
    topic: String(r.topic),
    createdAt: toIso(r.created_at) as string,
    completedAt: toIso(r.completed_at),
    completedBy: (r.completed_by as string | null) ?? null,
  };
}

export class ExternalTaskStore {
  constructor(private readonly knex: Knex) {}

  async get(id: string): Promise<ExternalTaskRecord | undefined> {
    const row = (await this.knex('external_tasks').where({ id }).first()) as Row | undefined;
    return row ? toExternalTask(row) : undefined;
  }

  /** The tasks waiting for a worker (not the completed ones). */
  async list(filter: { topic?: string; processInstanceId?: string }, page: PageQuery): Promise<Page<ExternalTaskRecord>> {
    const where = (q: Knex.QueryBuilder) => {
      void q.whereNull('completed_at');
      if (filter.topic) void q.where('topic', filter.topic);
      if (filter.processInstanceId) void q.where('process_instance_id', filter.processInstanceId);
      return q;
    };
    const [countRow] = (await where(this.knex('external_tasks').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('external_tasks').select('*'))
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toExternalTask), total: Number(countRow?.n ?? 0) };
  }

  /**
   * Makes the instance's waiting rows the given set, keeping the ones that stay (and their
   * creation time); completed rows stay as they are.
   */
  static async sync(trx: Knex.Transaction, processInstanceId: string, tasks: ExternalTaskRecord[]): Promise<void> {
    const keep = tasks.map((t) => t.executionId);
    const gone = trx('external_tasks').where({ process_instance_id: processInstanceId }).whereNull('completed_at');
    if (keep.length) void gone.whereNotIn('execution_id', keep);
    await gone.delete();
    if (!tasks.length) return;
    await trx('external_tasks')
      .insert(
        tasks.map((t) => ({
          id: t.id,
          process_instance_id: t.processInstanceId,
          definition_key: t.definitionKey,
          activity_id: t.activityId,
          execution_id: t.executionId,
          topic: t.topic,
          created_at: t.createdAt,
        })),
      )
      .onConflict(['process_instance_id', 'execution_id'])
      // Waiting again at an execution that was completed (an incident retry went back to it).
      .merge({ completed_at: null, completed_by: null });
  }
}
