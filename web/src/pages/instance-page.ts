// One instance: its diagram with the path taken (from the history: only what ran), run counts,
// where it waits and where it failed, open tasks, incidents (retry), variables, history, and cancel;
// an operator's repairs (variables, triggers, retries with retries, messages) are in instance-repair.ts.
import { api, isForbidden, list, request } from '../api';
import type { PageContext } from '../context';
import { serviceNow } from '../clock';
import { pathFromHistory, showDiagram, type Diagram } from '../diagram';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration, shortId } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import { repairSection, retryControl, variablesSection } from './instance-repair';
import type { HistoryEntry, Incident, ProcessInstance, Task } from '@contract';

export function stateBadge(state: string): HTMLElement {
  const kind = { running: 'info', completed: 'ok', failed: 'error', cancelled: 'muted' }[state] ?? 'muted';
  return badge(state, kind);
}

export async function definitionXml(key: string, version?: number): Promise<string> {
  const res = await request(`/api/process-definitions/${encodeURIComponent(key)}/xml${version ? `?version=${version}` : ''}`, {}, 'application/xml');
  return res.text();
}

export async function instancePage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id ?? '';
  let diagram: Diagram | undefined;
  ctx.onLeave(() => diagram?.destroy());

  let instance: ProcessInstance;
  let historyRows: HistoryEntry[];
  try {
    [instance, historyRows] = await Promise.all([
      api<ProcessInstance>(`/api/process-instances/${encodeURIComponent(id)}`),
      api<HistoryEntry[]>(`/api/process-instances/${encodeURIComponent(id)}/history`),
    ]);
  } catch (err) {
    mount(ctx.root, pageHeader('Instance'), failure(err, 'Instances', `GET /api/process-instances/${id}`));
    return;
  }
  const [tasks, incidents] = await Promise.all([
    list<Task>('/api/tasks', { processInstanceId: id, state: 'open' }).catch(() => ({ items: [] as Task[], total: 0 })),
    list<Incident>('/api/incidents', { processInstanceId: id, limit: 100 }).catch((err: unknown) => {
      if (isForbidden(err)) return undefined; // incidents are for admins
      throw err;
    }),
  ]);

  // An incident names its activity as the model does (history carries the names of what ran).
  const names = new Map<string, string>();
  for (const e of historyRows) if (e.activityId && e.activityName) names.set(e.activityId, e.activityName);
  const activityName = (id: string | null) => (id ? (names.get(id) ?? id) : '—');
  const failedAt = [...new Set((incidents?.items ?? []).filter((i) => i.state === 'open' && i.activityId).map((i) => i.activityId as string))];

  const status = h('div');
  const canvas = h('div', { class: 'diagram', id: 'diagram', 'data-testid': 'diagram' });
  const cancel =
    instance.state === 'running'
      ? h(
          'button',
          {
            class: 'danger',
            'data-action': 'cancel',
            onclick: () => {
              if (!window.confirm(`Cancel instance ${instance.id}? Its open tasks are cancelled too.`)) return;
              api(`/api/process-instances/${instance.id}`, { method: 'DELETE' })
                .then(() => ctx.navigate(`/instances/${instance.id}`))
                .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
            },
          },
          'Cancel instance',
        )
      : null;

  const ended = instance.endedAt ? new Date(instance.endedAt).getTime() : serviceNow();
  mount(
    ctx.root,
    pageHeader(
      `${instance.definitionKey} v${instance.definitionVersion}`,
      stateBadge(instance.state),
      cancel,
      h('button', { class: 'secondary', onclick: () => ctx.navigate(`/instances/${instance.id}`) }, 'Refresh'),
    ),
    status,
    h(
      'dl',
      { class: 'facts card' },
      h('dt', null, 'Instance'),
      h('dd', null, h('code', null, instance.id)),
      h('dt', null, 'Business key'),
      h('dd', null, instance.businessKey ?? '—'),
      h('dt', null, 'Started'),
      h('dd', null, dateTime(instance.startedAt)),
      h('dt', null, instance.endedAt ? 'Ended' : 'Running for'),
      h(
        'dd',
        null,
        instance.endedAt
          ? `${dateTime(instance.endedAt)} (after ${duration(ended - new Date(instance.startedAt).getTime())})`
          : duration(ended - new Date(instance.startedAt).getTime()),
      ),
      h('dt', null, 'Waiting at'),
      h(
        'dd',
        { 'data-testid': 'waiting-at' },
        instance.waitingAt.length ? instance.waitingAt.map((w) => [badge(w.activityName ?? w.activityId, 'waiting'), `(${w.type}) `]) : '—',
      ),
    ),
    section(
      'Diagram',
      h(
        'p',
        { class: 'legend' },
        h('span', { class: 'key key-waiting' }),
        ' waiting now ',
        h('span', { class: 'key key-done' }),
        ' done ',
        h('span', { class: 'key key-taken' }),
        ' path taken ',
        h('span', { class: 'key key-incident' }),
        ' open incident ',
        h('span', { class: 'pf-runs' }, '×2'),
        ' ran twice',
      ),
      canvas,
    ),
    section(
      'Open tasks',
      table(
        tasks.items,
        [
          { title: 'Task', cell: (t) => link(`/tasks?task=${t.id}`, t.name ?? t.activityId) },
          { title: 'Groups', cell: (t) => t.candidateGroups.join(', ') || '—' },
          { title: 'Assignee', cell: (t) => t.assignee ?? '—' },
          { title: 'Since', cell: (t) => dateTime(t.createdAt) },
        ],
        'No open task of this instance that you may act on.',
      ),
    ),
    incidents
      ? section(
          'Incidents',
          table(
            incidents.items,
            [
              { title: 'Activity', cell: (i) => h('span', { title: i.activityId ?? '', 'data-testid': 'incident-activity' }, activityName(i.activityId)) },
              { title: 'Message', cell: (i) => i.message },
              { title: 'State', cell: (i) => badge(i.state, i.state === 'open' ? 'error' : 'muted') },
              { title: 'Retries', cell: (i) => i.retries },
              { title: 'Since', cell: (i) => dateTime(i.createdAt) },
              { title: '', cell: (i) => retryControl(ctx, instance, i, status) },
            ],
            'No incident.',
          ),
        )
      : null,
    section('Variables', variablesSection(ctx, instance, status)),
    ((repair) => (repair ? section('Trigger, message, signal', repair) : null))(repairSection(ctx, instance, status)),
    section(
      'History',
      table(
        historyRows,
        [
          { title: 'At', cell: (e) => dateTime(e.at) },
          { title: 'Event', cell: (e) => e.event },
          { title: 'Activity', cell: (e) => e.activityName ?? e.activityId ?? '—' },
          { title: 'Type', cell: (e) => e.type ?? '—' },
          { title: 'By', cell: (e) => e.by ?? '' },
          { title: 'Change', cell: (e) => (e.details ? h('code', { 'data-testid': 'history-change' }, changeText(e.details)) : '') },
        ],
        'No history.',
      ),
    ),
  );

  try {
    const xml = await definitionXml(instance.definitionKey, instance.definitionVersion);
    const marks = pathFromHistory(
      historyRows,
      instance.waitingAt.map((w) => w.activityId),
      failedAt,
    );
    diagram = await showDiagram(canvas, xml, marks);
    // An activity that never ran carries no name in the history: the diagram's name, then.
    for (const cell of ctx.root.querySelectorAll<HTMLElement>('[data-testid=incident-activity]')) {
      const id = cell.title;
      if (id && !names.has(id)) cell.textContent = diagram.name(id) ?? id;
    }
  } catch (err) {
    canvas.replaceWith(notice('warning', `The diagram of ${instance.definitionKey} v${instance.definitionVersion} cannot be drawn: ${errorMessage(err)}`));
  }
  document.title = `${instance.definitionKey} ${shortId(instance.id)} · procflow`;
}

/** An operator's change as the history shows it: `amount: 20 → 250`. */
function changeText(d: Record<string, unknown>): string {
  const show = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));
  if (typeof d.name === 'string') return `${d.name}: ${show(d.oldValue)} → ${show(d.newValue)}`;
  return JSON.stringify(d);
}
