// Upsert by a natural key with change detection (a hash of the values): the shared core of the
// product and customer copies, so that a sync can say what it added, changed and left alone.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { SyncCounts } from './sync-run-store';

export interface KeyedRow {
  key: string;
  /** A hash of the values: equal hash, nothing to write. */
  hash: string;
  /** Column values besides the key, the hash and the times. */
  columns: Record<string, unknown>;
}

const CHUNK = 100;

export async function upsertByKey(
  trx: Knex.Transaction,
  table: string,
  keyColumn: string,
  rows: KeyedRow[],
  now: string,
): Promise<Omit<SyncCounts, 'fetched'>> {
  const existing = new Map<string, string>();
  for (let i = 0; i < rows.length; i += 500) {
    const keys = rows.slice(i, i + 500).map((r) => r.key);
    const found = (await trx(table).select(keyColumn, 'content_hash').whereIn(keyColumn, keys)) as Array<Record<string, unknown>>;
    for (const f of found) existing.set(String(f[keyColumn]), String(f.content_hash));
  }
  const added = rows.filter((r) => !existing.has(r.key));
  const changed = rows.filter((r) => existing.has(r.key) && existing.get(r.key) !== r.hash);
  for (let i = 0; i < added.length; i += CHUNK) {
    await trx(table).insert(
      added.slice(i, i + CHUNK).map((r) => ({ [keyColumn]: r.key, ...r.columns, content_hash: r.hash, created_at: now, updated_at: now, synced_at: now })),
    );
  }
  for (const r of changed) {
    await trx(table)
      .where(keyColumn, r.key)
      .update({ ...r.columns, content_hash: r.hash, updated_at: now, synced_at: now });
  }
  return { added: added.length, changed: changed.length, unchanged: rows.length - added.length - changed.length };
}

/** Lower case without accents: SQLite's lower() knows only ASCII, so search text is folded here. */
export function foldForSearch(...parts: string[]): string {
  return parts
    .join(' ')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** A "contains" filter on the folded search column (LIKE wildcards in the text are literal). */
export function searchFilter(q: Knex.QueryBuilder, text: string | undefined): Knex.QueryBuilder {
  if (!text) return q;
  const pattern = `%${foldForSearch(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return q.whereRaw(`search_text like ? escape '\\'`, [pattern]);
}

export function hashOf(values: unknown[]): string {
  return crypto.createHash('sha256').update(JSON.stringify(values)).digest('hex');
}
