// Each query family against a stand-in written here, in the game's own wire format (not procflow's
// simulator), listening on the QUERY port that gamedig's game list derives — the server is
// registered with its game port only:
// - Minecraft Java, Server List Ping over TCP (query port = game port), as https://wiki.vg/Server_List_Ping describes;
// - Valheim, Steam A2S_INFO / A2S_PLAYER over UDP with the S2C_CHALLENGE step, as the Valve
//   developer wiki (https://developer.valvesoftware.com/wiki/Server_queries) describes: game port 2456 → query 2457;
// - Multi Theft Auto: San Andreas, All-Seeing Eye over UDP: game port 22003 → query 22126 (+123).
// Plus: an unknown game or protocol-* type is refused when it is registered.
import dgram from 'node:dgram';
import net from 'node:net';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

// ---- Minecraft Java: Server List Ping ----

function varInt(n: number): Buffer {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}

function readVarInt(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= buf.length) return undefined;
    const b = buf[at + i] as number;
    value |= (b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return { value, next: at + i + 1 };
  }
  return undefined;
}

const frame = (id: number, payload: Buffer) => {
  const body = Buffer.concat([varInt(id), payload]);
  return Buffer.concat([varInt(body.length), body]);
};

/** The status JSON of wiki.vg's Server List Ping page (its example, players and favicon shortened). */
const SLP_STATUS = {
  version: { name: '1.19.4', protocol: 762 },
  players: { max: 100, online: 5, sample: [{ name: 'thinkofdeath', id: '4566e69f-c907-48ee-8d71-d7ba5aa00d20' }] },
  description: { text: 'Hello, world!' },
  favicon: 'data:image/png;base64,iVBORw0KGgo=',
  enforcesSecureChat: true,
};

