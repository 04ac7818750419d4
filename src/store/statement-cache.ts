// Knex clients that keep prepared statements between calls. Knex prepares every statement again on
// every call (better-sqlite3: `prepare` per query; Postgres: an unnamed parse and plan per query),
// which measured 7–8 % of the service's CPU on the hot path. The handful of statements an event
// runs are the same text each time, so each connection keeps its statements by SQL text, in a
// bounded map (least recently used out first).
import BetterSqlite3Client from 'knex/lib/dialects/better-sqlite3';
import PgClient from 'knex/lib/dialects/postgres';
import crypto from 'node:crypto';

/** Statements kept per connection; beyond it the least recently used is dropped (SQLite) or not kept (Postgres). */
export const STATEMENTS_PER_CONNECTION = 500;

interface SqliteStatement {
  reader: boolean;
  all(bindings: unknown[]): unknown[];
  run(bindings: unknown[]): { lastInsertRowid: number | bigint; changes: number };
  safeIntegers(on: boolean): void;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  options?: Record<string, unknown>;
  response?: unknown;
  context?: unknown;
}

const sqliteCaches = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

function cachedStatement(connection: SqliteConnection, sql: string): SqliteStatement {
  let cache = sqliteCaches.get(connection);
  if (!cache) sqliteCaches.set(connection, (cache = new Map()));
  const hit = cache.get(sql);
  if (hit) {
    // Map order is insertion order: moving the hit to the end keeps the oldest first.
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  const statement = connection.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > STATEMENTS_PER_CONNECTION) cache.delete(cache.keys().next().value as string);
  return statement;
}

/** better-sqlite3 through knex, with each connection's statements prepared once. */
export class CachingBetterSqlite3Client extends BetterSqlite3Client {
  // Same as knex's own _query, but with the statement from the cache; statements that ask for
  // safe integers are prepared apart, since that option changes the statement.
  // eslint-disable-next-line @typescript-eslint/require-await -- knex awaits a promise; the statement runs synchronously
  override async _query(connection: SqliteConnection, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    if (!connection) throw new Error('No connection provided');
    const safeIntegers = this._optSafeIntegers(obj.options);
    const statement = safeIntegers === undefined ? cachedStatement(connection, obj.sql) : connection.prepare(obj.sql);
    if (safeIntegers !== undefined) statement.safeIntegers(safeIntegers);
    const bindings = this._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}

interface PgConnection {
  query(config: Record<string, unknown>, callback: (err: (Error & { code?: string }) | null, response: unknown) => void): void;
}

/** Per connection: the statement names prepared there, and those that must run unnamed from now on. */
const pgNamed = new WeakMap<PgConnection, { named: Set<string>; unnamed: Set<string> }>();

/** Data statements are named (prepared once per connection); schema changes and transaction control are not. */
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** Statement names by SQL text, so that the hot statements are not hashed again on every call. */
const pgNames = new Map<string, string>();

function statementName(sql: string): string {
  let name = pgNames.get(sql);
  if (!name) {
    name = `pf_${crypto.createHash('sha1').update(sql).digest('base64url')}`;
    if (pgNames.size >= STATEMENTS_PER_CONNECTION * 4) pgNames.clear();
    pgNames.set(sql, name);
  }
  return name;
}

/** pg through knex, with each connection's data statements prepared once, as named statements. */
export class CachingPgClient extends PgClient {
  override _query(connection: PgConnection, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) return Promise.reject(new Error('The query is empty'));
    const sql = obj.sql;
    let names = pgNamed.get(connection);
    if (!names) pgNamed.set(connection, (names = { named: new Set(), unnamed: new Set() }));
    const { named, unnamed } = names;
    const name = statementName(sql);
    const useName = !obj.options && NAMEABLE.test(sql) && !unnamed.has(name) && (named.has(name) || named.size < STATEMENTS_PER_CONNECTION);
    const run = (withName: boolean) =>
      new Promise<QueryObject>((resolve, reject) => {
        const config: Record<string, unknown> = { text: sql, values: obj.bindings ?? [], ...(obj.options ?? {}) };
        if (withName) config.name = name;
        connection.query(config, (err, response) => {
          if (err) return reject(err);
          obj.response = response;
          resolve(obj);
        });
      });
    if (!useName) return run(false);
    named.add(name);
    // A prepared `select *` fails once a migration (of another node) changed the table's columns
    // ("cached plan must not change result type"): that text runs unnamed on this connection from
    // then on. Inside a transaction the failed call has aborted it, and the retry reports that.
    return run(true).catch((err: Error & { code?: string }) => {
      if (err.code !== '0A000') throw err;
      unnamed.add(name);
      return run(false);
    });
  }
}
