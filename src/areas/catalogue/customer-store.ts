// The local copy of the CRM's customers, keyed by customer account.
import type { Knex } from 'knex';
import { foldForSearch, hashOf, searchFilter, upsertByKey } from './keyed-upsert';
import { toIso } from '../../store/row-codec';
import { insertSyncRun, type SyncCounts, type SyncRunRecord } from './sync-run-store';
import type { Page, PageQuery } from '../../store/types';

type Row = Record<string, unknown>;

export interface CustomerInput {
  account: string;
  firstName: string;
  lastName: string;
  fidelityPoints: number;
  payment: string;
}

export interface CustomerRecord extends CustomerInput {
  createdAt: string;
  updatedAt: string;
  syncedAt: string;
}

function toCustomer(r: Row): CustomerRecord {
  return {
    account: String(r.account),
    firstName: String(r.first_name),
    lastName: String(r.last_name),
    fidelityPoints: Number(r.fidelity_points),
    payment: String(r.payment),
    createdAt: toIso(r.created_at) as string,
    updatedAt: toIso(r.updated_at) as string,
    syncedAt: toIso(r.synced_at) as string,
  };
}

export class CustomerStore {
  constructor(private readonly knex: Knex) {}

  async list(filter: { q?: string }, page: PageQuery): Promise<Page<CustomerRecord>> {
    const where = (q: Knex.QueryBuilder) => searchFilter(q, filter.q);
    const [countRow] = (await where(this.knex('customers').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('customers').select('*'))
      .orderBy('last_name')
      .orderBy('first_name')
      .orderBy('account')
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toCustomer), total: Number(countRow?.n ?? 0) };
  }

  async get(account: string): Promise<CustomerRecord | undefined> {
    const row = (await this.knex('customers').where({ account }).first()) as Row | undefined;
    return row ? toCustomer(row) : undefined;
  }

  /** Upserts every customer of one CRM answer and records the run, in one transaction. */
  async sync(customers: CustomerInput[], run: Omit<SyncRunRecord, keyof SyncCounts | 'status' | 'error'>): Promise<SyncCounts> {
    return this.knex.transaction(async (trx) => {
      const counts = await upsertByKey(
        trx,
        'customers',
        'account',
        customers.map((c) => ({
          key: c.account,
          hash: hashOf([c.firstName, c.lastName, c.fidelityPoints, c.payment]),
          columns: {
            search_text: foldForSearch(c.account, c.firstName, c.lastName),
            first_name: c.firstName,
            last_name: c.lastName,
            fidelity_points: c.fidelityPoints,
            payment: c.payment,
          },
        })),
        run.finishedAt,
      );
      const result = { fetched: customers.length, ...counts };
      await insertSyncRun(trx, { ...run, ...result, status: 'succeeded', error: null });
      return result;
    });
  }

  async clear(): Promise<number> {
    return this.knex('customers').delete();
  }
}
