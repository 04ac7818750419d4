// A simulated mcsrvstat.us API (v3): `GET /3/<address>` answers the JSON the real API does, for
// addresses it was told about (by hand, or by attaching a simulated Minecraft server); any other
// address is offline, as an unreachable server is for the real API.
import type { SimulatedMinecraftServer, SimulatedStatus } from './minecraft-server-simulator';
import { LoopbackHttpServer, type HttpAnswer } from './loopback-http-server';

type Source = { kind: 'static'; status: SimulatedStatus | null } | { kind: 'sim'; sim: SimulatedMinecraftServer; closed: () => boolean };

export class McsrvstatSimulator {
  /** When set, every answer is this one (a string is sent raw). */
  override: HttpAnswer | null = null;
  /** Answers wait this long (to simulate a slow API). */
  delayMs = 0;
  private readonly sources = new Map<string, Source>();

  private constructor(private readonly http: LoopbackHttpServer) {}

  static async start(): Promise<McsrvstatSimulator> {
    const box: { sim?: McsrvstatSimulator } = {};
    const http = await LoopbackHttpServer.start((method, path) => box.sim?.answer(method, path) ?? { status: 503, body: 'starting' });
    box.sim = new McsrvstatSimulator(http);
    return box.sim;
  }

  get url(): string {
    return this.http.url;
  }

  /** Says what the API reports for an address (`host` or `host:port`); null = offline. */
  setStatus(address: string, status: SimulatedStatus | null): void {
    this.sources.set(address, { kind: 'static', status });
  }

  /** Reports a simulated Minecraft server live, at `127.0.0.1:<port>`. */
  attach(server: SimulatedMinecraftServer, isClosed: () => boolean = () => false): void {
    this.sources.set(`${server.host}:${server.port}`, { kind: 'sim', sim: server, closed: isClosed });
  }

  requestsFor(address: string): number {
    return this.http.hitCount(`/3/${address}`);
  }

  private answer(method: string, path: string): HttpAnswer {
    const match = /^\/3\/([^/]+)$/.exec(path);
    if (method !== 'GET' || !match) return { status: 404, body: { error: `no route ${method} ${path}` } };
    if (this.override) return this.override;
    const address = decodeURIComponent(match[1] as string);
    const [host = address, portText] = address.split(':');
    const port = portText ? Number(portText) : 25565;
    const source = this.sources.get(address) ?? (portText ? undefined : this.sources.get(`${host}:25565`));
    let status: SimulatedStatus | null = null;
    if (source?.kind === 'static') status = source.status;
    if (source?.kind === 'sim' && !source.closed() && source.sim.behaviour === 'normal') status = source.sim.status;
    const now = Math.floor(Date.now() / 1000);
    const debug = {
      ping: status !== null,
      query: false,
      bedrock: false,
      srv: false,
      querymismatch: false,
      ipinsrv: false,
      cnameinsrv: false,
      animatedmotd: false,
      cachehit: false,
      cachetime: now,
      cacheexpire: now + 60,
      apiversion: 3,
    };
    const base = { ip: host, port, hostname: host, debug };
    const body = status
      ? {
          ...base,
          online: true,
          version: status.versionName,
          protocol: { version: status.protocol, name: status.versionName },
          players: {
            online: status.playersOnline,
            max: status.playersMax,
            list: status.playerNames.slice(0, status.playersOnline).map((name) => ({ name, uuid: `sim-${name.toLowerCase()}` })),
          },
          motd: { raw: status.motd.map((l) => `§a${l}`), clean: status.motd, html: status.motd.map((l) => `<span style="color: #55FF55">${l}</span>`) },
        }
      : { ...base, online: false };
    return { status: 200, body, delayMs: this.delayMs };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
