// Game servers: status table (online, players, MOTD, version, latency, last check), players and
// latency over time per server, add, delete, poll now; and one server in detail — its uptime over
// 24 h / 7 d / 30 d, its player count over 7 days (hourly peaks of older samples) and its status changes.
import type { Chart } from 'chart.js';
import { api, list } from '../api';
import { chartBox, timeChart } from '../charts';
import { every, type PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { age, dateTime } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { GameServer, GameServerEvent, GameServerSample as Sample, Started } from '@contract';

type Uptime = NonNullable<GameServer['uptime']>;

const REFRESH_MS = 30_000;
const HISTORY_MS = 24 * 3_600_000;
const DETAIL_HISTORY_MS = 7 * 24 * 3_600_000;

function percent(w: Uptime['h24']): string {
  return w.percent === null ? '—' : `${w.percent.toFixed(w.percent === 100 ? 0 : 2)} %`;
}

function uptimeFigures(u: Uptime): HTMLElement {
  const figure = (label: string, w: Uptime['h24']) =>
    h(
      'div',
      { class: 'kpi', 'data-testid': `uptime-${label}` },
      h('div', { class: 'kpi-value' }, percent(w)),
      h('div', { class: 'kpi-label' }, `uptime ${label} (${w.samples} samples)`),
    );
  return h('div', { class: 'kpis' }, figure('24h', u.h24), figure('7d', u.d7), figure('30d', u.d30));
}

function onlineBadge(s: GameServer): HTMLElement {
  if (s.online === null || s.online === undefined || !s.checkedAt) return badge('not checked', 'muted');
  return s.online ? badge('online', 'ok') : badge('offline', 'error');
}

function addForm(onAdded: () => void): HTMLElement {
  const name = h('input', { type: 'text', name: 'name', placeholder: 'name (optional)' });
  const game = h('input', { type: 'text', name: 'game', placeholder: 'game, e.g. minecraft', required: true, list: 'games' });
  const host = h('input', { type: 'text', name: 'host', placeholder: 'host', required: true });
  const port = h('input', { type: 'number', name: 'port', placeholder: 'port', min: '1', max: '65535' });
  const provider = h(
    'select',
    { name: 'provider' },
    h('option', { value: 'query' }, 'query (game protocol)'),
    h('option', { value: 'mcsrvstat' }, 'mcsrvstat (status API)'),
  );
  const status = h('div');
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'add-server' },
    name,
    game,
    h(
      'datalist',
      { id: 'games' },
      ['minecraft', 'minecraftbe', 'csgo', 'valheim', 'rust', 'terraria'].map((g) => h('option', { value: g })),
    ),
    host,
    port,
    provider,
    h('button', { type: 'submit', class: 'primary' }, 'Add server'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      ...(name.value.trim() ? { name: name.value.trim() } : {}),
      game: game.value.trim(),
      host: host.value.trim(),
      ...(port.value ? { port: Number(port.value) } : {}),
      provider: provider.value,
    };
    api('/api/game-servers', { method: 'POST', body })
      .then(() => {
        form.reset();
        status.replaceChildren(notice('success', `Added ${body.name ?? body.host}.`));
        onAdded();
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

export async function gameServersPage(ctx: PageContext): Promise<void> {
  const charts: Chart[] = [];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));
  const body = h('div');
  const status = h('div');
  const poll = h('button', { class: 'secondary', 'data-action': 'poll' }, 'Poll now');
  poll.addEventListener('click', () => {
    api<Started>('/api/game-servers/poll', { method: 'POST', body: {} })
      .then((r) =>
        status.replaceChildren(notice('success', 'A poll of every server has started: ', link(`/instances/${r.processInstanceId}`, 'its instance'), '.')),
      )
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  mount(ctx.root, pageHeader('Game servers', poll), status, body);

  let formShown = false;
  const form = addForm(() => void load());
  const tableBox = h('div');
  const players = chartBox(260);
  const latency = chartBox(200);
  const detailBox = h('div', { 'data-testid': 'server-detail' }, 'Pick a server by its name to see its uptime, players and status changes.');
  let detailChart: Chart | undefined;
  let detailId: string | undefined;
  ctx.onLeave(() => detailChart?.destroy());

  const showDetail = async (pick: GameServer): Promise<void> => {
    detailId = pick.id;
    const now = Date.now();
    const range = { min: now - DETAIL_HISTORY_MS, max: now };
    let server: GameServer;
    let events: GameServerEvent[];
    let history: Sample[];
    try {
      [server, events, history] = await Promise.all([
        api<GameServer>(`/api/game-servers/${pick.id}`),
        list<GameServerEvent>('/api/game-servers/events', { serverId: pick.id, limit: 50 }).then((r) => r.items),
        list<Sample>(`/api/game-servers/${pick.id}/samples`, { since: new Date(range.min).toISOString(), limit: 500 }).then((r) => r.items),
      ]);
    } catch (err) {
      mount(detailBox, notice('error', errorMessage(err)));
      return;
    }
    if (detailId !== pick.id) return;
    const chart = chartBox(240);
    mount(
      detailBox,
      h('h3', null, server.icon ? h('img', { src: server.icon, alt: '', width: '32', height: '32', class: 'server-icon' }) : null, ` ${server.name}`),
      server.uptime ? uptimeFigures(server.uptime) : null,
      server.players?.length ? h('p', null, 'Players now: ', server.players.map((p) => p.name).join(', ')) : null,
      server.protocol
        ? h('p', { class: 'muted' }, `Protocol ${server.protocol.version ?? '?'}${server.protocol.name ? ` (${server.protocol.name})` : ''}`)
        : null,
      h('h4', null, 'Players over 7 days'),
      chart.box,
      h('h4', null, 'Status changes'),
      table(
        events,
        [
          { title: 'When', cell: (e) => h('span', { title: e.at }, dateTime(e.at)) },
          { title: 'Status', cell: (e) => (e.online ? badge('online', 'ok') : badge('offline', 'error')) },
          { title: 'What', cell: (e) => e.message },
          { title: 'Delivery', cell: (e) => e.delivery ?? 'not yet' },
        ],
        'No status change yet.',
      ),
    );
    detailChart?.destroy();
    const points = (pickY: (x: Sample) => number | null) =>
      history.map((x) => ({ x: new Date(x.checkedAt).getTime(), y: x.online ? pickY(x) : null })).sort((a, b) => a.x - b.x);
    // Older samples are hourly roll-ups: their average and their peak; offline is a gap in the line.
    detailChart = timeChart(
      chart.canvas,
      [
        { label: 'players (average per hour for older samples)', points: points((x) => x.playersOnline) },
        { label: 'peak per hour', points: points((x) => x.rollup?.playersPeak ?? x.playersOnline) },
        { label: 'max players', points: points((x) => x.playersMax) },
      ],
      'players',
      range,
    );
  };

  const load = async () => {
    let servers: GameServer[];
    try {
      servers = (await list<GameServer>('/api/game-servers', { limit: 500 })).items;
    } catch (err) {
      poll.hidden = true;
      mount(body, failure(err, 'Game servers', 'GET /api/game-servers'));
      return;
    }
    if (!formShown) {
      mount(
        body,
        section('Servers', tableBox),
        section('Add a server', form),
        h('div', { class: 'grid-2' }, section('Players over time (24 h)', players.box), section('Latency (24 h)', latency.box)),
        section('Server detail', detailBox),
      );
      formShown = true;
    }
    mount(
      tableBox,
      table(
        servers,
        [
          { title: 'Status', cell: onlineBadge },
          {
            title: 'Name',
            cell: (s) =>
              h(
                'a',
                {
                  href: '#',
                  title: s.error ?? 'show its uptime, players and status changes',
                  'data-action': 'details',
                  onclick: (e: Event) => (e.preventDefault(), void showDetail(s)),
                },
                s.name,
              ),
          },
          { title: 'Game', cell: (s) => s.game },
          {
            title: 'Address',
            cell: (s) => h('code', { title: s.queryPort !== s.port ? `queried on port ${s.queryPort}` : '' }, s.port ? `${s.host}:${s.port}` : s.host),
          },
          {
            title: 'Players',
            cell: (s) =>
              s.playersOnline === null || s.playersOnline === undefined
                ? '—'
                : h('span', { title: (s.players ?? []).map((p) => p.name).join(', ') }, `${s.playersOnline}/${s.playersMax ?? '?'}`),
            class: 'num',
          },
          { title: 'MOTD', cell: (s) => s.motd ?? '—' },
          { title: 'Version', cell: (s) => s.version ?? '—' },
          { title: 'Latency', cell: (s) => (s.latencyMs === null || s.latencyMs === undefined ? '—' : `${s.latencyMs} ms`), class: 'num' },
          { title: 'Last check', cell: (s) => (s.checkedAt ? h('span', { title: dateTime(s.checkedAt) }, `${age(s.checkedAt)} ago`) : '—') },
          {
            title: '',
            cell: (s) =>
              h(
                'button',
                {
                  class: 'danger small',
                  'data-action': 'delete',
                  onclick: () => {
                    if (!window.confirm(`Delete ${s.name} and all its samples?`)) return;
                    api(`/api/game-servers/${s.id}`, { method: 'DELETE' })
                      .then(load)
                      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
                  },
                },
                'Delete',
              ),
          },
        ],
        'No server registered yet: add one below.',
      ),
    );
    const range = { min: Date.now() - HISTORY_MS, max: Date.now() };
    const since = new Date(range.min).toISOString();
    const samples = await Promise.all(
      servers.map((s) =>
        list<Sample>(`/api/game-servers/${s.id}/samples`, { since })
          .then((r) => r.items)
          .catch(() => [] as Sample[]),
      ),
    );
    charts.forEach((c) => c.destroy());
    charts.length = 0;
    const series = (pick: (x: Sample) => number | null) =>
      servers.map((s, i) => ({
        label: s.name,
        points: (samples[i] ?? []).map((x) => ({ x: new Date(x.checkedAt).getTime(), y: x.online ? pick(x) : null })).sort((a, b) => a.x - b.x),
      }));
    charts.push(
      timeChart(
        players.canvas,
        series((x) => x.playersOnline),
        'players',
        range,
      ),
    );
    charts.push(
      timeChart(
        latency.canvas,
        series((x) => x.latencyMs),
        'ms',
        range,
      ),
    );
  };
  await load();
  every(ctx, REFRESH_MS, load);
}
