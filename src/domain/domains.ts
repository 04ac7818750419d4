// The business areas, wired once by the composition root: each registers the service-task
// handlers its processes call and exposes the operations its HTTP routes use.
import type { Logger } from 'winston';
import type { Config } from '../config';
import type { Clock } from '../engine/clock';
import type { ProcessRuntime } from '../engine/process-runtime';
import type { ServiceRegistry } from '../engine/service-registry';
import type { Store } from '../store/store';

export interface DomainDeps {
  config: Config;
  store: Store;
  runtime: ProcessRuntime;
  services: ServiceRegistry;
  clock: Clock;
  logger: Logger;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Domains {}

export function createDomains(_deps: DomainDeps): Domains {
  return {};
}
