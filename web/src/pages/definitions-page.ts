// Definitions: the latest version of each, deploy a .bpmn, start an instance; one definition's
// page draws its diagram with each activity's counts (there now, ended, incidents) and, switched
// on, a heatmap of the activities' p95 durations.
import { api, ApiError, list } from '../api';
import { isAdmin, type PageContext } from '../context';
import { serviceNow } from '../clock';
import { showDiagram, type Diagram } from '../diagram';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import { definitionXml } from './instance-page';
import type { ActivityStats, ActivityStatsAnswer, Deployment, ProcessDefinition, ProcessInstance, WaitingStats } from '@contract';

function deployForm(onDone: () => void): HTMLElement {
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: '.bpmn,.xml,application/xml,text/xml',
    multiple: true,
    required: true,
    'data-testid': 'bpmn-file',
  });
  const status = h('div');
  const form = h('form', { class: 'inline-form' }, file, h('button', { type: 'submit', class: 'primary' }, 'Deploy'), status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!file.files?.length) return;
    const data = new FormData();
    for (const f of file.files) data.append('file', f, f.name);
    api<Deployment | { deployments: Deployment[] }>('/api/deployments', { method: 'POST', body: data })
      .then((res) => {
        const deployments = 'deployments' in res ? res.deployments : [res];
        const defs = deployments.flatMap((d) => d.definitions);
        const warnings = deployments.flatMap((d) => d.warnings ?? []);
        status.replaceChildren(
          notice('success', `Deployed: ${defs.map((d) => `${d.key} v${d.version}`).join(', ') || 'no startable process'}.`),
          // What the file holds that procflow read leniently or does not execute: said, never silent.
          ...(warnings.length
            ? [
                notice(
                  'warning',
                  `${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}:`,
                  h(
                    'ul',
                    { 'data-testid': 'deploy-warnings' },
                    warnings.map((w) => h('li', null, w.elementId ? h('code', null, w.elementId) : '', w.elementId ? ' ' : '', w.message)),
                  ),
                ),
              ]
            : []),
        );
        form.reset();
        onDone();
      })
      .catch((err: unknown) => {
        const items = err instanceof ApiError ? (err.problem.errors ?? []) : [];
        status.replaceChildren(
          notice(
            'error',
            errorMessage(err),
            items.length
              ? h(
                  'ul',
                  null,
                  items.map((i) =>
                    h('li', null, [i.elementId, i.line ? `line ${i.line}${i.column ? `:${i.column}` : ''}` : ''].filter(Boolean).join(' '), ' ', i.message),
                  ),
                )
              : null,
          ),
        );
      });
  });
  return form;
}

