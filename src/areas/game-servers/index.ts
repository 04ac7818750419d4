// The game-server area (docs/game-servers.md): servers polled by processes/game-server-monitor.bpmn
// on a timer — its migration, store, connectors (gamedig query, mcsrvstat), the poll, notify and
// roll-up handlers, the use cases, /api/game-servers, its schedule and its simulators.
import { GamedigQuery } from '../../connectors/game-query';
import { createSmtpMailer } from '../../connectors/mailer';
import { McsrvstatClient } from '../../connectors/mcsrvstat-client';
import { StatusNotifier } from '../../connectors/status-notifier';
import type { AreaModule, RunningArea } from '../area';
import { registerGameServerHandlers } from './game-server-handlers';
import { GAME_MONITOR_PROCESS, GameServerService } from './game-server-service';
import { GameServerSimulators } from './game-server-simulators';
import { GameServerStore } from './game-server-store';
import { gameServerPaths } from './http/game-server-openapi';
import { gameServerRoutes } from './http/game-server-routes';
import * as monitoringMigration from './migrations/20261123000004_monitoring_and_sync';
import * as queryPortMigration from './migrations/20261210000001_query_port_and_details';

export interface GameServersArea extends RunningArea {
  gameServers: GameServerService;
  store: GameServerStore;
}

export const gameServersArea: AreaModule<GameServersArea> = {
  name: 'game-servers',
  migrations: {
    '20261123000004_monitoring_and_sync': monitoringMigration,
    '20261210000001_query_port_and_details': queryPortMigration,
  },
  schedules: (config) => [{ name: 'game-server-monitor', processKey: GAME_MONITOR_PROCESS, recurrence: config.gamePollCycle }],
  create({ config, db, starts, services, clock, logger }) {
    const log = logger.child({ area: 'game-servers' });
    // Where the status API is; the simulator replaces it when it starts.
    const endpoints = { mcsrvstat: config.mcsrvstatUrl };
    const providers = { query: new GamedigQuery(), mcsrvstat: new McsrvstatClient(() => endpoints.mcsrvstat) };
    const notifier = new StatusNotifier({
      ...(config.smtpUrl ? { mailer: createSmtpMailer(config.smtpUrl, 'procflow <procflow@localhost>') } : {}),
      ...(config.gameNotifyEmail ? { emailTo: config.gameNotifyEmail } : {}),
      ...(config.gameNotifyWebhook ? { webhookUrl: config.gameNotifyWebhook } : {}),
      ...(config.gameNotifyWebhookFormat ? { webhookFormat: config.gameNotifyWebhookFormat } : {}),
      webhookAttempts: config.gameNotifyAttempts,
      retryBaseMs: config.gameNotifyRetryMs,
      timeoutMs: 5000,
    });
    const store = new GameServerStore(db.knex);
    const gameServers = new GameServerService(
      store,
      starts,
      clock,
      providers,
      notifier,
      { concurrency: config.gamePollConcurrency, timeoutMs: config.gamePollTimeoutMs, rawRetentionHours: config.gameSamplesRawHours },
      log,
    );
    registerGameServerHandlers(services, gameServers);
    let simulators: GameServerSimulators | undefined;
    return {
      name: 'game-servers',
      gameServers,
      store,
      http: { api: (ctx) => gameServerRoutes(ctx, gameServers), openapi: gameServerPaths },
      async startSimulators() {
        if (simulators) return;
        simulators = await GameServerSimulators.start();
        endpoints.mcsrvstat = simulators.mcsrvstat.url;
        await gameServers.registerDemoServers(simulators.demoServers());
        // A first poll at once, so that a newcomer sees data before the first schedule fires.
        await gameServers.pollNow(null).catch((err: unknown) => log.warn(`first poll of the demo servers did not start: ${String(err)}`));
        log.info(
          `built-in simulators started: mcsrvstat API ${simulators.mcsrvstat.url}, Minecraft server 127.0.0.1:${simulators.minecraft.port}; ` +
            'two demo game servers registered. Set PROCFLOW_MCSRVSTAT_URL (or PROCFLOW_SIMULATORS=off) to use the real API.',
        );
      },
      async close() {
        await simulators?.close();
        simulators = undefined;
      },
    };
  },
};
