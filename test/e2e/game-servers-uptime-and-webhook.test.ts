// Uptime over 24 h, 7 d and 30 d from raw samples and hourly roll-ups, at a service time set with
// PUT /api/clock; a server's status-change history; and status changes posted to a webhook
// received by a plain HTTP server here: Discord's body, a 500 then 204 retried, and the generic body
// after a 429 with Retry-After. Over HTTP, on SQLite and on Postgres.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedMinecraftServer } from '../../src/connectors/simulators/minecraft-server-simulator';
import { StatusNotifier, webhookFormatFor } from '../../src/connectors/status-notifier';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

interface Received {
  path: string;
  body: string;
}

/** A webhook receiver answering the statuses of `script` in turn, then 204. */
async function receiver(script: Array<{ status: number; headers?: Record<string, string>; body?: string }>) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      const next = script.shift() ?? { status: 204 };
      res.writeHead(next.status, { 'Content-Type': 'application/json', ...next.headers }).end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((r) => server.close(r)) };
}

const NOW = '2026-12-01T12:00:00.000Z';
const at = (hoursBefore: number) => new Date(Date.parse(NOW) - hoursBefore * 3600_000).toISOString();

describe.each(databaseKinds)('uptime, status history and the webhook on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let ops: string;
  let hook: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    hook = await receiver([{ status: 500, body: '{"message": "try later"}' }]);
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['game-server-monitor.bpmn']),
      env: {
        PROCFLOW_GAME_NOTIFY_WEBHOOK: `${hook.url}/api/webhooks/123/abc`,
        PROCFLOW_GAME_NOTIFY_WEBHOOK_FORMAT: 'discord',
        PROCFLOW_GAME_NOTIFY_RETRY_MS: '10',
        PROCFLOW_GAME_POLL_TIMEOUT_MS: '500',
        PROCFLOW_SERVICE_RETRIES: '0',
        PROCFLOW_MCSRVSTAT_URL: 'http://127.0.0.1:9',
      },
    });
    ops = await createUser(t, 'olivia', ['ops']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    await hook?.close();
  });

  afterEach(async () => {
    const list = (await t.as(ops).get('/api/game-servers?limit=500')).body as { items: Array<{ id: string }> };
    for (const s of list.items) await t.as(ops).delete(`/api/game-servers/${s.id}`);
  });

  test('uptime over 24 h, 7 d and 30 d counts raw samples and hourly roll-ups, at the service time; the history lists the flips', async () => {
    expect((await t.admin.put('/api/clock').send({ now: NOW })).status).toBe(200);
    const s = (await t.as(ops).post('/api/game-servers').send({ name: 'Uptime', game: 'minecraft', host: 'up.example', provider: 'mcsrvstat' })).body as {
      id: string;
    };
    // Ten raw samples in the last 24 h, the sixth offline: two status changes.
    for (let i = 0; i < 10; i++) {
      const online = i !== 5;
      await t.service.areas.gameServers.store.recordSweep(
        [
          {
            serverId: s.id,
            checkedAt: at(20 - 2 * i),
            online,
            playersOnline: online ? i : null,
            playersMax: 20,
            motd: null,
            version: null,
            latencyMs: null,
            error: online ? null : 'down for a moment',
            sourceCheckedAt: null,
          },
        ],
        null,
      );
    }
    // Roll-ups: 3 days ago half online, 20 days ago all offline, 40 days ago (outside every window) all online.
    const knex = t.service.store.db.knex;
    const rollup = (hour: string, samples: number, online: number) => ({
      server_id: s.id,
      hour,
      samples,
      online_samples: online,
      players_sum: 0,
      players_samples: 0,
      players_peak: null,
      latency_sum: 0,
      latency_samples: 0,
    });
    await knex('game_server_rollups').insert([rollup(at(72), 60, 30), rollup(at(480), 60, 0), rollup(at(960), 60, 60)]);

    const res = await t.as(ops).get(`/api/game-servers/${s.id}`);
    expect(res.status).toBe(200);
    expect(res.body.uptime).toEqual({
      // The service clock runs on from NOW, at its speed.
      until: expect.stringMatching(/^2026-12-01T12:00:0\d\.\d{3}Z$/),
      h24: { percent: 90, samples: 10, onlineSamples: 9 },
      d7: { percent: 55.71, samples: 70, onlineSamples: 39 },
      d30: { percent: 30, samples: 130, onlineSamples: 39 },
    });

    // A day later the raw samples have left the 24 h window.
    await t.admin.put('/api/clock').send({ now: new Date(Date.parse(NOW) + 24 * 3600_000).toISOString() });
    expect((await t.as(ops).get(`/api/game-servers/${s.id}`)).body.uptime.h24).toEqual({ percent: null, samples: 0, onlineSamples: 0 });

    const history = await t.as(ops).get(`/api/game-servers/events?serverId=${s.id}`);
    expect(history.body.total).toBe(2);
    expect(history.body.items).toMatchObject([
      { at: at(8), online: true, message: 'game server <Uptime> is back online' },
      { at: at(10), online: false, message: 'game server <Uptime> went offline: down for a moment' },
    ]);
    await t.admin.put('/api/clock').send({ now: new Date().toISOString() });
  });

  test('a status change reaches the Discord webhook as content and embeds, after a 500 answered by one retry', async () => {
    // The game server is only the cause of a status change here: procflow's simulator will do.
    const mc = await SimulatedMinecraftServer.start();
    const s = (await t.as(ops).post('/api/game-servers').send({ name: 'Hooked', game: 'minecraft', host: '127.0.0.1', port: mc.port })).body as { id: string };
    expect((await t.as(ops).post('/api/game-servers/poll').send({})).status).toBe(202);
    expect((await t.as(ops).get(`/api/game-servers/${s.id}`)).body.online).toBe(true);
    await mc.close();
    const before = hook.received.length;
    const poll = await t.as(ops).post('/api/game-servers/poll').send({});
    const instance = await t.admin.get(`/api/process-instances/${poll.body.processInstanceId as string}`);
    expect(instance.body).toMatchObject({ state: 'completed', variables: { statusChanges: 1, notified: 1, delivery: 'discord webhook 204 after 2 attempts' } });

    const posts = hook.received.slice(before);
    expect(posts).toHaveLength(2);
    expect(posts[0]?.body).toBe(posts[1]?.body);
    expect(posts[1]?.path).toBe('/api/webhooks/123/abc');
    const body = JSON.parse(posts[1]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      content: expect.stringMatching(/^game server <Hooked> went offline: /),
      embeds: [
        {
          title: '🔴 Hooked',
          description: expect.stringMatching(/refused the connection/),
          color: 0xe74c3c,
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          fields: [
            { name: 'Status', value: 'offline', inline: true },
            { name: 'Server id', value: s.id, inline: true },
          ],
        },
      ],
      allowed_mentions: { parse: [] },
    });
    const events = await t.as(ops).get(`/api/game-servers/events?serverId=${s.id}`);
    expect(events.body.items[0]).toMatchObject({ online: false, delivery: 'discord webhook 204 after 2 attempts', deliveredAt: expect.any(String) });
  });
});

