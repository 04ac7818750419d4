// The local copy of the product catalogue, keyed by product code.
import type { Knex } from 'knex';
import { foldForSearch, hashOf, searchFilter, upsertByKey } from './keyed-upsert';
import { toIso } from '../../store/row-codec';
import { insertSyncRun, type SyncCounts, type SyncRunRecord } from './sync-run-store';
import type { Page, PageQuery } from '../../store/types';

type Row = Record<string, unknown>;

export interface ProductInput {
  code: string;
  sourceId: string;
  description: string;
  family: string;
  packaging: string;
  price: number;
  minQuantity: number;
}

export interface ProductRecord extends ProductInput {
  createdAt: string;
  updatedAt: string;
  syncedAt: string;
}

function toProduct(r: Row): ProductRecord {
  return {
    code: String(r.code),
    sourceId: String(r.source_id),
    description: String(r.description),
    family: String(r.family),
    packaging: String(r.packaging),
    price: Number(r.price),
    minQuantity: Number(r.min_quantity),
    createdAt: toIso(r.created_at) as string,
    updatedAt: toIso(r.updated_at) as string,
    syncedAt: toIso(r.synced_at) as string,
  };
}

export class ProductStore {
  constructor(private readonly knex: Knex) {}

  async list(filter: { q?: string }, page: PageQuery): Promise<Page<ProductRecord>> {
    const where = (q: Knex.QueryBuilder) => searchFilter(q, filter.q);
    const [countRow] = (await where(this.knex('products').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('products').select('*')).orderBy('code').limit(page.limit).offset(page.offset)) as Row[];
    return { items: rows.map(toProduct), total: Number(countRow?.n ?? 0) };
  }

  async get(code: string): Promise<ProductRecord | undefined> {
    const row = (await this.knex('products').where({ code }).first()) as Row | undefined;
    return row ? toProduct(row) : undefined;
  }

  /** Upserts every product of one catalogue answer and records the run, in one transaction. */
  async sync(products: ProductInput[], run: Omit<SyncRunRecord, keyof SyncCounts | 'status' | 'error'>): Promise<SyncCounts> {
    return this.knex.transaction(async (trx) => {
      const counts = await upsertByKey(
        trx,
        'products',
        'code',
        products.map((p) => ({
          key: p.code,
          hash: hashOf([p.sourceId, p.description, p.family, p.packaging, p.price, p.minQuantity]),
          columns: {
            search_text: foldForSearch(p.code, p.description, p.family),
            source_id: p.sourceId,
            description: p.description,
            family: p.family,
            packaging: p.packaging,
            price: p.price,
            min_quantity: p.minQuantity,
          },
        })),
        run.finishedAt,
      );
      const result = { fetched: products.length, ...counts };
      await insertSyncRun(trx, { ...run, ...result, status: 'succeeded', error: null });
      return result;
    });
  }

  /** Empties the local copy; returns how many rows went. */
  async clear(): Promise<number> {
    return this.knex('products').delete();
  }
}
