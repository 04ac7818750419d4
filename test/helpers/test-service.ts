// Starts procflow on a test database (in-process, on a free port) and stops it, so that a test
// can stop the service in the middle and start a new one on the same database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import winston from 'winston';
import { loadConfig } from '../../src/config';
import type { ServiceRegistry } from '../../src/engine/service-registry';
import { startService, type Service } from '../../src/main';
import { createTestDatabase, type TestDatabase } from './databases';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'bpmn');
export const CONFORMANCE = path.resolve(__dirname, '..', '..', '..', 'shared', 'conformance');

export interface TestService {
  service: Service;
  http: supertest.Agent;
  /** An agent that sends the given bearer token. */
  as(token: string): supertest.Agent;
  admin: supertest.Agent;
  stop(): Promise<void>;
}

const quietLogger = () =>
  winston.createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error', transports: [new winston.transports.Console({ silent: !process.env.TEST_LOG_LEVEL })] });

export interface TestServiceOptions {
  processesDir?: string;
  env?: Record<string, string>;
  registerServices?: (r: ServiceRegistry) => void;
  defaultSchedules?: boolean;
  /** Run the job executor's polling loop (on by default); without it, due jobs run when the test runs them (runDueJobs). */
  runJobs?: boolean;
}

export async function startTestService(db: TestDatabase, opts: TestServiceOptions = {}): Promise<TestService> {
  const processesDir = opts.processesDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-empty-'));
  const config = loadConfig({
    PROCFLOW_DATABASE_URL: db.url,
    PROCFLOW_PORT: '0',
    PROCFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
    PROCFLOW_PROCESSES_DIR: processesDir,
    PROCFLOW_LOG_LEVEL: 'error',
    ...opts.env,
  });
  const service = await startService(config, {
    listen: true,
    logger: quietLogger(),
    ...(db.searchPath ? { searchPath: db.searchPath } : {}),
    ...(opts.registerServices ? { registerServices: opts.registerServices } : {}),
    // The business areas' recurring polls and syncs only where a test asks for them.
    defaultSchedules: opts.defaultSchedules ?? false,
    ...(opts.runJobs === false ? { runJobs: false } : {}),
  });
  const as = (token: string) => supertest.agent(service.url).set('Authorization', `Bearer ${token}`);
  return { service, http: supertest.agent(service.url), as, admin: as(ADMIN_TOKEN), stop: () => service.close() };
}

/**
 * Carries out the jobs due by the service clock now, as one round of the job executor does
 * (leased, run, deleted in their events' transactions): what `managementService.executeJob` is
 * to a Camunda test. Returns how many ran.
 */
export async function runDueJobs(t: TestService): Promise<number> {
  const owner = 'test-job-runner';
  let ran = 0;
  for (;;) {
    const jobs = await t.service.application.jobs.acquire(owner, 60_000, 25);
    for (const job of jobs) await t.service.application.jobs.run(job, owner);
    ran += jobs.length;
    if (jobs.length < 25) return ran;
  }
}

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

export async function deploy(t: TestService, xml: string | Buffer, name = 'test.bpmn') {
  return t.admin
    .post(`/api/deployments?name=${encodeURIComponent(name)}`)
    .set('Content-Type', 'application/xml')
    .send(xml);
}

export async function createUser(t: TestService, name: string, groups: string[]): Promise<string> {
  const res = await t.admin.post('/api/users').send({ name, groups });
  if (res.status !== 201) throw new Error(`could not create user ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}

/** A service of a describe block: a TestService that forwards to the one running now. */
export interface DescribeService extends TestService {
  /** The block's database. */
  readonly db: TestDatabase;
  /** Stops the service and starts a new one on the same database (with other options, if given). */
  restart(opts?: TestServiceOptions): Promise<void>;
}

/**
 * A fresh database of `kind` and a service on it for the enclosing describe block: created in
 * its beforeAll, stopped and dropped in its afterAll.
 */
export function serviceForDescribe(kind: TestDatabase['name'], opts: TestServiceOptions = {}): DescribeService {
  return describeService(kind, opts, beforeAll, afterAll);
}

/** The same, with a fresh database and service for each test of the block. */
export function serviceForEachTest(kind: TestDatabase['name'], opts: TestServiceOptions = {}): DescribeService {
  return describeService(kind, opts, beforeEach, afterEach);
}

function describeService(
  kind: TestDatabase['name'],
  opts: TestServiceOptions,
  before: (fn: () => Promise<void>) => void,
  after: (fn: () => Promise<void>) => void,
): DescribeService {
  let db: TestDatabase | undefined;
  let current: TestService | undefined;
  before(async () => {
    db = await createTestDatabase(kind);
    current = await startTestService(db, opts);
  });
  after(async () => {
    await current?.stop();
    await db?.drop();
    current = undefined;
    db = undefined;
  });
  const now = (): TestService => {
    if (!current) throw new Error('the service of this describe block starts in its beforeAll');
    return current;
  };
  return {
    get db() {
      if (!db) throw new Error('the database of this describe block is created in its beforeAll');
      return db;
    },
    get service() {
      return now().service;
    },
    get http() {
      return now().http;
    },
    get admin() {
      return now().admin;
    },
    as: (token) => now().as(token),
    stop: () => now().stop(),
    async restart(next = opts) {
      await now().stop();
      current = undefined;
      current = await startTestService(this.db, next);
    },
  };
}
