// Definitions: the latest version of each, deploy a .bpmn, start an instance; one definition's
// page draws its diagram with how many instances wait at each activity now.
import { api, ApiError, list } from '../api';
import { isAdmin, type PageContext } from '../context';
import { serviceNow } from '../clock';
import { showDiagram, type Diagram } from '../diagram';
import { badge, h, link, mount, table } from '../dom';
import { dateTime, duration } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import { definitionXml } from './instance-page';
import type { Deployment, ProcessDefinition, ProcessInstance, WaitingStats } from '@contract';

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
  const waiting = isAdmin(ctx.me) ? await list<WaitingStats>('/api/stats/waiting', { definitionKey: key }).catch(() => undefined) : undefined;
  const canvas = h('div', { class: 'diagram', 'data-testid': 'diagram' });
  const now = serviceNow();
  mount(
    ctx.root,
    pageHeader(
      `${def.name ?? def.key} (v${def.version})`,
      link(`/instances?definitionKey=${encodeURIComponent(def.key)}`, 'Instances'),
      link('/cockpit', 'Cockpit'),
    ),
    def.startable ? section('Start an instance', startForm(def, ctx)) : null,
    section('Diagram', h('p', { class: 'legend' }, 'Badges: instances waiting at the activity now.'), canvas),
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
    const badges = new Map((waiting?.items ?? []).map((w) => [w.activityId, String(w.count)]));
    diagram = await showDiagram(canvas, await definitionXml(def.key, def.version), { badges, waiting: [...badges.keys()] });
  } catch (err) {
    canvas.replaceWith(notice('warning', `The diagram cannot be drawn: ${errorMessage(err)}`));
  }
}
