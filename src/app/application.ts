// The application layer assembled: one use-case module per resource. HTTP routes and the job
// executor call only these; the rules (access, validation, which instance an event goes to)
// live in them and in access.ts.
import type { Deployer } from '../engine/deployer';
import { ActivityStatsUseCase } from './activity-stats';
import type { ClockSync } from './clock-sync';
import type { AppContext } from './context';
import { Definitions } from './definitions';
import { ExternalTasks } from './external-tasks';
import { Idempotency } from './idempotency';
import { Incidents } from './incidents';
import { Instances } from './instances';
import { InstanceVariables } from './instance-variables';
import { JobList } from './job-list';
import { Jobs } from './jobs';
import { Messages } from './messages';
import { ProcessStarts } from './process-starts';
import { Retention, type RetentionSettings } from './retention';
import type { Scheduler } from './scheduler';
import { Schedules } from './schedules';
import { Stats } from './stats';
import { Tasks } from './tasks';
import type { UserDirectory } from './user-directory';
import { Users } from './users';

export interface Application {
  definitions: Definitions;
  instances: Instances;
  /** Operators' repairs of running instances: variables, triggers. */
  instanceVariables: InstanceVariables;
  /** The job list (timers, retries, scheduled starts). */
  jobList: JobList;
  tasks: Tasks;
  messages: Messages;
  externalTasks: ExternalTasks;
  incidents: Incidents;
  users: Users;
  schedules: Schedules;
  stats: Stats;
  /** The cockpit's per-activity counts and durations of one definition. */
  activityStats: ActivityStatsUseCase;
  jobs: Jobs;
  starts: ProcessStarts;
  retention: Retention;
  /** Database reachable and every migration (the core's and the areas') applied. */
  ready(): Promise<boolean>;
}

export function createApplication(
  ctx: AppContext,
  parts: { deployer: Deployer; scheduler: Scheduler; clockSync: ClockSync; users: UserDirectory; metricsToken?: string; retention: RetentionSettings },
): Application {
  const starts = new ProcessStarts(ctx);
  const instances = new Instances(ctx);
  const idempotency = new Idempotency(ctx);
  const messages = new Messages(ctx, instances, starts, idempotency);
  return {
    definitions: new Definitions(ctx, parts.deployer, starts, instances, idempotency),
    instances,
    instanceVariables: new InstanceVariables(ctx, instances),
    jobList: new JobList(ctx),
    tasks: new Tasks(ctx, instances, idempotency),
    messages,
    externalTasks: new ExternalTasks(ctx, instances, idempotency),
    incidents: new Incidents(ctx, instances),
    users: new Users(parts.users, parts.metricsToken),
    schedules: new Schedules(parts.scheduler, parts.clockSync, ctx.clock),
    stats: new Stats(ctx),
    activityStats: new ActivityStatsUseCase(ctx),
    jobs: new Jobs(ctx, starts, parts.scheduler, parts.clockSync, messages),
    starts,
    retention: new Retention(ctx, parts.retention),
    ready: () => ctx.store.ready(),
  };
}
