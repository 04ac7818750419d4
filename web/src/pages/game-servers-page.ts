// Game servers: status table (online, players, MOTD, version, latency, last check), players and
// latency over time per server, add, delete, poll now.
import type { Chart } from 'chart.js';
import { api, list } from '../api';
import { chartBox, timeChart } from '../charts';
import { every, type PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { age, dateTime } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { GameServer, GameServerSample as Sample, Started } from '@contract';

const REFRESH_MS = 30_000;
const HISTORY_MS = 24 * 3_600_000;

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
      );
      formShown = true;
    }
    mount(
      tableBox,
      table(
        servers,
        [
          { title: 'Status', cell: onlineBadge },
          { title: 'Name', cell: (s) => h('span', { title: s.error ?? '' }, s.name) },
          { title: 'Game', cell: (s) => s.game },
          { title: 'Address', cell: (s) => h('code', null, s.port ? `${s.host}:${s.port}` : s.host) },
          {
            title: 'Players',
            cell: (s) => (s.playersOnline === null || s.playersOnline === undefined ? '—' : `${s.playersOnline}/${s.playersMax ?? '?'}`),
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
