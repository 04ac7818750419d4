// The two knex dialect clients that src/store/statement-cache.ts extends; knex ships no types for
// its dialect modules, so only what the subclasses use is declared.
declare module 'knex/lib/dialects/better-sqlite3' {
  export default class BetterSqlite3Client {
    constructor(config: unknown);
    _query(connection: unknown, obj: unknown): Promise<unknown>;
    _optSafeIntegers(options: unknown): boolean | undefined;
    _formatBindings(bindings: unknown[] | undefined): unknown[];
  }
}
declare module 'knex/lib/dialects/postgres' {
  export default class PgClient {
    constructor(config: unknown);
    _query(connection: unknown, obj: unknown): Promise<unknown>;
  }
}
