// The built-in stand-ins for the game servers' outside systems, for a first run with nothing
// configured: a Minecraft server (Server List Ping) and an mcsrvstat-compatible API on 127.0.0.1
// and free ports, with two demo servers pointing at them.
import { McsrvstatSimulator } from '../../connectors/simulators/mcsrvstat-simulator';
import { SimulatedMinecraftServer } from '../../connectors/simulators/minecraft-server-simulator';
import type { GameServerProvider } from './game-server-store';

export interface DemoServer {
  name: string;
  game: string;
  host: string;
  port: number;
  provider: GameServerProvider;
}

export class GameServerSimulators {
  private readonly wander: NodeJS.Timeout;

  private constructor(
    readonly minecraft: SimulatedMinecraftServer,
    readonly mcsrvstat: McsrvstatSimulator,
  ) {
    // Players come and go, so that the demo shows live data.
    this.wander = setInterval(() => {
      const s = minecraft.status;
      s.playersOnline = Math.max(0, Math.min(s.playersMax, s.playersOnline + Math.round(Math.random() * 4 - 2)));
    }, 20000);
    this.wander.unref();
  }

  static async start(): Promise<GameServerSimulators> {
    const minecraft = await SimulatedMinecraftServer.start({
      status: {
        motd: ['procflow demo server', 'simulated on this machine'],
        playersOnline: 5,
        playersMax: 20,
        playerNames: ['Alex', 'Steve', 'Zuri', 'Kai', 'Noor', 'Sunny'],
      },
    });
    const mcsrvstat = await McsrvstatSimulator.start();
    mcsrvstat.attach(minecraft);
    return new GameServerSimulators(minecraft, mcsrvstat);
  }

  demoServers(): DemoServer[] {
    const { host, port } = this.minecraft;
    return [
      { name: 'Demo Minecraft (query)', game: 'minecraft', host, port, provider: 'query' },
      { name: 'Demo Minecraft (mcsrvstat)', game: 'minecraft', host, port, provider: 'mcsrvstat' },
    ];
  }

  async close(): Promise<void> {
    clearInterval(this.wander);
    await Promise.allSettled([this.minecraft.close(), this.mcsrvstat.close()]);
  }
}
