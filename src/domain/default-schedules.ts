// The recurring starts of the monitoring and sync processes, for the scheduler to pick up:
// their cycles come from configuration (PROCFLOW_GAME_POLL_CYCLE, PROCFLOW_CATALOGUE_SYNC_CYCLE,
// PROCFLOW_CRM_SYNC_CYCLE), with the defaults that the diagrams show on their timer start events.
import type { Config } from '../config';
import { CATALOGUE_SYNC_PROCESS, CRM_SYNC_PROCESS } from './catalogue/catalogue-service';
import { GAME_MONITOR_PROCESS } from './game-servers/game-server-service';

export interface DefaultSchedule {
  name: string;
  processKey: string;
  /** ISO 8601 repeating interval (R/PT1M) or cron, as /api/schedules takes it. */
  recurrence: string;
}

export function defaultSchedules(config: Pick<Config, 'gamePollCycle' | 'catalogueSyncCycle' | 'crmSyncCycle'>): DefaultSchedule[] {
  return [
    { name: 'game-server-monitor', processKey: GAME_MONITOR_PROCESS, recurrence: config.gamePollCycle },
    { name: 'catalogue-sync', processKey: CATALOGUE_SYNC_PROCESS, recurrence: config.catalogueSyncCycle },
    { name: 'crm-sync', processKey: CRM_SYNC_PROCESS, recurrence: config.crmSyncCycle },
  ];
}
