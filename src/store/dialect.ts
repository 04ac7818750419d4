// The two databases procflow runs on, and which one a knex instance talks to.
import type { Knex } from 'knex';

export type Dialect = 'sqlite' | 'postgres';

/** The dialect of a knex instance (its client is a class of src/store/statement-cache.ts, so its config names no client). */
export function dialectOf(knex: Knex): Dialect {
  return (knex.client as { dialect?: string }).dialect === 'postgresql' ? 'postgres' : 'sqlite';
}
