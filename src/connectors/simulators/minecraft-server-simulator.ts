// A simulated Minecraft Java server that answers Server List Ping on loopback: handshake, status
// JSON, ping/pong, over VarInt-framed TCP packets. Tests and `npm start` demos use it; it can also
// misbehave on purpose (accept and never answer, answer garbage, write byte by byte).
import net from 'node:net';
import { PacketDecoder, PING, PONG, STATUS_REQUEST, encodePacket, encodeStatusResponse, parseHandshake } from '../minecraft/slp-framing';

export interface SimulatedStatus {
  versionName: string;
  protocol: number;
  playersOnline: number;
  playersMax: number;
  /** Lines of the message of the day; sent as a chat component with a § colour code, as real servers do. */
  motd: string[];
  playerNames: string[];
}

export type SimulatedBehaviour =
  /** Answers status and ping. */
  | 'normal'
  /** Accepts the connection and never sends a byte. */
  | 'silent'
  /** Answers the status request with bytes that are not a status packet. */
  | 'garbage';

export type SplitMode = false | 'bytes' | 'halves';

export interface MinecraftSimulatorOptions {
  status?: Partial<SimulatedStatus>;
  behaviour?: SimulatedBehaviour;
  /**
   * Splits every answer across TCP writes: `bytes` writes one byte at a time, `halves` in two
   * writes cut in the middle (frames then arrive split across reads).
   */
  splitWrites?: SplitMode;
  port?: number;
}

const DEFAULT_STATUS: SimulatedStatus = {
  versionName: '1.21.4',
  protocol: 769,
  playersOnline: 3,
  playersMax: 20,
  motd: ['A procflow simulated server'],
  playerNames: ['Alex', 'Steve', 'Notch'],
};

export class SimulatedMinecraftServer {
  status: SimulatedStatus;
  behaviour: SimulatedBehaviour;
  splitWrites: SplitMode;
  /** How many status requests it answered. */
  statusRequests = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private listeningPort = 0;

  private constructor(options: MinecraftSimulatorOptions) {
    this.status = { ...DEFAULT_STATUS, ...options.status };
    this.behaviour = options.behaviour ?? 'normal';
    this.splitWrites = options.splitWrites ?? false;
    this.server = net.createServer((socket) => this.serve(socket));
  }

  static async start(options: MinecraftSimulatorOptions = {}): Promise<SimulatedMinecraftServer> {
    const sim = new SimulatedMinecraftServer(options);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    sim.listeningPort = (sim.server.address() as net.AddressInfo).port;
    return sim;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return this.listeningPort;
  }

  /** The status JSON as a real server sends it. */
  statusJson(): Record<string, unknown> {
    const [first = '', ...rest] = this.status.motd;
    return {
      version: { name: this.status.versionName, protocol: this.status.protocol },
      players: {
        max: this.status.playersMax,
        online: this.status.playersOnline,
        sample: this.status.playerNames.slice(0, Math.min(12, this.status.playersOnline)).map((name, i) => ({
          name,
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        })),
      },
      description: { text: '', extra: [{ text: `§a${first}` }, ...rest.map((line) => ({ text: `\n${line}` }))] },
      enforcesSecureChat: false,
    };
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (this.behaviour === 'silent') return;
    const decoder = new PacketDecoder();
    let state: 'handshake' | 'status' = 'handshake';
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const packet of decoder.push(chunk)) {
          if (state === 'handshake') {
            const hs = parseHandshake(packet.payload);
            if (packet.id !== 0x00 || hs.nextState !== 1) {
              socket.destroy();
              return;
            }
            state = 'status';
          } else if (packet.id === STATUS_REQUEST && packet.payload.length === 0) {
            this.statusRequests++;
            if (this.behaviour === 'garbage') this.write(socket, encodePacket(0x7f, Buffer.from('not a status')));
            else this.write(socket, encodeStatusResponse(this.statusJson()));
          } else if (packet.id === PING) {
            this.write(socket, encodePacket(PONG, packet.payload), true);
          }
        }
      } catch {
        socket.destroy();
      }
    });
  }

  private readonly writeQueues = new WeakMap<net.Socket, Promise<void>>();

  private write(socket: net.Socket, bytes: Buffer, thenEnd = false): void {
    if (!this.splitWrites) {
      socket.write(bytes);
      if (thenEnd) socket.end();
      return;
    }
    // Each piece on its own turn of the loop (a little later), so that the reader sees split
    // frames; answers are queued so that their bytes never interleave.
    const pieces =
      this.splitWrites === 'bytes' ? [...bytes].map((b) => Buffer.from([b])) : [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];
    const previous = this.writeQueues.get(socket) ?? Promise.resolve();
    const done = previous.then(async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await new Promise((resolve) => setTimeout(resolve, this.splitWrites === 'bytes' ? 0 : 5));
      }
      if (thenEnd) socket.end();
    });
    this.writeQueues.set(socket, done);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on loopback that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
