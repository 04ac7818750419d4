// The databases every integration and e2e test runs on: a temp SQLite file always, and Postgres
// (one fresh schema per test file) whenever PROCFLOW_TEST_PG_URL is set. Under CI the Postgres
// run is required, not optional.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  searchPath?: string;
  /** Removes the file or drops the schema. */
  drop(): Promise<void>;
}

const pgUrl = process.env.PROCFLOW_TEST_PG_URL;

if (!pgUrl) {
  if (process.env.CI === 'true') throw new Error('CI=true but PROCFLOW_TEST_PG_URL is not set: the Postgres tests must run in CI');

  console.warn('PROCFLOW_TEST_PG_URL is not set: the Postgres variants of the tests are skipped');
}

export const databaseKinds: Array<TestDatabase['name']> = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export async function createTestDatabase(kind: TestDatabase['name']): Promise<TestDatabase> {
  const tag = crypto.randomBytes(5).toString('hex');
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-test-'));
    return { name: 'sqlite', url: `sqlite:${path.join(dir, 'procflow.db')}`, drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })) };
  }
  const schema = `t_${tag}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl as string, pool: { min: 0, max: 1 } });
  await admin.raw(`create schema "${schema}"`);
  await admin.destroy();
  return {
    name: 'postgres',
    url: pgUrl as string,
    searchPath: schema,
    drop: async () => {
      const k = knexFactory({ client: 'pg', connection: pgUrl as string, pool: { min: 0, max: 1 } });
      await k.raw(`drop schema if exists "${schema}" cascade`);
      await k.destroy();
    },
  };
}
