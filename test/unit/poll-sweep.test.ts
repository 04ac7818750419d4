// The sweep's rules with stand-in providers (no sockets): bounded concurrency, one retry, a cut-off
// for a provider that ignores its timeout, and a deadline for the whole sweep.
import type { GameServerStatus, GameServerTarget, GameStatusProvider } from '../../src/connectors/game-status';
import { pollSweep, type SweepTarget } from '../../src/areas/game-servers/poll-sweep';
import { defaultSchedules } from '../../src/areas';
import { loadConfig } from '../../src/config';

const ONLINE: GameServerStatus = { online: true, playersOnline: 1, playersMax: 10, motd: 'hi', version: '1', latencyMs: 3, error: null, sourceCheckedAt: null };

function provider(status: (t: GameServerTarget, attempt: number) => Promise<GameServerStatus>): GameStatusProvider & { inFlight: number; peak: number } {
  const attempts = new Map<number, number>();
  const p = {
    inFlight: 0,
    peak: 0,
    supports: () => true,
    defaultPort: () => 25565,
    ports: (_game: string, given: { port?: number }) => ({ port: given.port ?? 25565, queryPort: given.port ?? 25565 }),
    async status(t: GameServerTarget) {
      const n = (attempts.get(t.port) ?? 0) + 1;
      attempts.set(t.port, n);
      p.inFlight++;
      p.peak = Math.max(p.peak, p.inFlight);
      try {
        return await status(t, n);
      } finally {
        p.inFlight--;
      }
    },
  };
  return p;
}

const targets = (n: number): SweepTarget[] => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, game: 'minecraft', host: 'h', port: i, provider: 'query' }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => new Date();

test('never more servers in flight than the concurrency, and every server gets an observation in order', async () => {
  const p = provider(async () => {
    await sleep(5);
    return ONLINE;
  });
  const out = await pollSweep(targets(40), { query: p, mcsrvstat: p }, { concurrency: 7, timeoutMs: 1000, deadlineMs: 5000, now });
  expect(p.peak).toBe(7);
  expect(out.map((o) => o.serverId)).toEqual(targets(40).map((t) => t.id));
  expect(out.every((o) => o.online && o.error === null)).toBe(true);
});

test('a failure is retried once; a second failure is stored as offline with its message', async () => {
  const p = provider((t, attempt) => {
    if (t.port === 0 && attempt === 1) return Promise.reject(new Error('first try fails'));
    if (t.port === 1) return Promise.reject(new Error(`attempt ${attempt} fails`));
    return Promise.resolve(ONLINE);
  });
  const [flaky, broken] = await pollSweep(targets(2), { query: p, mcsrvstat: p }, { concurrency: 2, timeoutMs: 1000, deadlineMs: 5000, now });
  expect(flaky).toMatchObject({ online: true, error: null });
  expect(broken).toMatchObject({ online: false, playersOnline: null, error: 'attempt 2 fails' });
});

test('an answer that the server is offline is not retried', async () => {
  const p = provider(() => Promise.resolve({ ...ONLINE, online: false, playersOnline: null, error: 'reported offline' }));
  const [o] = await pollSweep(targets(1), { query: p, mcsrvstat: p }, { concurrency: 1, timeoutMs: 1000, deadlineMs: 5000, now });
  expect(o).toMatchObject({ online: false, error: 'reported offline' });
});

test('a provider that ignores its timeout is cut off just after it, and the others are not held up', async () => {
  const p = provider((t) => (t.port === 0 ? new Promise<GameServerStatus>(() => undefined) : Promise.resolve(ONLINE)));
  const t0 = Date.now();
  const out = await pollSweep(targets(5), { query: p, mcsrvstat: p }, { concurrency: 2, timeoutMs: 100, deadlineMs: 5000, now });
  const took = Date.now() - t0;
  expect(out[0]).toMatchObject({ online: false, error: 'minecraft server h:0 did not answer within 350 ms' });
  expect(out.slice(1).every((o) => o.online)).toBe(true);
  expect(took).toBeGreaterThanOrEqual(2 * 350 - 20); // two attempts
  expect(took).toBeLessThan(2 * 350 + 300);
});

test('servers not reached before the deadline are recorded as not polled, and no retry runs past it', async () => {
  const p = provider(async () => {
    await sleep(100);
    throw new Error('slow failure');
  });
  const out = await pollSweep(targets(6), { query: p, mcsrvstat: p }, { concurrency: 2, timeoutMs: 150, deadlineMs: 150, now });
  // Two rounds of two servers fit before the deadline (without retries: a retry could not end in time).
  expect(out.map((o) => o.error)).toEqual([
    'slow failure',
    'slow failure',
    'slow failure',
    'slow failure',
    'not polled: the sweep used up its 150 ms before reaching this server',
    'not polled: the sweep used up its 150 ms before reaching this server',
  ]);
});

test('defaultSchedules names each process and its configured cycle', () => {
  const config = loadConfig({ PROCFLOW_GAME_POLL_CYCLE: 'R/PT30S', PROCFLOW_CATALOGUE_SYNC_CYCLE: 'R/P1D', PROCFLOW_CRM_SYNC_CYCLE: '*/15 * * * *' });
  expect(defaultSchedules(config)).toEqual([
    { name: 'game-server-monitor', processKey: 'gameServerMonitor', recurrence: 'R/PT30S' },
    { name: 'catalogue-sync', processKey: 'catalogueSync', recurrence: 'R/P1D' },
    { name: 'crm-sync', processKey: 'crmSync', recurrence: '*/15 * * * *' },
  ]);
});
