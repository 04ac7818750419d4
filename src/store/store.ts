// The store: every repository over one database. Only this folder speaks Knex/SQL.
import { ClockStore } from './clock-store';
import { DefinitionStore } from './definition-store';
import { ExternalTaskStore } from './external-task-store';
import { HistoryStore } from './history-store';
import { IncidentStore } from './incident-store';
import { InstanceStore } from './instance-store';
import { JobStore } from './job-store';
import { OrderStore } from './order-store';
import { ScheduleStore } from './schedule-store';
import { StatsStore } from './stats-store';
import { SubscriptionStore } from './subscription-store';
import { TaskStore } from './task-store';
import { UserStore } from './user-store';
import { CustomerStore } from './customer-store';
import { GameServerStore } from './game-server-store';
import { ProductStore } from './product-store';
import { SyncRunStore } from './sync-run-store';
import { migrationsCurrent, type Database } from './database';

export class Store {
  readonly definitions: DefinitionStore;
  readonly instances: InstanceStore;
  readonly tasks: TaskStore;
  readonly subscriptions: SubscriptionStore;
  readonly history: HistoryStore;
  readonly incidents: IncidentStore;
  readonly users: UserStore;
  readonly stats: StatsStore;
  readonly jobs: JobStore;
  readonly externalTasks: ExternalTaskStore;
  readonly schedules: ScheduleStore;
  readonly clock: ClockStore;
  readonly orders: OrderStore;
  readonly gameServers: GameServerStore;
  readonly products: ProductStore;
  readonly customers: CustomerStore;
  readonly syncRuns: SyncRunStore;

  constructor(readonly db: Database) {
    const k = db.knex;
    this.gameServers = new GameServerStore(k);
    this.products = new ProductStore(k);
    this.customers = new CustomerStore(k);
    this.syncRuns = new SyncRunStore(k);
    this.definitions = new DefinitionStore(k);
    this.instances = new InstanceStore(k);
    this.tasks = new TaskStore(k);
    this.subscriptions = new SubscriptionStore(k);
    this.history = new HistoryStore(k);
    this.incidents = new IncidentStore(k);
    this.users = new UserStore(k);
    this.stats = new StatsStore(k, db.dialect);
    this.jobs = new JobStore(k, db.dialect);
    this.externalTasks = new ExternalTaskStore(k);
    this.schedules = new ScheduleStore(k, db.dialect);
    this.clock = new ClockStore(k);
    this.orders = new OrderStore(k);
  }

  /** Database reachable and migrations applied. */
  async ready(): Promise<boolean> {
    try {
      await this.db.knex.raw('select 1');
      return await migrationsCurrent(this.db);
    } catch {
      return false;
    }
  }
}
