// The core's migrations. Listed statically so that the same list runs from TypeScript (tests)
// and from the compiled JavaScript (the service), without globbing the file system. Each business
// area lists its own (src/areas/*/index.ts); the composition root runs them all, by name.
import type { Knex } from 'knex';
import * as core from './20261123000001_core';
import * as jobsAndSchedules from './20261123000003_jobs_and_schedules';
import * as externalTasks from './20261123000005_external_tasks';
import * as externalTaskCompletion from './20261201000007_external_task_completion';
import * as userIdentity from './20261201000008_user_identity';
import * as idempotencyKeys from './20261201000009_idempotency_keys';
import * as hotPathIndexes from './20261201000010_hot_path_indexes';
import * as externalTaskLocks from './20261210000010_external_task_locks';
import * as instanceRepair from './20261220000031_instance_repair';
import * as tokenEpoch from './20261220000041_token_epoch';
import * as growthIndexes from './20261220000042_growth_indexes';
import * as taskAttributes from './20261220000021_task_attributes';
import * as callActivity from './20261220000051_call_activity';
import * as dropPrefixIndexes from './20261220000061_drop_prefix_indexes';

export const migrations: Record<string, Knex.Migration> = {
  '20261123000001_core': core,
  '20261123000003_jobs_and_schedules': jobsAndSchedules,
  '20261123000005_external_tasks': externalTasks,
  '20261201000007_external_task_completion': externalTaskCompletion,
  '20261201000008_user_identity': userIdentity,
  '20261201000009_idempotency_keys': idempotencyKeys,
  '20261201000010_hot_path_indexes': hotPathIndexes,
  '20261210000010_external_task_locks': externalTaskLocks,
  '20261220000031_instance_repair': instanceRepair,
  '20261220000041_token_epoch': tokenEpoch,
  '20261220000042_growth_indexes': growthIndexes,
  '20261220000021_task_attributes': taskAttributes,
  '20261220000051_call_activity': callActivity,
  '20261220000061_drop_prefix_indexes': dropPrefixIndexes,
};
