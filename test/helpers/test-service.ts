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
import type { TestDatabase } from './databases';

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

export async function startTestService(
  db: TestDatabase,
  opts: {
    processesDir?: string;
    env?: Record<string, string>;
    registerServices?: (r: ServiceRegistry) => void;
    defaultSchedules?: boolean;
    /** Run the job executor's polling loop (on by default); without it, due jobs run when the test runs them (runDueJobs). */
    runJobs?: boolean;
  } = {},
): Promise<TestService> {
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
