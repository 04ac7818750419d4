// Game-server monitoring over HTTP, on SQLite and Postgres, against the simulators: a real
// gamedig query of a simulated Minecraft server, the mcsrvstat API, servers that fail (closed
// port, silence) without holding up the others, status-change events with a webhook, samples
// rolled up per hour, and deleting a server with its samples.
import { SimulatedMinecraftServer, closedPort } from '../../src/connectors/simulators/minecraft-server-simulator';
import { LoopbackHttpServer } from '../../src/connectors/simulators/loopback-http-server';
import { McsrvstatSimulator } from '../../src/connectors/simulators/mcsrvstat-simulator';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

interface Server {
  id: string;
  name: string;
  online: boolean | null;
  playersOnline: number | null;
  playersMax: number | null;
  motd: string | null;
  version: string | null;
  latencyMs: number | null;
  checkedAt: string | null;
  error?: string;
}

const TIMEOUT_MS = 500;

describe.each(databaseKinds)('game servers on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let ops: string;
  let sales: string;
  let minecraft: SimulatedMinecraftServer;
  let mcsrvstat: McsrvstatSimulator;
  let webhook: LoopbackHttpServer;

  beforeAll(async () => {
    minecraft = await SimulatedMinecraftServer.start({
      status: {
        playersOnline: 4,
        playersMax: 32,
        motd: ['Welcome to Sim Craft', 'Survival · PvE'],
        versionName: 'Paper 1.21.4',
        playerNames: ['A', 'B', 'C', 'D'],
      },
    });
    mcsrvstat = await McsrvstatSimulator.start();
    mcsrvstat.attach(minecraft);
    webhook = await LoopbackHttpServer.start(() => ({ status: 200, body: { ok: true } }));
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['game-server-monitor.bpmn']),
      env: {
        PROCFLOW_MCSRVSTAT_URL: mcsrvstat.url,
        PROCFLOW_GAME_POLL_TIMEOUT_MS: String(TIMEOUT_MS),
        PROCFLOW_GAME_NOTIFY_WEBHOOK: `${webhook.url}/hook`,
        PROCFLOW_SERVICE_RETRIES: '0',
      },
    });
    ops = await createUser(t, 'olivia', ['ops']);
    sales = await createUser(t, 'sacha', ['sales']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    await Promise.all([minecraft?.close(), mcsrvstat?.close(), webhook?.close()]);
  });

  // Every poll polls every registered server: each test removes what it registered.
  afterEach(async () => {
    const list = (await t.as(ops).get('/api/game-servers?limit=500')).body as { items: Server[] };
    for (const s of list.items) await t.as(ops).delete(`/api/game-servers/${s.id}`);
  });

  async function add(body: Record<string, unknown>): Promise<Server> {
    const res = await t.as(ops).post('/api/game-servers').send(body);
    expect(res.status).toBe(201);
    return res.body as Server;
  }

  async function poll(): Promise<{ id: string; ms: number; variables: Record<string, unknown> }> {
    const t0 = Date.now();
    const res = await t.as(ops).post('/api/game-servers/poll').send({});
    const ms = Date.now() - t0;
    expect(res.status).toBe(202);
    const id = (res.body as { processInstanceId: string }).processInstanceId;
    const inst = await t.admin.get(`/api/process-instances/${id}`);
    expect(inst.body).toMatchObject({ definitionKey: 'gameServerMonitor', state: 'completed', incidents: 0 });
    return { id, ms, variables: inst.body.variables as Record<string, unknown> };
  }

  async function server(id: string): Promise<Server> {
    const res = await t.as(ops).get(`/api/game-servers/${id}`);
    expect(res.status).toBe(200);
    return res.body as Server;
  }

  test('a real gamedig query of the simulated Minecraft server stores its players, MOTD and version', async () => {
    const s = await add({ name: 'Sim Craft', game: 'minecraft', host: '127.0.0.1', port: minecraft.port });
    expect(s).toMatchObject({ name: 'Sim Craft', provider: 'query', online: null, checkedAt: null });

    const { variables } = await poll();
    expect(variables).toMatchObject({ polled: 1, online: 1, offline: 0, statusChanges: 0 });

    const list = await t.as(ops).get('/api/game-servers');
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      id: s.id,
      game: 'minecraft',
      host: '127.0.0.1',
      port: minecraft.port,
      provider: 'query',
      online: true,
      playersOnline: 4,
      playersMax: 32,
      motd: 'Welcome to Sim Craft\nSurvival · PvE',
      version: 'Paper 1.21.4',
      latencyMs: expect.any(Number),
      checkedAt: expect.any(String),
    });
    expect(list.body.items[0].error).toBeUndefined();

    minecraft.status.playersOnline = 6;
    await poll();
    const samples = await t.as(ops).get(`/api/game-servers/${s.id}/samples?order=asc`);
    expect(samples.status).toBe(200);
    expect(samples.body.total).toBe(2);
    expect(samples.body.items.map((x: { playersOnline: number }) => x.playersOnline)).toEqual([4, 6]);
    expect(samples.body.items[0]).toEqual({ checkedAt: expect.any(String), online: true, playersOnline: 4, playersMax: 32, latencyMs: expect.any(Number) });
    minecraft.status.playersOnline = 4;
  });

  test('a closed port and a server that never answers are stored offline with an error, within the timeout, without holding up the others', async () => {
    const silent = await SimulatedMinecraftServer.start({ behaviour: 'silent' });
    try {
      const good = await add({ name: 'good', game: 'minecraft', host: '127.0.0.1', port: minecraft.port });
      const closed = await add({ name: 'closed', game: 'minecraft', host: '127.0.0.1', port: await closedPort() });
      const mute = await add({ name: 'mute', game: 'minecraft', host: '127.0.0.1', port: silent.port });

      const { ms, variables } = await poll();
      expect(variables).toMatchObject({ polled: 3, online: 1, offline: 2 });
      // Two attempts of 500 ms and a 100 ms pause at most, plus the process around them.
      expect(ms).toBeLessThan(2 * TIMEOUT_MS + 100 + 1500);

      const g = await server(good.id);
      const c = await server(closed.id);
      const m = await server(mute.id);
      expect(g).toMatchObject({ online: true, playersOnline: 4 });
      expect(c).toMatchObject({ online: false, playersOnline: null, error: expect.stringMatching(/refused the connection/) });
      expect(m).toMatchObject({ online: false, error: `minecraft server 127.0.0.1:${silent.port} did not answer within ${TIMEOUT_MS} ms` });
      // The good server was done long before the silent one gave up (two attempts).
      const lead = Date.parse(m.checkedAt as string) - Date.parse(g.checkedAt as string);
      expect(lead).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 50);

      const samples = await t.as(ops).get(`/api/game-servers/${mute.id}/samples`);
      expect(samples.body.items).toEqual([
        { checkedAt: m.checkedAt, online: false, playersOnline: null, playersMax: null, latencyMs: null, error: expect.stringMatching(/did not answer/) },
      ]);
    } finally {
      await silent.close();
    }
  });

  test('the mcsrvstat provider reads the API: online with players, offline, and an API failure as an error', async () => {
    const viaApi = await add({ name: 'via api', game: 'minecraft', host: '127.0.0.1', port: minecraft.port, provider: 'mcsrvstat' });
    const unknown = await add({ name: 'nowhere', game: 'minecraft', host: 'mc.invalid', provider: 'mcsrvstat' });
    expect(unknown).toMatchObject({ port: 25565, provider: 'mcsrvstat' });

    await poll();
    expect(await server(viaApi.id)).toMatchObject({
      online: true,
      playersOnline: 4,
      playersMax: 32,
      motd: 'Welcome to Sim Craft\nSurvival · PvE',
      version: 'Paper 1.21.4',
      sourceCheckedAt: expect.any(String),
    });
    expect(await server(unknown.id)).toMatchObject({ online: false, error: 'mcsrvstat reports the server offline' });
    expect(mcsrvstat.requestsFor(`127.0.0.1:${minecraft.port}`)).toBeGreaterThanOrEqual(1);

    mcsrvstat.override = { status: 500, body: 'upstream exploded' };
    try {
      await poll();
    } finally {
      mcsrvstat.override = null;
    }
    expect(await server(viaApi.id)).toMatchObject({
      online: false,
      error: expect.stringMatching(/the mcsrvstat API <http:\/\/127\.0\.0\.1:\d+\/3\/127\.0\.0\.1:\d+> answered HTTP 500: upstream exploded/),
    });
  });

  test('a server going offline and coming back are status-change events, recorded and sent to the webhook', async () => {
    const hooksBefore = webhook.hitCount('/hook');
    const flaky = await SimulatedMinecraftServer.start();
    const port = flaky.port;
    const s = await add({ name: 'Flaky', game: 'minecraft', host: '127.0.0.1', port });
    await poll();
    expect((await server(s.id)).online).toBe(true);
    expect((await t.as(ops).get(`/api/game-servers/events?serverId=${s.id}`)).body.total).toBe(0);

    await flaky.close();
    const down = await poll();
    expect(down.variables).toMatchObject({ statusChanges: 1, notified: 1, delivery: 'webhook 200' });
    const back = await SimulatedMinecraftServer.start({ port });
    try {
      const up = await poll();
      expect(up.variables).toMatchObject({ statusChanges: 1, notified: 1 });
    } finally {
      await back.close();
    }

    const events = await t.as(ops).get(`/api/game-servers/events?serverId=${s.id}`);
    expect(events.body.items).toMatchObject([
      { serverName: 'Flaky', online: true, message: 'game server <Flaky> is back online', delivery: 'webhook 200', deliveredAt: expect.any(String) },
      { serverName: 'Flaky', online: false, message: expect.stringMatching(/^game server <Flaky> went offline: .*refused/), processInstanceId: down.id },
    ]);
    expect(webhook.hitCount('/hook') - hooksBefore).toBe(2);
    const lastHook = JSON.parse(webhook.bodies.at(-1)?.body ?? '{}');
    expect(lastHook).toEqual({
      event: 'game-server.status-changed',
      changes: [{ serverId: s.id, serverName: 'Flaky', at: expect.any(String), online: true, message: 'game server <Flaky> is back online' }],
    });
  });

  test('samples older than the raw retention are rolled up per hour by the monitor process', async () => {
    const s = await add({ name: 'Old timer', game: 'minecraft', host: '127.0.0.1', port: minecraft.port });
    // Three days ago, 10:00–10:50 and 11:00–11:50: two hours of raw samples, as if polled then.
    const base = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    base.setUTCHours(10, 0, 0, 0);
    for (let i = 0; i < 12; i++) {
      await t.service.areas.gameServers.store.recordSweep(
        [
          {
            serverId: s.id,
            checkedAt: new Date(base.getTime() + i * 10 * 60 * 1000).toISOString(),
            online: i !== 3,
            playersOnline: i === 3 ? null : i,
            playersMax: 20,
            motd: null,
            version: null,
            latencyMs: i === 3 ? null : 10,
            error: i === 3 ? 'down for a moment' : null,
            sourceCheckedAt: null,
          },
        ],
        null,
      );
    }
    const { variables } = await poll();
    expect(variables).toMatchObject({ rolledUp: 12 });

    const since = new Date(base.getTime() - 3600 * 1000).toISOString();
    const res = await t.as(ops).get(`/api/game-servers/${s.id}/samples?since=${encodeURIComponent(since)}&order=asc`);
    expect(res.body.total).toBe(3);
    expect(res.body.items[0]).toEqual({
      checkedAt: base.toISOString(),
      online: true,
      playersOnline: 2, // (0+1+2+4+5)/5 — the offline sample has no player count
      playersMax: null,
      latencyMs: 10,
      rollup: { samples: 6, onlineSamples: 5, playersPeak: 5 },
    });
    expect(res.body.items[1]).toMatchObject({
      checkedAt: new Date(base.getTime() + 3600 * 1000).toISOString(),
      playersOnline: 9,
      rollup: { samples: 6, onlineSamples: 6, playersPeak: 11 },
    });
    expect(res.body.items[2]).toMatchObject({ online: true, playersOnline: 4 });
    expect(res.body.items[2].rollup).toBeUndefined();

    // Newest first by default, and paged across raw samples and roll-ups.
    const page = await t.as(ops).get(`/api/game-servers/${s.id}/samples?since=${encodeURIComponent(since)}&limit=2&offset=1`);
    expect(page.body.items.map((x: { checkedAt: string }) => x.checkedAt)).toEqual([res.body.items[1].checkedAt, res.body.items[0].checkedAt]);
  });

  test('deleting a server deletes its samples, roll-ups and events', async () => {
    const s = await add({ name: 'Doomed', game: 'minecraft', host: '127.0.0.1', port: minecraft.port });
    await poll();
    await poll();
    const knex = t.service.store.db.knex;
    const count = async (table: string) => Number((await knex(table).where({ server_id: s.id }).count<Array<{ n: unknown }>>({ n: '*' }))[0]?.n);
    expect(await count('game_server_samples')).toBe(2);

    expect((await t.as(ops).delete(`/api/game-servers/${s.id}`)).status).toBe(204);
    expect(await count('game_server_samples')).toBe(0);
    expect(await count('game_server_rollups')).toBe(0);
    expect((await t.as(ops).get(`/api/game-servers/${s.id}/samples`)).body).toMatchObject({ status: 404, code: 'GAME_SERVER_NOT_FOUND' });
    expect((await t.as(ops).delete(`/api/game-servers/${s.id}`)).status).toBe(404);
  });

  test('registering checks the game, the provider, duplicates and who asks', async () => {
    const unknownGame = await t.as(ops).post('/api/game-servers').send({ game: 'no-such-game', host: 'x.example', port: 1 });
    expect(unknownGame.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ pointer: '/game' }] });
    const notMinecraft = await t.as(ops).post('/api/game-servers').send({ game: 'counterstrike2', host: 'x.example', port: 27015, provider: 'mcsrvstat' });
    expect(notMinecraft.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const badHost = await t.as(ops).post('/api/game-servers').send({ game: 'minecraft', host: 'bad host; rm -rf', port: 1 });
    expect(badHost.body).toMatchObject({ status: 400, errors: [{ pointer: '/host' }] });

    const cs = await add({ game: 'counterstrike2', host: 'cs.example' });
    expect(cs).toMatchObject({ name: 'cs.example:27015', port: 27015, provider: 'query' });
    const dup = await t.as(ops).post('/api/game-servers').send({ game: 'counterstrike2', host: 'cs.example', port: 27015 });
    expect(dup.body).toMatchObject({ status: 409, code: 'GAME_SERVER_EXISTS' });

    expect((await t.as(sales).get('/api/game-servers')).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await t.as(sales).post('/api/game-servers/poll')).status).toBe(403);
    expect((await t.admin.get('/api/game-servers')).status).toBe(200);
    expect((await t.http.get('/api/game-servers')).status).toBe(401);
    expect((await t.as(ops).get('/api/game-servers/nope')).body).toMatchObject({ status: 404, code: 'GAME_SERVER_NOT_FOUND' });
  });
});