test('the generic JSON body goes to a webhook that is not Discord, after a 429 honouring its Retry-After', async () => {
  const hook = await receiver([
    { status: 429, headers: { 'Retry-After': '2' } },
    { status: 200, body: '{"ok": true}' },
  ]);
  const waits: number[] = [];
  try {
    const notifier = new StatusNotifier({ webhookUrl: `${hook.url}/hook`, timeoutMs: 2000, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    const change = { serverId: 's1', serverName: 'Alpha', at: '2026-12-01T12:00:00.000Z', online: true, message: 'game server <Alpha> is back online' };
    expect(await notifier.deliver([change])).toBe('webhook 200 after 2 attempts');
    expect(waits).toEqual([2000]);
    expect(hook.received.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { event: 'game-server.status-changed', changes: [change] },
      { event: 'game-server.status-changed', changes: [change] },
    ]);
    // A URL on discord.com gets Discord's body without being told.
    expect(webhookFormatFor('https://discord.com/api/webhooks/1/x')).toBe('discord');
    expect(webhookFormatFor('https://ptb.discordapp.com/api/webhooks/1/x')).toBe('discord');
    expect(webhookFormatFor('https://hooks.example.org/x')).toBe('json');
    expect(webhookFormatFor('https://discord.com/api/webhooks/1/x', 'json')).toBe('json');
  } finally {
    await hook.close();
  }
});

test('a webhook that keeps failing is an error after a bounded number of attempts; a 400 is not retried', async () => {
  const hook = await receiver([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 400 }]);
  try {
    const notifier = new StatusNotifier({ webhookUrl: `${hook.url}/hook`, timeoutMs: 2000, webhookAttempts: 3, sleep: () => Promise.resolve() });
    const change = { serverId: 's1', serverName: 'Alpha', at: '2026-12-01T12:00:00.000Z', online: false, message: 'game server <Alpha> went offline' };
    await expect(notifier.deliver([change])).rejects.toThrow(`the webhook <${hook.url}/hook> answered HTTP 503 (after 3 attempts)`);
    await expect(notifier.deliver([change])).rejects.toThrow(`the webhook <${hook.url}/hook> answered HTTP 400`);
    expect(hook.received).toHaveLength(4);
  } finally {
    await hook.close();
  }
});
