// Opens the database named by a URL (sqlite:<path> or postgres://…), applies the dialect's
// settings (WAL and foreign keys on SQLite) and runs the migrations.
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrations as coreMigrations } from '../../migrations/index';
import type { Dialect } from './dialect';
import { BACKSTOP_PAGES, startCheckpointer } from './sqlite-checkpointer';
import { CachingBetterSqlite3Client, CachingPgClient } from './statement-cache';

export type { Dialect } from './dialect';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  close(): Promise<void>;
}

export type Migrations = Record<string, Knex.Migration>;

/** The core's migrations and the business areas', run together in the order of their names. */
function migrationSource(extra: Migrations): Knex.MigrationSource<string> {
  const all: Migrations = { ...coreMigrations, ...extra };
  return {
    getMigrations: () => Promise.resolve(Object.keys(all).sort()),
    getMigrationName: (name) => name,
    getMigration: (name) => Promise.resolve(all[name] as Knex.Migration),
  };
}

export interface DatabaseOptions {
  searchPath?: string;
  poolMax?: number;
  /**
   * SQLite files: checkpoint the write-ahead log from a worker thread every `intervalMs`, so that
   * no commit on the service's thread waits for one (src/store/sqlite-checkpointer.ts).
   */
  backgroundCheckpoint?: { intervalMs: number; onError: (message: string) => void };
}

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || ':memory:';
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const bg = options.backgroundCheckpoint;
    const checkpointer = bg && file !== ':memory:' ? startCheckpointer(path.resolve(file), bg.intervalMs, bg.onError) : undefined;
    const knex = knexFactory({
      client: CachingBetterSqlite3Client as unknown as typeof Knex.Client,
      connection: { filename: file },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          if (checkpointer) conn.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
          done(null, conn);
        },
      },
    });
    return {
      knex,
      dialect: 'sqlite',
      close: async () => {
        await knex.destroy();
        await checkpointer?.stop();
      },
    };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const knex = knexFactory({
      client: CachingPgClient as unknown as typeof Knex.Client,
      connection: url,
      pool: { min: 0, max: options.poolMax ?? 10 },
      ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
    });
    return { knex, dialect: 'postgres', close: () => knex.destroy() };
  }
  throw new Error(`unsupported database URL <${url}>: expected sqlite:<path> or postgres://…`);
}

export async function migrateLatest(db: Database, extra: Migrations = {}): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest({ migrationSource: migrationSource(extra) })) as [number, string[]];
  return applied;
}

/** True when every known migration has been applied. */
export async function migrationsCurrent(db: Database, extra: Migrations = {}): Promise<boolean> {
  const [, pending] = (await db.knex.migrate.list({ migrationSource: migrationSource(extra) })) as [unknown[], unknown[]];
  return pending.length === 0;
}
