// The service tasks of processes/game-server-monitor.bpmn.
import type { ServiceRegistry } from '../../engine/service-registry';
import type { GameServerService } from './game-server-service';

export const GAME_SERVER_TOPICS = {
  poll: 'game-servers.poll',
  notify: 'game-servers.notify',
  rollUp: 'game-servers.roll-up',
} as const;

export function registerGameServerHandlers(services: ServiceRegistry, gameServers: GameServerService): void {
  // Output variables stay small (counts): the instance row keeps them.
  services.register(GAME_SERVER_TOPICS.poll, async (call) => ({ ...(await gameServers.sweep(call.processInstanceId)) }));
  services.register(GAME_SERVER_TOPICS.notify, async (call) => ({ ...(await gameServers.notify(call.processInstanceId)) }));
  services.register(GAME_SERVER_TOPICS.rollUp, async () => ({ ...(await gameServers.rollUp()) }));
}
