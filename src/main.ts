// The composition root: config → store → engine → app (with the business areas) → jobs → http,
// and graceful shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApplication, type Application } from './app/application';
import { ClockSync } from './app/clock-sync';
import { Scheduler } from './app/scheduler';
import { UserDirectory } from './app/user-directory';
import { areaMigrations, createAreas, defaultSchedules, retainedDefinitions, type Areas } from './areas';
import { loadConfig, type Config } from './config';
import { ScaledClock } from './engine/clock';
import { DefinitionRegistry } from './engine/definition-registry';
import { Deployer } from './engine/deployer';
import { EventRunner } from './engine/event-runner';
import { deployDirectory } from './engine/process-directory';
import { ServiceRegistry } from './engine/service-registry';
import { createApp } from './http/app';
import { HttpMetrics } from './http/metrics';
import { JobExecutor } from './jobs/job-executor';
import { createLogger, serializeError, type Logger } from './log/logger';
import { migrateLatest, openDatabase } from './store/database';
import { Store } from './store/store';

export interface Service {
  app: Express;
  store: Store;
  application: Application;
  areas: Areas;
  events: EventRunner;
  services: ServiceRegistry;
  jobs: JobExecutor;
  logger: Logger;
  url: string;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Listen on this port (0 = any free port). */
  listen?: boolean;
  logger?: Logger;
  /** Postgres schema to use (tests run one schema per file). */
  searchPath?: string;
  /** Register handlers for service-task topics before processes are deployed. */
  registerServices?: (registry: ServiceRegistry) => void;
  /** Create the business areas' recurring schedules (polls, syncs); on by default. */
  defaultSchedules?: boolean;
  /** Run the job executor (timers, retries, schedules); on by default. */
  runJobs?: boolean;
  /** Start the built-in simulators of the outside systems (`npm start` with none configured; tests leave them off). */
  simulators?: boolean;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.databaseUrl, {
    ...(options.searchPath ? { searchPath: options.searchPath } : {}),
    ...(config.sqliteCheckpointMs > 0
      ? { backgroundCheckpoint: { intervalMs: config.sqliteCheckpointMs, onError: (message: string) => logger.warn('SQLite checkpoint failed', { message }) } }
      : {}),
  });
  const migrations = areaMigrations();
  const applied = await migrateLatest(db, migrations);
  if (applied.length) logger.info('migrations applied', { migrations: applied });
  const store = new Store(db, migrations);
  const clock = new ScaledClock(config.clockSpeed);
  const clockSync = new ClockSync(store, clock);
  await clockSync.init(config.clockSpeed);
  const services = new ServiceRegistry();
  options.registerServices?.(services);
  const metrics = new HttpMetrics();
  const registry = new DefinitionRegistry(store);
  const deployer = new Deployer(store, registry, clock, logger.child({ component: 'deployer' }));
  const events = new EventRunner(
    store,
    registry,
    clock,
    services,
    logger.child({ component: 'events' }),
    {
      cacheSize: config.engineCacheSize,
      budgetActivities: config.eventBudgetActivities,
      budgetMs: config.eventBudgetMs,
      serviceRetries: config.serviceRetries,
      serviceTimeoutMs: config.serviceTimeoutMs,
      retryBackoffMs: config.retryBackoffMs,
      unhandledBpmnError: config.unhandledBpmnError,
    },
    metrics.runtime(),
  );
  const users = new UserDirectory(store, clock);
  await users.ensureAdmin(config.adminToken, logger);
  const scheduler = new Scheduler(store, clock, logger.child({ component: 'scheduler' }));
  const application = createApplication(
    { store, events, registry, clock, logger: logger.child({ component: 'app' }) },
    {
      deployer,
      scheduler,
      clockSync,
      users,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      retention: {
        ...(config.historyTtlDays !== undefined ? { defaultDays: config.historyTtlDays } : {}),
        keep: retainedDefinitions(),
        batch: 500,
        maxPerSweep: 5000,
      },
    },
  );
  const areas = createAreas({ config, db, store, starts: application.starts, services, clock, logger: logger.child({ component: 'area' }) });
  deployer.onDeployed((definitions) => scheduler.syncModelSchedules(definitions));
  await deployDirectory(config.processesDir, deployer, logger.child({ component: 'deployer' }));
  if (options.simulators) for (const area of areas.list) await area.startSimulators?.();
  // The business areas' recurring starts (configurable cycles), then timer start events of models.
  if (options.defaultSchedules !== false) for (const s of defaultSchedules(config)) await scheduler.create(s, 'config');
  await scheduler.syncModelSchedules(await store.definitions.list(false));
  const jobs = new JobExecutor(application.jobs, logger.child({ component: 'jobs' }), {
    pollMs: config.jobPollMs,
    leaseMs: config.jobLeaseMs,
    batch: 25,
    concurrency: 4,
    onLag: (s) => metrics.jobLag.set(s),
    retention: { sweep: () => application.retention.sweep(), everyMs: config.retentionIntervalMs },
  });
  if (options.runJobs !== false) jobs.start();

  const app = createApp({ config, app: application, areas: areas.list, logger, metrics });
  let server: http.Server | undefined;
  let url = '';
  if (options.listen !== false) {
    server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(config.port, config.host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    url = `http://${config.host}:${addr.port}`;
    logger.info(`procflow listening on ${url} (database: ${db.dialect})`);
  }

  // A stop loses no answer: no new connections, requests in flight answer (within the grace
  // period), then the job executor, the areas, the event runner and the database stop, in that
  // order, so that nothing still running finds its database gone.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      if (server) await drain(server, config.shutdownGraceMs, logger);
      await jobs.stop();
      for (const area of areas.list) await area.close?.();
      await events.close();
      await db.close();
    })();
    return closing;
  };
  return { app, store, application, areas, events, services, jobs, logger, url, close };
}

/**
 * Stops accepting connections and waits until every request in flight has answered; keep-alive
 * connections are closed as soon as they are idle, and an answer given meanwhile says
 * `Connection: close`. What is still running after `graceMs` has its connection closed.
 */
async function drain(server: http.Server, graceMs: number, logger: Logger): Promise<void> {
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A connection whose request answers after close() would otherwise stay open until keep-alive ends.
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  let grace: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    grace = setTimeout(() => resolve(true), graceMs);
  });
  try {
    if (await Promise.race([closed.then(() => false), late])) {
      logger.warn(`requests still in flight after the shutdown grace period (${graceMs} ms): closing their connections`);
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(idle);
    clearTimeout(grace);
  }
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const service = await startService(config, { logger, simulators: config.simulators });
  const shutdown = (signal: string) => {
    logger.info(`${signal} received, shutting down`);
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: serializeError(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`procflow failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
