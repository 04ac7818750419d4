// The whole service as the HTTP benchmarks start and call it (bench/http-bench.ts,
// bench/external-task-bench.ts). Apart from bench/bench-util.ts, which the memory probe imports:
// loading the service there would change the heap it measures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import winston from 'winston';
import { loadConfig } from '../src/config';
import { startService, type Service } from '../src/main';
import { openDatabase } from '../src/store/database';

export { callService } from './http-call';

/** The whole service on a database (Postgres: in `searchPath`), with no processes of its own and no schedules, logging warnings only. */
export async function startBenchService(adminToken: string, databaseUrl: string, searchPath?: string): Promise<Service> {
  const config = loadConfig({
    PROCFLOW_DATABASE_URL: databaseUrl,
    PROCFLOW_PORT: '0',
    PROCFLOW_ADMIN_TOKEN: adminToken,
    PROCFLOW_PROCESSES_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-empty-')),
    PROCFLOW_LOG_LEVEL: 'warn',
  });
  const logger = winston.createLogger({ level: 'warn', transports: [new winston.transports.Console()] });
  return startService(config, { logger, defaultSchedules: false, ...(searchPath ? { searchPath } : {}) });
}

/** Creates a fresh Postgres schema `<prefix>_<time>` for a benchmark, with its own connection; answers its name. */
export async function createSchema(pgUrl: string, prefix: string): Promise<string> {
  const schema = `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = openDatabase(pgUrl, { poolMax: 1 });
  try {
    await admin.knex.raw(`create schema "${schema}"`);
  } finally {
    await admin.close();
  }
  return schema;
}

/** Drops a Postgres schema a benchmark created, with its own connection. */
export async function dropSchema(pgUrl: string, schema: string): Promise<void> {
  const drop = openDatabase(pgUrl, { poolMax: 1 });
  await drop.knex.raw(`drop schema if exists "${schema}" cascade`);
  await drop.close();
}
