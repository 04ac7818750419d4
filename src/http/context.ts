// What the HTTP layer is handed by the composition root (src/main.ts).
import type { Logger } from 'winston';
import type { Config } from '../config';
import type { Clock } from '../engine/clock';
import type { Deployer } from '../engine/deployer';
import type { ProcessRuntime } from '../engine/process-runtime';
import type { Domains } from '../domain/domains';
import type { UserDirectory } from '../domain/user-directory';
import type { ClockSync } from '../jobs/clock-sync';
import type { Scheduler } from '../jobs/scheduler';
import type { Store } from '../store/store';
import type { HttpMetrics } from './metrics';

export interface HttpContext {
  config: Config;
  store: Store;
  runtime: ProcessRuntime;
  deployer: Deployer;
  users: UserDirectory;
  domains: Domains;
  clock: Clock;
  clockSync: ClockSync;
  scheduler: Scheduler;
  logger: Logger;
  metrics: HttpMetrics;
}
