// Path (b): procflow's application layer — the use cases over the event runner and the Store on
// SQLite or Postgres. Every
// event (start, each task completion) is loaded, applied and committed in one transaction before
// the call returns, exactly as the REST layer drives it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../src/app/access';
import { Idempotency } from '../src/app/idempotency';
import { Instances } from '../src/app/instances';
import { ProcessStarts } from '../src/app/process-starts';
import { Tasks } from '../src/app/tasks';
import { ScaledClock } from '../src/engine/clock';
import { DefinitionRegistry } from '../src/engine/definition-registry';
import { Deployer } from '../src/engine/deployer';
import { EventRunner } from '../src/engine/event-runner';
import { ServiceRegistry } from '../src/engine/service-registry';
import { createLogger } from '../src/log/logger';
import { migrateLatest, openDatabase, type Database } from '../src/store/database';
import { Store } from '../src/store/store';
import { BENCH_XML } from './bench-process';

export const ACTOR: Actor = { name: 'bench', groups: ['bench'] };

export type DbKind = 'sqlite' | 'postgres';

/** One database with the bench process deployed; runtimes with different cache sizes share it. */
export class BenchDatabase {
  private constructor(
    readonly kind: DbKind,
    readonly db: Database,
    readonly store: Store,
    readonly definitionKey: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async sqlite(label: string): Promise<BenchDatabase> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-bench-'));
    const file = path.join(dir, `${label}.db`);
    const db = openDatabase(`sqlite:${file}`);
    return BenchDatabase.prepare('sqlite', db, async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  /** A fresh schema in the Postgres database, dropped again by close(). */
  static async postgres(url: string, schema: string): Promise<BenchDatabase> {
    const admin = openDatabase(url, { poolMax: 1 });
    try {
      await admin.knex.raw(`create schema "${schema}"`);
    } finally {
      await admin.close();
    }
    const db = openDatabase(url, { searchPath: schema });
    return BenchDatabase.prepare('postgres', db, async () => {
      await db.close();
      const drop = openDatabase(url, { poolMax: 1 });
      try {
        await drop.knex.raw(`drop schema if exists "${schema}" cascade`);
      } finally {
        await drop.close();
      }
    });
  }

  private static async prepare(kind: DbKind, db: Database, cleanup: () => Promise<void>): Promise<BenchDatabase> {
    try {
      await migrateLatest(db);
      const store = new Store(db);
      const clock = new ScaledClock(1);
      const deployer = new Deployer(store, new DefinitionRegistry(store), clock, createLogger('warn', false));
      const deployed = await deployer.deploy(BENCH_XML, 'bench.bpmn');
      const key = deployed.definitions[0]?.key;
      if (!key) throw new Error('the bench process was not deployed');
      return new BenchDatabase(kind, db, store, key, cleanup);
    } catch (err) {
      await cleanup().catch(() => undefined);
      throw err;
    }
  }

  runtime(cacheSize: number): BenchRuntime {
    return new BenchRuntime(this, cacheSize);
  }

  async countOpenTasks(): Promise<number> {
    const row = (await this.db.knex('tasks').where({ state: 'open' }).count({ n: '*' }).first()) as { n?: unknown } | undefined;
    return Number(row?.n ?? 0);
  }

  close(): Promise<void> {
    return this.cleanup();
  }
}

/** The event runner in the normal configuration (budget 500 activities / 2 s) with a given cache size, and the use cases over it. */
export class BenchRuntime {
  readonly events: EventRunner;
  private readonly starts: ProcessStarts;
  private readonly tasks: Tasks;

  constructor(
    readonly bench: BenchDatabase,
    readonly cacheSize: number,
  ) {
    const store = bench.store;
    const clock = new ScaledClock(1);
    const registry = new DefinitionRegistry(store);
    const logger = createLogger('warn', false);
    this.events = new EventRunner(store, registry, clock, new ServiceRegistry(), logger, {
      cacheSize,
      budgetActivities: 500,
      budgetMs: 2000,
      serviceTimeoutMs: 30000,
      serviceRetries: 3,
      retryBackoffMs: 1000,
    });
    const ctx = { store, events: this.events, registry, clock, logger };
    this.starts = new ProcessStarts(ctx);
    this.tasks = new Tasks(ctx, new Instances(ctx), new Idempotency(ctx));
  }

  /** Starts an instance and leaves it waiting at task A; returns its id. */
  async start(i: number): Promise<string> {
    const instance = await this.starts.startLatest(this.bench.definitionKey, { variables: { n: i } }, ACTOR);
    return instance.id;
  }

  /**
   * A whole instance lifecycle, as a client would drive it: start, then list the instance's open
   * task and complete it, three times, until the instance has ended.
   */
  async lifecycle(i: number): Promise<void> {
    const instanceId = await this.start(i);
    let completed = 0;
    for (;;) {
      const open = await this.bench.store.tasks.list({ processInstanceId: instanceId, state: 'open' }, { limit: 10, offset: 0 });
      const task = open.items[0];
      if (!task) throw new Error(`instance ${instanceId} has no open task after ${completed} completions`);
      const { instance } = await this.tasks.complete(ACTOR, task.id, {});
      completed++;
      if (instance.state !== 'running') {
        if (instance.state !== 'completed' || completed !== 3) throw new Error(`instance ${instanceId} ended ${instance.state} after ${completed} tasks`);
        return;
      }
    }
  }

  close(): Promise<void> {
    return this.events.close();
  }
}
