// The task list: open tasks of my groups or assigned to me, claim, the task's form, complete.
// The list refreshes by itself; an open form is left alone while it refreshes.
import { api, ApiError, list } from '../api';
import { every, type PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { age, dateTime, shortId, value } from '../format';
import { errorMessage, failure, notice, pageHeader } from '../ui';
import type { FormField, Task, TaskCompleted } from '@contract';

const REFRESH_MS = 5000;

function fieldInput(field: FormField, current: unknown): HTMLElement {
  const name = field.id;
  const common = { id: `field-${name}`, name, required: field.required || undefined, 'data-field': name };
  switch (field.type) {
    case 'boolean':
      return h(
        'select',
        common,
        h('option', { value: '' }, '— choose —'),
        h('option', { value: 'true', selected: current === true || undefined }, 'Yes'),
        h('option', { value: 'false', selected: current === false || undefined }, 'No'),
      );
    case 'enum':
      return h(
        'select',
        common,
        h('option', { value: '' }, '— choose —'),
        (field.values ?? []).map((v) => h('option', { value: v.id, selected: current === v.id || undefined }, v.name || v.id)),
      );
    case 'long':
      return h('input', { ...common, type: 'number', step: '1', value: current ?? undefined });
    case 'date':
      return h('input', { ...common, type: 'date', value: typeof current === 'string' ? current.slice(0, 10) : undefined });
    default:
      return h('input', { ...common, type: 'text', value: current ?? undefined });
  }
}

function readForm(form: HTMLFormElement, fields: FormField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const el = form.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-field="${CSS.escape(f.id)}"]`);
    const raw = el?.value ?? '';
    if (raw === '') continue;
    if (f.type === 'boolean') out[f.id] = raw === 'true';
    else if (f.type === 'long') out[f.id] = Number(raw);
    else out[f.id] = raw;
  }
  return out;
}

export async function tasksPage(ctx: PageContext): Promise<void> {
  const listBox = h('div', { class: 'task-list' });
  const detail = h('div', { class: 'task-detail' });
  const updated = h('span', { class: 'muted', 'data-testid': 'refreshed' });
  const mineOnly = h('input', { type: 'checkbox', id: 'mine-only' });
  let selected = ctx.query.get('task');
  let tasks: Task[] = [];

  const refresh = async () => {
    try {
      const page = await list<Task>('/api/tasks', { state: 'open', limit: 200, ...(mineOnly.checked ? { assignee: ctx.me.name } : {}) });
      tasks = page.items;
      renderList();
      updated.textContent = `${page.total} open · refreshed ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      mount(listBox, failure(err, 'Tasks', 'GET /api/tasks'));
    }
  };

  const renderList = () => {
    mount(
      listBox,
      table(
        tasks,
        [
          {
            title: 'Task',
            cell: (t) =>
              h(
                'button',
                { class: `link task-open${t.id === selected ? ' selected' : ''}`, 'data-task': t.id, onclick: () => void select(t.id) },
                t.name ?? t.activityId,
              ),
          },
          { title: 'Process', cell: (t) => h('span', null, t.definitionKey, ' ', link(`/instances/${t.processInstanceId}`, shortId(t.processInstanceId))) },
          { title: 'Groups', cell: (t) => t.candidateGroups.join(', ') || '—' },
          {
            title: 'Assignee',
            cell: (t) => (t.assignee ? badge(t.assignee === ctx.me.name ? 'me' : t.assignee, t.assignee === ctx.me.name ? 'ok' : 'muted') : '—'),
          },
          { title: 'Waiting', cell: (t) => h('span', { title: dateTime(t.createdAt) }, age(t.createdAt)) },
        ],
        mineOnly.checked ? 'No open task is assigned to you.' : 'No open task for your groups. The list refreshes by itself.',
      ),
    );
  };

  const select = async (id: string) => {
    selected = id;
    history.replaceState(null, '', `/tasks?task=${encodeURIComponent(id)}`);
    renderList();
    mount(detail, h('p', { class: 'loading' }, 'Loading task…'));
    try {
      renderDetail(await api<Task>(`/api/tasks/${encodeURIComponent(id)}`));
    } catch (err) {
      mount(detail, failure(err, 'This task', `GET /api/tasks/${id}`));
    }
  };

  const renderDetail = (task: Task) => {
    const status = h('div', { class: 'form-status' });
    const fields = task.form.fields;
    const form = h(
      'form',
      { class: 'task-form', 'data-testid': 'task-form', novalidate: true },
      fields.length ? null : h('p', { class: 'muted' }, 'This task has no form: completing it carries the process on.'),
      fields.map((f) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `field-${f.id}` }, f.label || f.id, f.required ? h('span', { class: 'required', title: 'required' }, ' *') : null),
          fieldInput(f, task.variables[f.id] ?? f.defaultValue),
          h('div', { class: 'field-error', 'data-error-for': f.id }),
        ),
      ),
      h(
        'div',
        { class: 'buttons' },
        task.assignee ? null : h('button', { type: 'button', class: 'secondary', 'data-action': 'claim', onclick: () => void claim() }, 'Claim'),
        h('button', { type: 'submit', class: 'primary', 'data-action': 'complete' }, 'Complete'),
      ),
      status,
    );
    const claim = async () => {
      try {
        const claimed = await api<Task>(`/api/tasks/${task.id}/claim`, { method: 'POST', body: {} });
        renderDetail({ ...task, ...claimed, variables: task.variables });
        void refresh();
      } catch (err) {
        status.replaceChildren(notice('error', errorMessage(err)));
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      form.querySelectorAll('.field-error').forEach((el) => el.replaceChildren());
      const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
      if (submit) submit.disabled = true;
      api<TaskCompleted>(`/api/tasks/${task.id}/complete`, { method: 'POST', body: { variables: readForm(form, fields) } })
        .then((done) => {
          selected = null;
          history.replaceState(null, '', '/tasks');
          const inst = done.processInstance;
          mount(
            detail,
            notice(
              'success',
              `“${task.name ?? task.activityId}” completed. The instance is ${inst.state}`,
              inst.waitingAt.length ? ` and waits at ${inst.waitingAt.map((w) => w.activityName ?? w.activityId).join(', ')}` : '',
              '. ',
              link(`/instances/${inst.id}`, 'Open the instance'),
            ),
          );
          void refresh();
        })
        .catch((err: unknown) => {
          if (submit) submit.disabled = false;
          if (err instanceof ApiError && err.code === 'FORM_INVALID') {
            for (const item of err.problem.errors ?? []) {
              const fieldId = item.pointer?.replace(/^\/variables\//, '') ?? '';
              form.querySelector(`[data-error-for="${CSS.escape(fieldId)}"]`)?.replaceChildren(item.message);
            }
          }
          status.replaceChildren(notice('error', errorMessage(err)));
        });
    });
    const context = Object.entries(task.variables).filter(([k]) => !fields.some((f) => f.id === k));
    mount(
      detail,
      h(
        'div',
        { class: 'card' },
        h('h2', null, task.name ?? task.activityId),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Process'),
          h('dd', null, task.definitionKey, ' · ', link(`/instances/${task.processInstanceId}`, 'instance ', shortId(task.processInstanceId))),
          h('dt', null, 'Candidate groups'),
          h('dd', null, task.candidateGroups.join(', ') || '—'),
          h('dt', null, 'Assignee'),
          h('dd', { 'data-testid': 'assignee' }, task.assignee ?? 'nobody (claim it, or complete it directly)'),
          h('dt', null, 'Waiting since'),
          h('dd', null, dateTime(task.createdAt)),
        ),
        form,
        context.length
          ? h(
              'details',
              { class: 'context' },
              h('summary', null, `Process variables (${context.length})`),
              table(context, [
                { title: 'Name', cell: ([k]) => k },
                { title: 'Value', cell: ([, v]) => h('code', null, value(v)) },
              ]),
            )
          : null,
      ),
    );
  };

  mineOnly.addEventListener('change', () => void refresh());
  mount(
    ctx.root,
    pageHeader(
      'Tasks',
      h('label', { class: 'inline' }, mineOnly, ' assigned to me'),
      updated,
      h('button', { class: 'secondary', onclick: () => void refresh() }, 'Refresh'),
    ),
    h('div', { class: 'split' }, listBox, detail),
  );
  mount(detail, h('p', { class: 'muted' }, 'Choose a task to see its form.'));
  await refresh();
  if (selected) await select(selected);
  every(ctx, REFRESH_MS, refresh);
}
