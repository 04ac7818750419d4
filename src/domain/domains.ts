// The business areas, wired once by the composition root: each registers the service-task
// handlers its processes call and exposes the operations its HTTP routes use.
import type { Logger } from 'winston';
import type { Config } from '../config';
import type { Clock } from '../engine/clock';
import type { ProcessRuntime } from '../engine/process-runtime';
import type { ServiceRegistry } from '../engine/service-registry';
import type { Store } from '../store/store';
import { createOrdersDomain } from './orders/orders-domain';
import type { OrderService } from './orders/order-service';
import type { CatalogueService } from './catalogue/catalogue-service';
import type { GameServerService } from './game-servers/game-server-service';
import { createMonitoringAndSync } from './monitoring-and-sync';

export interface DomainDeps {
  config: Config;
  store: Store;
  runtime: ProcessRuntime;
  services: ServiceRegistry;
  clock: Clock;
  logger: Logger;
}

export interface Domains {
  orders: OrderService;
  gameServers: GameServerService;
  catalogue: CatalogueService;
  /** Starts the built-in simulators of the outside systems (npm start with none configured). */
  startSimulators(): Promise<void>;
  close(): Promise<void>;
}

export function createDomains(deps: DomainDeps): Domains {
  const monitoringAndSync = createMonitoringAndSync(deps);
  return {
    orders: createOrdersDomain(deps),
    gameServers: monitoringAndSync.gameServers,
    catalogue: monitoringAndSync.catalogue,
    startSimulators: () => monitoringAndSync.startSimulators(),
    close: () => monitoringAndSync.close(),
  };
}
