// Jobs (admin, ops): waiting timers, service-task retries and scheduled starts, soonest due first,
// with their due time relative to the service clock ("in 3 h 20 min", "overdue 5 s"), instance,
// activity, attempts and last error; filtered by instance and definition.
import { list } from '../api';
import type { PageContext } from '../context';
import { serviceNow } from '../clock';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration, shortId } from '../format';
import { failure, pageHeader } from '../ui';
import type { Job } from '@contract';

const PAGE = 50;

/** A due time against the service clock: "in 2 h", or "overdue 4 s" once it has passed. */
export function dueIn(dueAt: string, now = serviceNow()): string {
  const ms = new Date(dueAt).getTime() - now;
  return ms >= 0 ? `in ${duration(ms)}` : `overdue ${duration(-ms)}`;
}

export async function jobsPage(ctx: PageContext): Promise<void> {
  const processInstanceId = ctx.query.get('processInstanceId') ?? '';
  const definitionKey = ctx.query.get('definitionKey') ?? '';
  const kind = ctx.query.get('kind') ?? '';
  const offset = Number(ctx.query.get('offset') ?? 0) || 0;
  const go = (patch: Record<string, string | number>) => {
    const q = new URLSearchParams({
      processInstanceId,
      definitionKey,
      kind,
      offset: String(offset),
      ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, String(v)])),
    });
    for (const [k, v] of [...q.entries()]) if (!v || v === '0') q.delete(k);
    ctx.navigate(`/jobs${q.size ? `?${q.toString()}` : ''}`);
  };
  const instanceInput = h('input', { type: 'search', name: 'processInstanceId', placeholder: 'instance id', value: processInstanceId });
  const keyInput = h('input', { type: 'search', name: 'definitionKey', placeholder: 'definition key', value: definitionKey });
  const kindSelect = h(
    'select',
    { name: 'kind' },
    [
      ['', 'any kind'],
      ['timer', 'timers'],
      ['service-retry', 'service-task retries'],
      ['start', 'scheduled starts'],
    ].map(([v, text]) => h('option', { value: v, selected: v === kind || undefined }, text)),
  );
  const filters = h(
    'form',
    { class: 'filters', 'data-testid': 'job-filters' },
    instanceInput,
    keyInput,
    kindSelect,
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ processInstanceId: instanceInput.value.trim(), definitionKey: keyInput.value.trim(), kind: kindSelect.value, offset: 0 });
  });
  const body = h('div');
  mount(ctx.root, pageHeader('Jobs', h('button', { class: 'secondary', onclick: () => go({}) }, 'Refresh')), filters, body);
  try {
    const page = await list<Job>('/api/jobs', { processInstanceId, definitionKey, kind, limit: PAGE, offset });
    const now = serviceNow();
    mount(
      body,
      table(
        page.items,
        [
          { title: 'Due', cell: (j) => h('span', { title: dateTime(j.dueAt), 'data-testid': 'job-due' }, dueIn(j.dueAt, now)) },
          { title: 'Kind', cell: (j) => badge(j.kind, j.kind === 'service-retry' ? 'warning' : 'info') },
          { title: 'Instance', cell: (j) => (j.processInstanceId ? link(`/instances/${j.processInstanceId}`, shortId(j.processInstanceId)) : '—') },
          { title: 'Definition', cell: (j) => j.definitionKey ?? '—' },
          { title: 'Activity', cell: (j) => h('span', { title: j.activityId ?? '' }, j.activityName ?? j.activityId ?? '—') },
          { title: 'Attempts', cell: (j) => j.attempts },
          { title: 'Last error', cell: (j) => j.lastError ?? '' },
        ],
        'No job waits.',
      ),
      h(
        'div',
        { class: 'pager' },
        `${page.total === 0 ? 0 : offset + 1}–${offset + page.items.length} of ${page.total}`,
        offset > 0 ? h('button', { class: 'secondary', onclick: () => go({ offset: Math.max(0, offset - PAGE) }) }, '← Sooner') : null,
        offset + PAGE < page.total ? h('button', { class: 'secondary', onclick: () => go({ offset: offset + PAGE }) }, 'Later →') : null,
      ),
    );
  } catch (err) {
    mount(body, failure(err, 'Jobs', 'GET /api/jobs'));
  }
}
