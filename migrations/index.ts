// The migrations in order. Listed statically so that the same list runs from TypeScript (tests)
// and from the compiled JavaScript (the service), without globbing the file system.
import type { Knex } from 'knex';
import * as core from './20261123000001_core';
import * as orders from './20261123000002_orders';
import * as jobsAndSchedules from './20261123000003_jobs_and_schedules';
import * as monitoringAndSync from './20261123000004_monitoring_and_sync';
import * as externalTasks from './20261123000005_external_tasks';

export const migrations: Record<string, Knex.Migration> = {
  '20261123000001_core': core,
  '20261123000002_orders': orders,
  '20261123000003_jobs_and_schedules': jobsAndSchedules,
  '20261123000004_monitoring_and_sync': monitoringAndSync,
  '20261123000005_external_tasks': externalTasks,
};
