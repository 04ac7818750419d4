// Sync runs: what each catalogue or CRM sync fetched, added, changed and left alone, or why it failed.
import type { Knex } from 'knex';
import { toIso } from '../../store/row-codec';
import type { Page, PageQuery } from '../../store/types';

type Row = Record<string, unknown>;

export type SyncKind = 'products' | 'customers';

export interface SyncCounts {
  fetched: number;
  added: number;
  changed: number;
  unchanged: number;
}

export interface SyncRunRecord extends SyncCounts {
  id: string;
  kind: SyncKind;
  processInstanceId: string | null;
  executionId: string | null;
  sourceUrl: string | null;
  status: 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string;
  error: string | null;
}

function toRun(r: Row): SyncRunRecord {
  return {
    id: String(r.id),
    kind: r.kind as SyncKind,
    processInstanceId: (r.process_instance_id as string | null) ?? null,
    executionId: (r.execution_id as string | null) ?? null,
    sourceUrl: (r.source_url as string | null) ?? null,
    status: r.status as SyncRunRecord['status'],
    startedAt: toIso(r.started_at) as string,
    finishedAt: toIso(r.finished_at) as string,
    fetched: Number(r.fetched),
    added: Number(r.added),
    changed: Number(r.changed),
    unchanged: Number(r.unchanged),
    error: (r.error as string | null) ?? null,
  };
}

/** Writes a run inside the caller's transaction (a successful run commits with its rows). */
export async function insertSyncRun(trx: Knex | Knex.Transaction, run: SyncRunRecord): Promise<void> {
  await trx('sync_runs').insert({
    id: run.id,
    kind: run.kind,
    process_instance_id: run.processInstanceId,
    execution_id: run.executionId,
    source_url: run.sourceUrl?.slice(0, 1024) ?? null,
    status: run.status,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    fetched: run.fetched,
    added: run.added,
    changed: run.changed,
    unchanged: run.unchanged,
    error: run.error,
  });
}

export class SyncRunStore {
  constructor(private readonly knex: Knex) {}

  async recordFailure(run: SyncRunRecord): Promise<void> {
    await insertSyncRun(this.knex, run);
  }

  /** The successful run of this service-task execution, if it already committed (a re-run after a recover). */
  async findSucceeded(processInstanceId: string, executionId: string): Promise<SyncRunRecord | undefined> {
    const row = (await this.knex('sync_runs').where({ process_instance_id: processInstanceId, execution_id: executionId, status: 'succeeded' }).first()) as
      Row | undefined;
    return row ? toRun(row) : undefined;
  }

  async list(filter: { kind?: SyncKind }, page: PageQuery): Promise<Page<SyncRunRecord>> {
    const where = (q: Knex.QueryBuilder) => (filter.kind ? q.where('kind', filter.kind) : q);
    const [countRow] = (await where(this.knex('sync_runs').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('sync_runs').select('*')).orderBy('started_at', 'desc').orderBy('id').limit(page.limit).offset(page.offset)) as Row[];
    return { items: rows.map(toRun), total: Number(countRow?.n ?? 0) };
  }
}
