// Instances: filter by definition, state, business key (contains, any case) and start date (from,
// to: whole days in the browser's time zone); each links to its page. Below, for admins, the open
// incidents: select several and retry them at once (each its own retry, answered per incident).
import { api, list } from '../api';
import { isAdmin, type PageContext } from '../context';
import { serviceNow } from '../clock';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration, shortId } from '../format';
import { action, failure, notice, pageHeader, section } from '../ui';
import { stateBadge } from './instance-page';
import type { BulkRetry, Incident, ProcessInstance } from '@contract';

const PAGE = 50;

export async function instancesPage(ctx: PageContext): Promise<void> {
  const definitionKey = ctx.query.get('definitionKey') ?? '';
  const state = ctx.query.get('state') ?? '';
  const businessKey = ctx.query.get('businessKey') ?? '';
  const from = ctx.query.get('from') ?? '';
  const to = ctx.query.get('to') ?? '';
  const variableName = ctx.query.get('variableName') ?? '';
  const variableValue = ctx.query.get('variableValue') ?? '';
  const offset = Number(ctx.query.get('offset') ?? 0) || 0;
  const go = (patch: Record<string, string | number>) => {
    const q = new URLSearchParams({
      definitionKey,
      state,
      businessKey,
      from,
      to,
      variableName,
      variableValue,
      offset: String(offset),
      ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, String(v)])),
    });
    for (const [k, v] of [...q.entries()]) if (!v || v === '0') q.delete(k);
    ctx.navigate(`/instances${q.size ? `?${q.toString()}` : ''}`);
  };
  const keyInput = h('input', { type: 'search', placeholder: 'definition key', value: definitionKey });
  const stateSelect = h(
    'select',
    null,
    ['', 'running', 'completed', 'failed', 'cancelled'].map((s) => h('option', { value: s, selected: s === state || undefined }, s || 'any state')),
  );
  const businessKeyInput = h('input', { type: 'search', name: 'businessKey', placeholder: 'business key contains', value: businessKey });
  const fromInput = h('input', { type: 'date', name: 'from', title: 'started on or after', value: from });
  const toInput = h('input', { type: 'date', name: 'to', title: 'started on or before', value: to });
  const variableNameInput = h('input', { type: 'search', name: 'variableName', placeholder: 'variable', value: variableName });
  const variableValueInput = h('input', {
    type: 'search',
    name: 'variableValue',
    placeholder: 'equals (ACME, 250, true)',
    title: 'JSON: 250 is a number, "250" a string; other text is a string',
    value: variableValue,
  });
  const filters = h(
    'form',
    { class: 'filters', 'data-testid': 'instance-filters' },
    keyInput,
    businessKeyInput,
    stateSelect,
    h('label', null, 'started from ', fromInput),
    h('label', null, 'to ', toInput),
    variableNameInput,
    variableValueInput,
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    go({
      definitionKey: keyInput.value.trim(),
      businessKey: businessKeyInput.value.trim(),
      state: stateSelect.value,
      from: fromInput.value,
      to: toInput.value,
      variableName: variableNameInput.value.trim(),
      variableValue: variableNameInput.value.trim() ? variableValueInput.value.trim() : '',
      offset: 0,
    });
  });
  const body = h('div');
  const incidents = h('div');
  mount(ctx.root, pageHeader('Instances'), filters, body, incidents);
  if (isAdmin(ctx.me)) void openIncidents(ctx, incidents);
  try {
    const page = await list<ProcessInstance>('/api/process-instances', {
      definitionKey,
      state,
      businessKeyLike: businessKey,
      startedAfter: dayStart(from),
      startedBefore: dayStart(to, 1),
      ...(variableName && variableValue ? { variableName, variableValue } : {}),
      limit: PAGE,
      offset,
    });
    const now = serviceNow();
    mount(
      body,
      table(
        page.items,
        [
          { title: 'Instance', cell: (i) => link(`/instances/${i.id}`, shortId(i.id)) },
          { title: 'Definition', cell: (i) => `${i.definitionKey} v${i.definitionVersion}` },
          { title: 'Business key', cell: (i) => i.businessKey ?? '—' },
          { title: 'State', cell: (i) => stateBadge(i.state) },
          { title: 'Waiting at', cell: (i) => i.waitingAt.map((w) => w.activityName ?? w.activityId).join(', ') || '—' },
          { title: 'Incidents', cell: (i) => (i.incidents ? badge(String(i.incidents), 'error') : '') },
          { title: 'Started', cell: (i) => dateTime(i.startedAt) },
          { title: 'Duration', cell: (i) => duration((i.endedAt ? new Date(i.endedAt).getTime() : now) - new Date(i.startedAt).getTime()) },
        ],
        'No instance matches.',
      ),
      h(
        'div',
        { class: 'pager' },
        `${page.total === 0 ? 0 : offset + 1}–${offset + page.items.length} of ${page.total}`,
        offset > 0 ? h('button', { class: 'secondary', onclick: () => go({ offset: Math.max(0, offset - PAGE) }) }, '← Newer') : null,
        offset + PAGE < page.total ? h('button', { class: 'secondary', onclick: () => go({ offset: offset + PAGE }) }, 'Older →') : null,
      ),
    );
  } catch (err) {
    mount(body, failure(err, 'Instances', 'GET /api/process-instances'));
  }
}

