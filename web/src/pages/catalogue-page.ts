// Products (from the catalogue) and customers (from the CRM): the local copy with search, a sync
// now, emptying the copy after a confirmation, and what the last syncs of either did.
import { api, list } from '../api';
import type { PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration, shortId, value } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { Started, SyncRun } from '@contract';

type Row = Record<string, unknown>;
const MAX_COLUMNS = 8;
const PREFERRED = [
  'id',
  'externalId',
  'sku',
  'name',
  'title',
  'email',
  'company',
  'category',
  'price',
  'currency',
  'stock',
  'phone',
  'city',
  'country',
  'updatedAt',
  'syncedAt',
];

function columnsOf(rows: Row[]): string[] {
  const keys = [...new Set(rows.slice(0, 50).flatMap((r) => Object.keys(r)))];
  const ordered = [...PREFERRED.filter((k) => keys.includes(k)), ...keys.filter((k) => !PREFERRED.includes(k))];
  return ordered.slice(0, MAX_COLUMNS);
}

const RUNS_SHOWN = 20;

/** The last sync runs of products and customers, newest first; times are the service clock's. */
function syncRunsTable(runs: SyncRun[]): HTMLElement {
  const count = (title: string, pick: (r: SyncRun) => number) => ({ title, cell: (r: SyncRun) => pick(r), class: 'num' });
  return table(
    runs,
    [
      { title: 'Kind', cell: (r) => r.kind },
      { title: 'Status', cell: (r) => badge(r.status, r.status === 'succeeded' ? 'ok' : 'error') },
      { title: 'Started', cell: (r) => dateTime(r.startedAt) },
      { title: 'Finished', cell: (r) => dateTime(r.finishedAt) },
      { title: 'Took', cell: (r) => duration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)), class: 'num' },
      count('Fetched', (r) => r.fetched),
      count('Added', (r) => r.added),
      count('Changed', (r) => r.changed),
      count('Unchanged', (r) => r.unchanged),
      { title: 'Error', cell: (r) => r.error ?? '—' },
      { title: 'Instance', cell: (r) => (r.processInstanceId ? link(`/instances/${r.processInstanceId}`, shortId(r.processInstanceId)) : '—') },
    ],
    'No sync has run yet.',
  );
}

function matches(row: Row, needle: string): boolean {
  return Object.values(row).some((v) => v !== null && v !== undefined && value(v).toLowerCase().includes(needle));
}

export async function catalogueSyncPage(ctx: PageContext, kind: 'products' | 'customers'): Promise<void> {
  const title = kind === 'products' ? 'Products' : 'Customers';
  const source = kind === 'products' ? 'the product catalogue' : 'the CRM';
  const endpoint = `/api/${kind}`;
  const search = h('input', { type: 'search', placeholder: `search ${kind}`, value: ctx.query.get('q') ?? '', 'aria-label': 'search' });
  const status = h('div');
  const body = h('div');
  const runsBox = h('div', { 'data-testid': 'sync-runs' });
  const sync = h('button', { class: 'primary', 'data-action': 'sync' }, 'Sync now');
  const empty = h('button', { class: 'danger', 'data-action': 'empty' }, `Empty ${kind}`);
  mount(ctx.root, pageHeader(title, search, sync, empty), status, body, runsBox);

  let rows: Row[] = [];
  let total = 0;
  const render = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = needle ? rows.filter((r) => matches(r, needle)) : rows;
    const cols = columnsOf(rows);
    mount(
      body,
      section(
        `${needle ? `${shown.length} of ` : ''}${total} ${kind}${rows.length < total ? ` (first ${rows.length} loaded)` : ''}`,
        table(
          shown,
          cols.map((c) => ({ title: c, cell: (r: Row) => value(r[c]) })),
          rows.length ? `No ${kind} match “${search.value}”.` : `No ${kind} yet: “Sync now” pulls them from ${source}.`,
        ),
      ),
    );
  };
  const load = async () => {
    try {
      const page = await list<Row>(endpoint, { limit: 500, q: search.value.trim() || undefined });
      rows = page.items;
      total = page.total;
      render();
    } catch (err) {
      sync.hidden = true;
      empty.hidden = true;
      search.hidden = true;
      mount(body, failure(err, title, `GET ${endpoint}`));
    }
  };
  const loadRuns = async () => {
    try {
      const runs = await list<SyncRun>('/api/sync-runs', { limit: RUNS_SHOWN });
      mount(runsBox, section(`Last sync runs${runs.total > runs.items.length ? ` (${runs.items.length} of ${runs.total})` : ''}`, syncRunsTable(runs.items)));
    } catch (err) {
      mount(runsBox, failure(err, 'Sync runs', 'GET /api/sync-runs'));
    }
  };
  search.addEventListener('input', render);
  sync.addEventListener('click', () => {
    sync.disabled = true;
    api<Started>(`${endpoint}/sync`, { method: 'POST', body: {} })
      .then((r) => {
        status.replaceChildren(
          notice('success', `A sync from ${source} has started: `, link(`/instances/${r.processInstanceId}`, 'its instance'), '. Reload in a moment.'),
        );
        // The sync has usually ended (or stopped at an incident) by the time it answers.
        void loadRuns();
        setTimeout(() => void Promise.all([load(), loadRuns()]), 1500);
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))))
      .finally(() => {
        sync.disabled = false;
      });
  });
  empty.addEventListener('click', () => {
    if (!window.confirm(`Empty the local copy of ${kind}? Every row is deleted; the next sync pulls them again from ${source}.`)) return;
    api(endpoint, { method: 'DELETE' })
      .then(() => {
        status.replaceChildren(notice('success', `The local copy of ${kind} is empty.`));
        return load();
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  await Promise.all([load(), loadRuns()]);
}
