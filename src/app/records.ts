// The records the use cases answer with, for the layers above (the HTTP edge maps them to the
// API's shapes in its views) without reaching into the store.
export type {
  DefinitionRecord,
  DeploymentRecord,
  ExternalTaskRecord,
  HistoryRecord,
  IncidentRecord,
  InstanceRecord,
  Page,
  PageQuery,
  TaskRecord,
  UserRecord,
} from '../store/types';
export type { ScheduleRecord } from '../store/schedule-store';
export type { JobRecord } from '../store/job-store';

import type { InstanceRecord } from '../store/types';

/** An instance with the number of its open incidents, as every instance answer shows it. */
export interface InstanceWithIncidents {
  instance: InstanceRecord;
  incidents: number;
}

/** The engine's hooks for counting what happens (the HTTP edge exposes them as Prometheus metrics). */
export type { CommittedInstance, RuntimeMetrics } from '../engine/event-runner';

/** Whether an error means the database is unreachable (the HTTP edge answers 503 DATABASE_UNAVAILABLE). */
export { isDatabaseUnavailable } from '../store/database-errors';
