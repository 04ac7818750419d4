// Wires game-server monitoring and the catalogue/CRM syncs: builds their connectors from the
// configuration (or points them at the built-in simulators), their services, and registers the
// service-task handlers of their processes.
import type { Logger } from 'winston';
import type { Config } from '../config';
import { CatalogueClient } from '../connectors/catalogue-client';
import { CrmClient } from '../connectors/crm-client';
import { GamedigQuery } from '../connectors/game-query';
import { createSmtpMailer } from '../connectors/mailer';
import { McsrvstatClient } from '../connectors/mcsrvstat-client';
import { StatusNotifier } from '../connectors/status-notifier';
import type { Clock } from '../engine/clock';
import type { ProcessRuntime } from '../engine/process-runtime';
import type { ServiceRegistry } from '../engine/service-registry';
import type { Store } from '../store/store';
import { registerCatalogueHandlers } from './catalogue/catalogue-handlers';
import { CatalogueService } from './catalogue/catalogue-service';
import { registerGameServerHandlers } from './game-servers/game-server-handlers';
import { GameServerService } from './game-servers/game-server-service';
import { SimulatedSystems } from './simulated-systems';

export interface MonitoringAndSyncDeps {
  config: Config;
  store: Store;
  runtime: ProcessRuntime;
  services: ServiceRegistry;
  clock: Clock;
  logger: Logger;
}

export interface MonitoringAndSync {
  gameServers: GameServerService;
  catalogue: CatalogueService;
  /**
   * Starts the simulators, points the unconfigured connectors at them, registers the demo servers
   * and runs a first poll and sync (the processes must be deployed by then).
   */
  startSimulators(): Promise<void>;
  close(): Promise<void>;
}

export function createMonitoringAndSync(deps: MonitoringAndSyncDeps): MonitoringAndSync {
  const { config, store, runtime, services, clock, logger } = deps;
  // Where the outside systems are; the simulators replace these when they start.
  const endpoints = { catalogue: config.catalogueUrl, crm: config.crmUrl, mcsrvstat: config.mcsrvstatUrl };
  const providers = { query: new GamedigQuery(), mcsrvstat: new McsrvstatClient(() => endpoints.mcsrvstat) };
  const notifier = new StatusNotifier({
    ...(config.smtpUrl ? { mailer: createSmtpMailer(config.smtpUrl, 'procflow <procflow@localhost>') } : {}),
    ...(config.gameNotifyEmail ? { emailTo: config.gameNotifyEmail } : {}),
    ...(config.gameNotifyWebhook ? { webhookUrl: config.gameNotifyWebhook } : {}),
    timeoutMs: 5000,
  });
  const gameServers = new GameServerService(
    store,
    runtime,
    clock,
    providers,
    notifier,
    { concurrency: config.gamePollConcurrency, timeoutMs: config.gamePollTimeoutMs, rawRetentionHours: config.gameSamplesRawHours },
    logger.child({ area: 'game-servers' }),
  );
  const catalogue = new CatalogueService(
    store,
    runtime,
    clock,
    new CatalogueClient(() => endpoints.catalogue, config.syncTimeoutMs),
    new CrmClient(() => endpoints.crm, config.syncTimeoutMs),
    logger.child({ area: 'catalogue' }),
  );
  registerGameServerHandlers(services, gameServers);
  registerCatalogueHandlers(services, catalogue);

  let simulators: SimulatedSystems | undefined;
  return {
    gameServers,
    catalogue,
    async startSimulators() {
      if (simulators) return;
      simulators = await SimulatedSystems.start();
      const replaced: string[] = [];
      if (!config.catalogueUrl) {
        endpoints.catalogue = simulators.catalogue.url;
        replaced.push(`catalogue ${simulators.catalogue.url}`);
      }
      if (!config.crmUrl) {
        endpoints.crm = simulators.crm.url;
        replaced.push(`CRM ${simulators.crm.url}`);
      }
      endpoints.mcsrvstat = simulators.mcsrvstat.url;
      replaced.push(`mcsrvstat API ${simulators.mcsrvstat.url}`, `Minecraft server 127.0.0.1:${simulators.minecraft.port}`);
      await gameServers.registerDemoServers(simulators.demoServers());
      // A first poll and sync at once, so that a newcomer sees data before the first schedule fires.
      const first = await Promise.allSettled([gameServers.pollNow(null), catalogue.startSync('products', null), catalogue.startSync('customers', null)]);
      for (const r of first)
        if (r.status === 'rejected')
          logger.warn(`first run against the simulators did not start: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      logger.info(
        `no outside system configured: built-in simulators started (${replaced.join('; ')}); two demo game servers registered. ` +
          'Set PROCFLOW_CATALOGUE_URL, PROCFLOW_CRM_URL and PROCFLOW_MCSRVSTAT_URL (or PROCFLOW_SIMULATORS=off) to use real systems.',
      );
    },
    async close() {
      await simulators?.close();
      simulators = undefined;
    },
  };
}
