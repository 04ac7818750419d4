// The cockpit: per definition, instances by state, open incidents, throughput over time,
// durations (p50/p95) per instance and per user task, and where instances wait now.
import type { Chart } from 'chart.js';
import { api, list } from '../api';
import { categoryChart, chartBox } from '../charts';
import { every, type PageContext } from '../context';
import { serviceNow } from '../clock';
import { badge, h, link, mount, table } from '../dom';
import { age, dateTime, duration, shortId } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { DefinitionStats, Incident, TaskStatsAnswer, Timeline, WaitingStats } from '@contract';

const REFRESH_MS = 30_000;

export async function cockpitPage(ctx: PageContext): Promise<void> {
  const key = ctx.query.get('definitionKey') ?? '';
  const bucket = ctx.query.get('bucket') === 'day' ? 'day' : 'hour';
  const charts: Chart[] = [];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));
  const go = (patch: { definitionKey?: string; bucket?: string }) => {
    const q = new URLSearchParams({ definitionKey: key, bucket, ...patch });
    if (!q.get('definitionKey')) q.delete('definitionKey');
    ctx.navigate(`/cockpit?${q.toString()}`);
  };

  const body = h('div', { class: 'cockpit' });
  const defSelect = h('select', { 'aria-label': 'definition', onchange: (e: Event) => go({ definitionKey: (e.target as HTMLSelectElement).value }) });
  const bucketSelect = h(
    'select',
    { 'aria-label': 'bucket', onchange: (e: Event) => go({ bucket: (e.target as HTMLSelectElement).value }) },
    h('option', { value: 'hour', selected: bucket === 'hour' || undefined }, 'per hour (48 h)'),
    h('option', { value: 'day', selected: bucket === 'day' || undefined }, 'per day (30 days)'),
  );
  mount(ctx.root, pageHeader('Cockpit', defSelect, bucketSelect, h('button', { class: 'secondary', onclick: () => void load() }, 'Refresh')), body);

  const load = async () => {
    const scope = key ? { definitionKey: key } : {};
    let defs: DefinitionStats[];
    let timeline: Timeline;
    let tasks: TaskStatsAnswer;
    let waiting: WaitingStats[];
    let incidents: Incident[];
    try {
      [defs, timeline, tasks, waiting, incidents] = await Promise.all([
        list<DefinitionStats>('/api/stats/definitions').then((r) => r.items),
        api<Timeline>('/api/stats/timeline', { query: { ...scope, bucket } }),
        api<TaskStatsAnswer>('/api/stats/tasks', { query: scope }),
        list<WaitingStats>('/api/stats/waiting', scope).then((r) => r.items),
        list<Incident>('/api/incidents', { state: 'open', limit: 100 }).then((r) => r.items),
      ]);
    } catch (err) {
      mount(body, failure(err, 'The cockpit', 'GET /api/stats/…'));
      return;
    }
    defSelect.replaceChildren(
      h('option', { value: '' }, 'all definitions'),
      ...defs.map((d) => h('option', { value: d.definitionKey, selected: d.definitionKey === key || undefined }, d.definitionKey)),
    );
    const shown = key ? defs.filter((d) => d.definitionKey === key) : defs;
    charts.forEach((c) => c.destroy());
    charts.length = 0;
    const now = serviceNow();

    const totals = shown.reduce(
      (t, d) => ({
        running: t.running + d.instances.running,
        completed: t.completed + d.instances.completed,
        failed: t.failed + d.instances.failed,
        incidents: t.incidents + d.openIncidents,
      }),
      { running: 0, completed: 0, failed: 0, incidents: 0 },
    );
    const states = chartBox(220);
    const throughput = chartBox(240);
    const bottleneck = chartBox(Math.max(160, 40 + waiting.length * 28));
    const incidentStatus = h('div');
    mount(
      body,
      h(
        'div',
        { class: 'kpis' },
        kpi('Running', totals.running, 'info'),
        kpi('Completed', totals.completed, 'ok'),
        kpi('Failed', totals.failed, totals.failed ? 'error' : 'muted'),
        kpi('Open incidents', totals.incidents, totals.incidents ? 'error' : 'muted'),
        kpi(
          'Waiting activities',
          waiting.reduce((n, w) => n + w.count, 0),
          'waiting',
        ),
      ),
      h(
        'div',
        { class: 'grid-2' },
        section('Instances by state', states.box),
        section(`Started and completed ${bucket === 'hour' ? 'per hour' : 'per day'}`, throughput.box),
      ),
      section(
        'Definitions',
        table(
          shown,
          [
            {
              title: 'Definition',
              cell: (d) => link(`/definitions/${encodeURIComponent(d.definitionKey)}`, d.name ? `${d.name} (${d.definitionKey})` : d.definitionKey),
            },
            {
              title: 'Running',
              cell: (d) => link(`/instances?definitionKey=${encodeURIComponent(d.definitionKey)}&state=running`, String(d.instances.running)),
              class: 'num',
            },
            { title: 'Completed', cell: (d) => d.instances.completed, class: 'num' },
            { title: 'Failed', cell: (d) => d.instances.failed, class: 'num' },
            { title: 'Cancelled', cell: (d) => d.instances.cancelled, class: 'num' },
            { title: 'Incidents', cell: (d) => (d.openIncidents ? badge(String(d.openIncidents), 'error') : '0'), class: 'num' },
            { title: 'Duration p50', cell: (d) => duration(d.duration.p50Ms), class: 'num' },
            { title: 'Duration p95', cell: (d) => duration(d.duration.p95Ms), class: 'num' },
            { title: 'Oldest running', cell: (d) => (d.oldestRunningStartedAt ? age(d.oldestRunningStartedAt, now) : '—'), class: 'num' },
          ],
          'No process deployed.',
        ),
      ),
      section(
        'Bottleneck: where instances wait now',
        waiting.length ? bottleneck.box : null,
        table(
          waiting,
          [
            { title: 'Definition', cell: (w) => w.definitionKey },
            { title: 'Activity', cell: (w) => w.activityName ?? w.activityId },
            { title: 'Type', cell: (w) => w.type ?? '—' },
            { title: 'Waiting', cell: (w) => w.count, class: 'num' },
            { title: 'Oldest wait', cell: (w) => h('span', { title: dateTime(w.oldestSince) }, age(w.oldestSince, now)), class: 'num' },
          ],
          'No instance waits right now.',
        ),
      ),
      h(
        'div',
        { class: 'grid-2' },
        section(
          'User tasks',
          table(
            tasks.items,
            [
              { title: 'Task', cell: (t) => `${t.name ?? t.activityId}${key ? '' : ` · ${t.definitionKey}`}` },
              { title: 'Open', cell: (t) => t.open, class: 'num' },
              { title: 'Oldest open', cell: (t) => age(t.oldestOpenAt, now), class: 'num' },
              { title: 'Done', cell: (t) => t.completed, class: 'num' },
              { title: 'p50', cell: (t) => duration(t.completion.p50Ms), class: 'num' },
              { title: 'p95', cell: (t) => duration(t.completion.p95Ms), class: 'num' },
            ],
            'No user task yet.',
          ),
        ),
        section(
          'Open tasks by group',
          table(
            tasks.groups,
            [
              { title: 'Group', cell: (g) => g.group },
              { title: 'Open', cell: (g) => g.open, class: 'num' },
              { title: 'Oldest', cell: (g) => age(g.oldestOpenAt, now), class: 'num' },
            ],
            'No open task.',
          ),
        ),
      ),
      section(
        key ? 'Open incidents (all definitions)' : 'Open incidents',
        incidentStatus,
        table(
          incidents,
          [
            { title: 'Instance', cell: (i) => link(`/instances/${i.processInstanceId}`, shortId(i.processInstanceId)) },
            { title: 'Activity', cell: (i) => i.activityId ?? '—' },
            { title: 'Message', cell: (i) => i.message },
            { title: 'Since', cell: (i) => dateTime(i.createdAt) },
            {
              title: '',
              cell: (i) =>
                h(
                  'button',
                  {
                    class: 'secondary',
                    onclick: () =>
                      void api(`/api/incidents/${i.id}/retry`, { method: 'POST', body: {} })
                        .then(load)
                        .catch((err: unknown) => incidentStatus.replaceChildren(notice('error', errorMessage(err)))),
                  },
                  'Retry',
                ),
            },
          ],
          'No open incident.',
        ),
      ),
    );
    charts.push(
      categoryChart(
        states.canvas,
        'bar',
        shown.map((d) => d.definitionKey),
        [
          { label: 'running', values: shown.map((d) => d.instances.running), color: '#2563eb' },
          { label: 'completed', values: shown.map((d) => d.instances.completed), color: '#16a34a' },
          { label: 'failed', values: shown.map((d) => d.instances.failed), color: '#dc2626' },
          { label: 'cancelled', values: shown.map((d) => d.instances.cancelled), color: '#9ca3af' },
        ],
        { stacked: true },
      ),
    );
    const label = (at: string) =>
      new Date(at).toLocaleString(undefined, bucket === 'hour' ? { day: '2-digit', hour: '2-digit', minute: '2-digit' } : { month: 'short', day: '2-digit' });
    charts.push(
      categoryChart(
        throughput.canvas,
        'line',
        timeline.items.map((b) => label(b.at)),
        [
          { label: 'started', values: timeline.items.map((b) => b.started) },
          { label: 'completed', values: timeline.items.map((b) => b.completed) },
        ],
      ),
    );
    if (waiting.length) {
      charts.push(
        categoryChart(
          bottleneck.canvas,
          'bar',
          waiting.map((w) => `${w.activityName ?? w.activityId}${key ? '' : ` (${w.definitionKey})`}`),
          [{ label: 'instances waiting', values: waiting.map((w) => w.count) }],
          { horizontal: true },
        ),
      );
    }
  };
  await load();
  every(ctx, REFRESH_MS, load);
}

function kpi(title: string, n: number, kind: string): HTMLElement {
  return h('div', { class: `kpi kpi-${kind}` }, h('div', { class: 'kpi-value' }, String(n)), h('div', { class: 'kpi-title' }, title));
}