function startForm(def: ProcessDefinition, ctx: PageContext): HTMLElement {
  const businessKey = h('input', { type: 'text', placeholder: 'business key (optional)' });
  const variables = h('textarea', { rows: 2, placeholder: '{"customer": "ACME"}' });
  const status = h('div');
  const form = h('form', { class: 'start-form' }, businessKey, variables, h('button', { type: 'submit', class: 'primary' }, `Start ${def.key}`), status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let vars: Record<string, unknown> | undefined;
    try {
      vars = variables.value.trim() ? (JSON.parse(variables.value) as Record<string, unknown>) : undefined;
    } catch {
      status.replaceChildren(notice('error', 'The variables are not valid JSON.'));
      return;
    }
    api<ProcessInstance>(`/api/process-definitions/${encodeURIComponent(def.key)}/start`, {
      method: 'POST',
      body: { ...(businessKey.value.trim() ? { businessKey: businessKey.value.trim() } : {}), ...(vars ? { variables: vars } : {}) },
    })
      .then((inst) => ctx.navigate(`/instances/${inst.id}`))
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

export async function definitionsPage(ctx: PageContext): Promise<void> {
  const body = h('div');
  const all = ctx.query.get('allVersions') === 'true';
  const load = async () => {
    try {
      const defs = await list<ProcessDefinition>('/api/process-definitions', { allVersions: all || undefined });
      mount(
        body,
        table(
          defs.items,
          [
            { title: 'Key', cell: (d) => link(`/definitions/${encodeURIComponent(d.key)}`, d.key) },
            { title: 'Name', cell: (d) => d.name ?? '—' },
            { title: 'Version', cell: (d) => `v${d.version}` },
            { title: 'Deployed', cell: (d) => dateTime(d.deployedAt) },
            { title: 'User tasks', cell: (d) => d.userTasks.map((t) => t.name || t.id).join(', ') || '—' },
            { title: 'Startable', cell: (d) => (d.startable ? badge('yes', 'ok') : badge('message start', 'muted')) },
            { title: '', cell: (d) => link(`/instances?definitionKey=${encodeURIComponent(d.key)}`, 'instances') },
          ],
          'Nothing deployed yet: upload a .bpmn file.',
        ),
      );
    } catch (err) {
      mount(body, failure(err, 'Definitions', 'GET /api/process-definitions'));
    }
  };
  mount(
    ctx.root,
    pageHeader('Definitions', link(all ? '/definitions' : '/definitions?allVersions=true', all ? 'latest versions only' : 'all versions')),
    isAdmin(ctx.me)
      ? section(
          'Deploy a BPMN file',
          deployForm(() => void load()),
        )
      : null,
    section('Deployed processes', body),
  );
  await load();
}

/** Steps whose p95 is shorter than this took no time worth colouring. */
const INSTANT_MS = 1000;

/** Light yellow to dark red: the heatmap's five steps, shortest p95 first. */
const HEAT = ['#fef9c3', '#fde68a', '#fdba74', '#f87171', '#b91c1c'];

/** The activity's counts on its badge: "2 now · 14 done · 1 ⚠" (what is zero is left out, except done). */
function countsText(a: ActivityStats): string {
  return [a.running ? `${a.running} now` : '', `${a.completed} done`, a.incidents ? `${a.incidents} ⚠` : ''].filter(Boolean).join(' · ');
}

/** p95 → colour on a scale from the shortest to the longest p95, and the legend's bounds. */
export function heatScale(items: ActivityStats[]): { colours: Map<string, string>; steps: Array<{ colour: string; from: number; to: number }> } {
  // Instant steps (gateways, throw events, handlers that answer at once) stay uncoloured.
  const timed = items.filter((a) => a.duration.p95Ms !== null && a.duration.p95Ms >= INSTANT_MS) as Array<ActivityStats & { duration: { p95Ms: number } }>;
  if (!timed.length) return { colours: new Map(), steps: [] };
  const min = Math.min(...timed.map((a) => a.duration.p95Ms));
  const max = Math.max(...timed.map((a) => a.duration.p95Ms));
  const width = (max - min) / HEAT.length;
  const step = (ms: number) => (width === 0 ? HEAT.length - 1 : Math.min(HEAT.length - 1, Math.floor((ms - min) / width)));
  const colours = new Map(timed.map((a) => [a.activityId, HEAT[step(a.duration.p95Ms)] as string]));
  const steps =
    width === 0
      ? [{ colour: HEAT.at(-1) as string, from: min, to: max }]
      : HEAT.map((colour, i) => ({ colour, from: min + i * width, to: min + (i + 1) * width }));
  return { colours, steps };
}

function heatLegend(steps: Array<{ colour: string; from: number; to: number }>): HTMLElement {
  if (!steps.length) return h('p', { class: 'legend', 'data-testid': 'heat-legend' }, 'No activity took time in this window: nothing to colour.');
  return h(
    'p',
    { class: 'legend', 'data-testid': 'heat-legend' },
    'p95 duration (steps under a second stay uncoloured): ',
    steps.map((s) => {
      // Styled through the CSSOM: the Content-Security-Policy allows no style attributes.
      const swatch = h('span', { 'data-colour': s.colour });
      Object.assign(swatch.style, { display: 'inline-block', width: '1.1rem', height: '0.8rem', border: '1px solid #94a3b8', background: s.colour });
      const item = h('span', null, swatch, s.from === s.to ? duration(s.from) : `${duration(s.from)} – ${duration(s.to)}`);
      Object.assign(item.style, { display: 'inline-flex', alignItems: 'center', gap: '0.25rem', marginRight: '0.75rem' });
      return item;
    }),
  );
}

export async function definitionPage(ctx: PageContext): Promise<void> {
  const key = ctx.params.key ?? '';
  let diagram: Diagram | undefined;
  ctx.onLeave(() => diagram?.destroy());
  let def: ProcessDefinition;
  try {
    def = await api<ProcessDefinition>(`/api/process-definitions/${encodeURIComponent(key)}`);
  } catch (err) {
    mount(ctx.root, pageHeader(key), failure(err, 'Definitions', `GET /api/process-definitions/${key}`));
    return;
  }
  const [waiting, activities] = isAdmin(ctx.me)
    ? await Promise.all([
        list<WaitingStats>('/api/stats/waiting', { definitionKey: key }).catch(() => undefined),
        api<ActivityStatsAnswer>(`/api/stats/activities?definitionKey=${encodeURIComponent(key)}&version=${def.version}`).catch(() => undefined),
      ])
    : [undefined, undefined];
  const canvas = h('div', { class: 'diagram', 'data-testid': 'diagram' });
  const heat = heatScale(activities?.items ?? []);
  const legend = h('div');
  const heatToggle = h('input', { type: 'checkbox', 'data-testid': 'heatmap-toggle' });
  heatToggle.addEventListener('change', () => {
    diagram?.tint(heatToggle.checked ? heat.colours : null);
    legend.replaceChildren(...(heatToggle.checked ? [heatLegend(heat.steps)] : []));
  });
  const now = serviceNow();
  mount(
    ctx.root,
    pageHeader(
      `${def.name ?? def.key} (v${def.version})`,
      link(`/instances?definitionKey=${encodeURIComponent(def.key)}`, 'Instances'),
      link('/cockpit', 'Cockpit'),
    ),
    def.startable ? section('Start an instance', startForm(def, ctx)) : null,
    section(
      'Diagram',
      activities
        ? [
            h(
              'p',
              { class: 'legend' },
              `Badges: instances at the activity now, runs ended since ${dateTime(activities.since)}, open incidents (v${def.version}). `,
              h('label', null, heatToggle, ' duration heatmap'),
            ),
            legend,
          ]
        : h('p', { class: 'legend' }, 'The diagram of the latest version.'),
      canvas,
    ),
    waiting
      ? section(
          'Waiting now',
          table(
            waiting.items,
            [
              { title: 'Activity', cell: (w) => w.activityName ?? w.activityId },
              { title: 'Instances', cell: (w) => w.count },
              { title: 'Oldest wait', cell: (w) => (w.oldestSince ? duration(now - new Date(w.oldestSince).getTime()) : '—') },
            ],
            'No instance waits.',
          ),
        )
      : null,
  );
  try {
    const items = activities?.items ?? [];
    const badges = new Map(items.filter((a) => a.running || a.completed || a.incidents).map((a) => [a.activityId, countsText(a)]));
    diagram = await showDiagram(canvas, await definitionXml(def.key, def.version), {
      badges,
      waiting: items.filter((a) => a.running > 0).map((a) => a.activityId),
      incidents: items.filter((a) => a.incidents > 0).map((a) => a.activityId),
    });
  } catch (err) {
    canvas.replaceWith(notice('warning', `The diagram cannot be drawn: ${errorMessage(err)}`));
  }
}