async function slpStandIn(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const len = readVarInt(buf, 0);
        if (!len || buf.length < len.next + len.value) return;
        const packet = buf.subarray(len.next, len.next + len.value);
        buf = buf.subarray(len.next + len.value);
        const id = readVarInt(packet, 0);
        if (!id) return;
        // Handshake (0x00 with a body) then status request (0x00, empty) and ping (0x01 + long).
        if (id.value === 0 && packet.length === id.next) {
          const json = Buffer.from(JSON.stringify(SLP_STATUS), 'utf8');
          socket.write(frame(0, Buffer.concat([varInt(json.length), json])));
        } else if (id.value === 1) {
          socket.write(frame(1, packet.subarray(id.next)));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

// ---- UDP stand-ins ----

async function udpStandIn(port: number, answer: (msg: Buffer) => Buffer | undefined): Promise<{ requests: Buffer[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const requests: Buffer[] = [];
  socket.on('message', (msg, rinfo) => {
    requests.push(msg);
    const reply = answer(msg);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return { requests, close: () => new Promise((r) => socket.close(() => r())) };
}

const cstr = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const HEADER = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const CHALLENGE = Buffer.from([0x4b, 0xa1, 0x0f, 0x27]);

/** A2S_INFO and A2S_PLAYER as a Valve server answers them, challenge first (Valve developer wiki, "Server queries"). */
function a2sAnswer(msg: Buffer): Buffer | undefined {
  if (!msg.subarray(0, 4).equals(HEADER)) return undefined;
  const type = msg[4];
  if (type === 0x54) {
    // "FF FF FF FF 54 Source Engine Query\0" [+ challenge]
    const payload = msg.subarray(5);
    const challenged = payload.length >= 24 && payload.subarray(payload.length - 4).equals(CHALLENGE);
    if (!challenged) return Buffer.concat([HEADER, Buffer.from([0x41]), CHALLENGE]);
    return Buffer.concat([
      HEADER,
      Buffer.from([0x49, 0x11]), // 'I', protocol 17
      cstr('Viking Hall'),
      cstr('Dedicated'),
      cstr('valheim'),
      cstr('Valheim'),
      Buffer.from([0x00, 0x00]), // ID 0 (short)
      Buffer.from([3, 10, 0]), // players, max players, bots
      Buffer.from('dl', 'latin1'), // dedicated, linux
      Buffer.from([0x00, 0x01]), // public, VAC secured
      cstr('0.217.46'),
      Buffer.from([0x80, 0x98, 0x09]), // EDF: game port follows — 2456 (little endian)
    ]);
  }
  if (type === 0x55) {
    const challenge = msg.subarray(5, 9);
    if (!challenge.equals(CHALLENGE)) return Buffer.concat([HEADER, Buffer.from([0x41]), CHALLENGE]);
    const player = (i: number, name: string, score: number, seconds: number) => {
      const b = Buffer.alloc(8);
      b.writeInt32LE(score, 0);
      b.writeFloatLE(seconds, 4);
      return Buffer.concat([Buffer.from([i]), cstr(name), b]);
    };
    return Buffer.concat([HEADER, Buffer.from([0x44, 3]), player(0, 'Ragnar', 0, 120), player(1, 'Lagertha', 0, 95.5), player(2, 'Bjorn', 0, 12)]);
  }
  return undefined;
}

/** All-Seeing Eye ("s" → "EYE1" and length-prefixed strings, each length counting its own byte). */
function aseAnswer(msg: Buffer): Buffer | undefined {
  if (msg.toString('latin1') !== 's') return undefined;
  const p = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s, 'latin1')]);
  return Buffer.concat([
    Buffer.from('EYE1', 'latin1'),
    p('mta'),
    p('22003'),
    p('Los Santos Roleplay'),
    p('Freeroam'),
    p('San Andreas'),
    p('1.6'),
    p('0'),
    p('2'),
    p('64'),
    p(''), // end of rules
    Buffer.from([0x01]),
    p('CJ'),
    Buffer.from([0x01]),
    p('Sweet'),
  ]);
}

const VALHEIM_QUERY_PORT = 2457;
const MTA_QUERY_PORT = 22126;

describe.each(databaseKinds)('gamedig query families, asked on their query ports, on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let ops: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['game-server-monitor.bpmn']),
      env: { PROCFLOW_GAME_POLL_TIMEOUT_MS: '1500', PROCFLOW_SERVICE_RETRIES: '0', PROCFLOW_MCSRVSTAT_URL: 'http://127.0.0.1:9' },
    });
    ops = await createUser(t, 'olivia', ['ops']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  afterEach(async () => {
    const list = (await t.as(ops).get('/api/game-servers?limit=500')).body as { items: Array<{ id: string }> };
    for (const s of list.items) await t.as(ops).delete(`/api/game-servers/${s.id}`);
  });

  async function pollOnce(): Promise<void> {
    const res = await t.as(ops).post('/api/game-servers/poll').send({});
    expect(res.status).toBe(202);
  }

  test('Minecraft Java by Server List Ping: players with their names, protocol and icon from a raw SLP stand-in', async () => {
    const mc = await slpStandIn();
    try {
      const added = await t.as(ops).post('/api/game-servers').send({ name: 'SLP', game: 'minecraft', host: '127.0.0.1', port: mc.port });
      expect(added.body).toMatchObject({ port: mc.port, queryPort: mc.port });
      await pollOnce();
      const s = await t.as(ops).get(`/api/game-servers/${added.body.id as string}`);
      expect(s.body).toMatchObject({
        online: true,
        playersOnline: 5,
        playersMax: 100,
        motd: 'Hello, world!',
        version: '1.19.4',
        players: [{ name: 'thinkofdeath', id: '4566e69f-c907-48ee-8d71-d7ba5aa00d20' }],
        protocol: { version: 762, name: '1.19.4' },
        icon: 'data:image/png;base64,iVBORw0KGgo=',
      });
    } finally {
      await mc.close();
    }
  });

  test('Valheim registered with its game port 2456 is asked by A2S on query port 2457', async () => {
    const valve = await udpStandIn(VALHEIM_QUERY_PORT, a2sAnswer);
    try {
      const added = await t.as(ops).post('/api/game-servers').send({ name: 'Viking', game: 'valheim', host: '127.0.0.1' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ port: 2456, queryPort: 2457 });
      await pollOnce();
      const s = await t.as(ops).get(`/api/game-servers/${added.body.id as string}`);
      expect(s.body).toMatchObject({
        online: true,
        playersOnline: 3,
        playersMax: 10,
        motd: 'Viking Hall',
        version: '0.217.46',
        players: expect.arrayContaining([{ name: 'Ragnar' }, { name: 'Lagertha' }, { name: 'Bjorn' }]),
      });
      expect(s.body.error).toBeUndefined();
      // The challenge round trip happened: an A2S_INFO without and one with the challenge.
      const infos = valve.requests.filter((m) => m[4] === 0x54);
      expect(infos.length).toBeGreaterThanOrEqual(2);
    } finally {
      await valve.close();
    }
  });

  test("a game port given by hand gets the game's query offset; a query port given by hand is used as it is", async () => {
    const byGame = await t.as(ops).post('/api/game-servers').send({ game: 'valheim', host: 'v.example', port: 2556 });
    expect(byGame.body).toMatchObject({ port: 2556, queryPort: 2557 });
    const byQuery = await t.as(ops).post('/api/game-servers').send({ game: 'valheim', host: 'w.example', queryPort: 2467 });
    expect(byQuery.body).toMatchObject({ port: 2466, queryPort: 2467 });
    const both = await t.as(ops).post('/api/game-servers').send({ game: 'valheim', host: 'x.example', port: 2456, queryPort: 3000 });
    expect(both.body).toMatchObject({ port: 2456, queryPort: 3000 });
    // A game with only a query port in gamedig's list (ARMA Reforger: 17777) needs no port typed in.
    const reforger = await t.as(ops).post('/api/game-servers').send({ game: 'armareforger', host: 'a.example' });
    expect(reforger.body).toMatchObject({ port: 2001, queryPort: 17777 });
    // Nor one with only a query port (Age of Empires 2: 27224), once refused for want of a port.
    const aoe2 = await t.as(ops).post('/api/game-servers').send({ game: 'aoe2', host: 'b.example' });
    expect(aoe2.body).toMatchObject({ port: 27224, queryPort: 27224 });
  });

  test('Multi Theft Auto registered with game port 22003 is asked by All-Seeing Eye on 22126', async () => {
    const ase = await udpStandIn(MTA_QUERY_PORT, aseAnswer);
    try {
      const added = await t.as(ops).post('/api/game-servers').send({ name: 'MTA', game: 'gtasamta', host: '127.0.0.1', port: 22003 });
      expect(added.body).toMatchObject({ port: 22003, queryPort: 22126 });
      await pollOnce();
      const s = await t.as(ops).get(`/api/game-servers/${added.body.id as string}`);
      expect(s.body).toMatchObject({
        online: true,
        playersOnline: 2,
        playersMax: 64,
        motd: 'Los Santos Roleplay',
        version: '1.6',
        players: [{ name: 'CJ' }, { name: 'Sweet' }],
      });
      expect(ase.requests.map((m) => m.toString('latin1'))).toContain('s');
    } finally {
      await ase.close();
    }
  });

  test('an unknown game id or protocol-* type is refused when registered, naming it', async () => {
    const proto = await t.as(ops).post('/api/game-servers').send({ game: 'protocol-nosuch', host: 'x.example', port: 1234 });
    expect(proto.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ pointer: '/game' }] });
    expect(proto.body.detail).toContain('protocol-nosuch');
    const game = await t.as(ops).post('/api/game-servers').send({ game: 'valheimm', host: 'x.example' });
    expect(game.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(game.body.detail).toContain('<valheimm>');
    const known = await t.as(ops).post('/api/game-servers').send({ game: 'protocol-valve', host: 'x.example', port: 27015 });
    expect(known.status).toBe(201);
    expect(known.body).toMatchObject({ port: 27015, queryPort: 27015 });
    const noPort = await t.as(ops).post('/api/game-servers').send({ game: 'protocol-valve', host: 'y.example' });
    expect(noPort.body).toMatchObject({ status: 400, errors: [{ pointer: '/port' }] });
  });
});