/** Midnight (browser time zone) of a `yyyy-mm-dd` day plus `days`, as ISO; '' for no day. */
function dayStart(day: string, days = 0): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return '';
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

/** The open incidents with a checkbox each, a retries field and "Retry selected". */
async function openIncidents(ctx: PageContext, root: HTMLElement): Promise<void> {
  let page: { items: Incident[]; total: number };
  try {
    page = await list<Incident>('/api/incidents', { state: 'open', limit: 100 });
  } catch (err) {
    mount(root, failure(err, 'Incidents', 'GET /api/incidents'));
    return;
  }
  const status = h('div', { 'data-testid': 'bulk-retry-status' });
  const boxes = new Map<string, HTMLInputElement>();
  const rows = page.items.map((i) => {
    const box = h('input', { type: 'checkbox', name: 'incident', value: i.id, 'aria-label': `select incident ${i.id}` });
    boxes.set(i.id, box);
    return { i, box };
  });
  const retries = h('input', { type: 'number', min: '1', max: '100', class: 'short', name: 'bulk-retries', placeholder: 'retries', 'aria-label': 'retries' });
  const retry = h('button', { class: 'primary', 'data-action': 'retry-selected' }, 'Retry selected');
  action(retry, status, async () => {
    const ids = [...boxes.entries()].filter(([, b]) => b.checked).map(([id]) => id);
    if (!ids.length) throw new Error('select the incidents to retry first');
    const n = retries.value.trim() ? Number(retries.value) : undefined;
    const answer = await api<BulkRetry>('/api/incidents/retry', { method: 'POST', body: { ids, ...(n === undefined ? {} : { retries: n }) } });
    const failed = answer.results.filter((r) => r.status === 'failed');
    await openIncidents(ctx, root);
    status.replaceChildren(
      notice(failed.length ? 'warning' : 'success', `${answer.results.length - failed.length} of ${answer.results.length} retried.`),
      ...failed.map((r) => notice('error', `${shortId(r.id)}: ${r.code ?? ''} ${r.detail ?? ''}`)),
    );
    root.prepend(status);
  });
  mount(
    root,
    section(
      `Open incidents (${page.total})`,
      table(
        rows,
        [
          { title: '', cell: (r) => r.box },
          { title: 'Instance', cell: (r) => link(`/instances/${r.i.processInstanceId}`, shortId(r.i.processInstanceId)) },
          { title: 'Activity', cell: (r) => r.i.activityId ?? '—' },
          { title: 'Message', cell: (r) => r.i.message },
          { title: 'Since', cell: (r) => dateTime(r.i.createdAt) },
        ],
        'No open incident.',
      ),
      page.items.length ? h('div', { class: 'inline-form' }, retries, retry) : null,
    ),
    status,
  );
}
