// The store: the core's repositories over one database. Only this folder (and the business
// areas' own *-store.ts files) speaks Knex/SQL.
import { ActivityStatsStore } from './activity-stats-store';
import { ClockStore } from './clock-store';
import { DefinitionStore } from './definition-store';
import { ExternalTaskStore } from './external-task-store';
import { HistoryStore } from './history-store';
import { IdempotencyStore } from './idempotency-store';
import { IncidentStore } from './incident-store';
import { InstanceStore } from './instance-store';
import { JobStore } from './job-store';
import { ScheduleStore } from './schedule-store';
import { StatsStore } from './stats-store';
import { SubscriptionStore } from './subscription-store';
import { TaskStore } from './task-store';
import { UserStore } from './user-store';
import { migrationsCurrent, type Database, type Migrations } from './database';

export class Store {
  readonly definitions: DefinitionStore;
  readonly instances: InstanceStore;
  readonly tasks: TaskStore;
  readonly subscriptions: SubscriptionStore;
  readonly history: HistoryStore;
  readonly incidents: IncidentStore;
  readonly users: UserStore;
  readonly stats: StatsStore;
  readonly activityStats: ActivityStatsStore;
  readonly jobs: JobStore;
  readonly externalTasks: ExternalTaskStore;
  readonly schedules: ScheduleStore;
  readonly clock: ClockStore;
  readonly idempotency: IdempotencyStore;

  constructor(
    readonly db: Database,
    /** The business areas' migrations, which readiness checks too. */
    private readonly areaMigrations: Migrations = {},
  ) {
    const k = db.knex;
    this.definitions = new DefinitionStore(k);
    this.instances = new InstanceStore(k, db.dialect);
    this.tasks = new TaskStore(k);
    this.subscriptions = new SubscriptionStore(k);
    this.history = new HistoryStore(k);
    this.incidents = new IncidentStore(k);
    this.users = new UserStore(k);
    this.stats = new StatsStore(k, db.dialect);
    this.activityStats = new ActivityStatsStore(k);
    this.jobs = new JobStore(k, db.dialect);
    this.externalTasks = new ExternalTaskStore(k, db.dialect);
    this.schedules = new ScheduleStore(k, db.dialect);
    this.clock = new ClockStore(k);
    this.idempotency = new IdempotencyStore(k);
  }

  /** Database reachable and migrations applied. */
  async ready(): Promise<boolean> {
    try {
      await this.db.knex.raw('select 1');
      return await migrationsCurrent(this.db, this.areaMigrations);
    } catch {
      return false;
    }
  }
}
