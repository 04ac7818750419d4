// The task list: open tasks of my groups, naming me or assigned to me (or those I completed),
// filtered by name, business key and due date, sorted, with filters saved in the browser; claim,
// unclaim, assign, change priority and dates, comment, the task's form with the business data it
// is about, complete. The list refreshes by itself; an open form is left alone while it refreshes.
import { api, ApiError, list } from '../api';
import { every, isAdmin, type PageContext } from '../context';
import { badge, h, link, mount, table } from '../dom';
import { age, dateTime, duration, shortId } from '../format';
import { errorMessage, failure, notice, pageHeader } from '../ui';
import { businessVariables, ORDER_PROCESS, orderPanel } from './task-business-data';
import { attributeEditor, commentsThread, dueCell, dueIn } from './task-comments';
import type { FormField, Task, TaskCompleted } from '@contract';

type View = 'open' | 'mine' | 'groups' | 'candidate' | 'completed';

/** What the list asks for, by view: assigned to me, of my groups, naming me (GET /api/tasks?involvement=). */
const INVOLVEMENT: Partial<Record<View, string>> = { mine: 'assigned', groups: 'groups', candidate: 'candidate' };

const SORTS: Record<string, { label: string; sort: string; order: 'asc' | 'desc' }> = {
  oldest: { label: 'Oldest first', sort: 'createdAt', order: 'asc' },
  newest: { label: 'Newest first', sort: 'createdAt', order: 'desc' },
  priority: { label: 'Highest priority first', sort: 'priority', order: 'desc' },
  due: { label: 'Due soonest first', sort: 'due', order: 'asc' },
  name: { label: 'Task name', sort: 'name', order: 'asc' },
  businessKey: { label: 'Business key', sort: 'businessKey', order: 'asc' },
  completed: { label: 'Last completed first', sort: 'completedAt', order: 'desc' },
};

/** The business key, as a link to the order for the order process. */
function businessKeyCell(t: Task): HTMLElement | string {
  if (!t.businessKey) return '—';
  if (t.definitionKey === ORDER_PROCESS)
    return link(`/orders/${encodeURIComponent(t.businessKey)}`, h('span', { title: t.businessKey }, 'order ', shortId(t.businessKey)));
  return h('span', { title: t.businessKey }, t.businessKey);
}

const REFRESH_MS = 5000;

/** Filters a person saved, by name, kept in this browser. */
interface SavedFilter {
  view: string;
  sort: string;
  name: string;
  businessKey: string;
  dueBefore: string;
}

const SAVED_FILTERS_KEY = 'procflow.task-filters';

function savedFilters(): Record<string, SavedFilter> {
  try {
    const raw = window.localStorage.getItem(SAVED_FILTERS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, SavedFilter>) : {};
  } catch {
    return {};
  }
}

function storeFilters(filters: Record<string, SavedFilter>): void {
  window.localStorage.setItem(SAVED_FILTERS_KEY, JSON.stringify(filters));
}

/** A date input's day as the first moment of that day in the browser's time zone. */
function startOfDay(date: string): string | undefined {
  const ms = date ? new Date(`${date}T00:00:00`).getTime() : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function fieldInput(field: FormField, current: unknown, disabled = false): HTMLElement {
  const name = field.id;
  const common = { id: `field-${name}`, name, required: field.required || undefined, 'data-field': name, disabled: disabled || undefined };
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
  const admin = isAdmin(ctx.me);
  const view = h(
    'select',
    { id: 'task-view', 'aria-label': 'which tasks' },
    h('option', { value: 'open' }, admin ? 'All open tasks' : 'Open tasks for me'),
    h('option', { value: 'mine' }, 'Assigned to me'),
    h('option', { value: 'groups' }, 'Of my groups'),
    h('option', { value: 'candidate' }, 'Naming me as candidate'),
    h('option', { value: 'completed' }, 'Completed by me'),
  );
  const sortBy = h(
    'select',
    { id: 'task-sort', 'aria-label': 'sort by' },
    Object.entries(SORTS).map(([k, v]) => h('option', { value: k }, v.label)),
  );
  const keyFilter = h('input', { type: 'search', id: 'task-business-key', placeholder: 'business key / order id', 'aria-label': 'business key' });
  const nameFilter = h('input', { type: 'search', id: 'task-name', placeholder: 'task name', 'aria-label': 'task name' });
  const dueFilter = h('input', { type: 'date', id: 'task-due-before', 'aria-label': 'due before', title: 'due before' });
  const saved = h('select', { id: 'task-saved', 'aria-label': 'saved filters' });
  const saveName = h('input', { type: 'text', id: 'task-filter-name', placeholder: 'name this filter', 'aria-label': 'filter name', class: 'short' });
  const renderSaved = (current = '') => {
    mount(
      saved,
      h('option', { value: '' }, 'Saved filters…'),
      Object.keys(savedFilters())
        .sort()
        .map((n) => h('option', { value: n, selected: n === current || undefined }, n)),
    );
  };
  let selected = ctx.query.get('task');
  let tasks: Task[] = [];

  const refresh = async () => {
    const which = view.value as View;
    const order = SORTS[sortBy.value] ?? SORTS.oldest;
    try {
      const page = await list<Task>('/api/tasks', {
        state: which === 'completed' ? 'completed' : 'open',
        limit: 200,
        ...(INVOLVEMENT[which] ? { involvement: INVOLVEMENT[which] } : {}),
        ...(which === 'completed' ? { completedBy: 'me' } : {}),
        ...(keyFilter.value.trim() ? { businessKey: keyFilter.value.trim() } : {}),
        ...(nameFilter.value.trim() ? { name: nameFilter.value.trim() } : {}),
        ...(startOfDay(dueFilter.value) ? { dueBefore: startOfDay(dueFilter.value) } : {}),
        sort: order?.sort,
        order: order?.order,
      });
      tasks = page.items;
      renderList(which);
      updated.textContent = `${page.total} ${which === 'completed' ? 'completed' : 'open'} · refreshed ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      mount(listBox, failure(err, 'Tasks', 'GET /api/tasks'));
    }
  };

  const renderList = (which: View) => {
    const done = which === 'completed';
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
          { title: 'Business key', cell: (t) => h('span', { 'data-testid': 'business-key' }, businessKeyCell(t)) },
          { title: 'Process', cell: (t) => h('span', null, t.definitionKey, ' ', link(`/instances/${t.processInstanceId}`, shortId(t.processInstanceId))) },
          ...(done
            ? [
                { title: 'Completed', cell: (t: Task) => dateTime(t.completedAt) },
                { title: 'Took', cell: (t: Task) => (t.completedAt ? duration(Date.parse(t.completedAt) - Date.parse(t.createdAt)) : '—'), class: 'num' },
              ]
            : [
                { title: 'Groups', cell: (t: Task) => t.candidateGroups.join(', ') || '—' },
                {
                  title: 'Assignee',
                  cell: (t: Task) => (t.assignee ? badge(t.assignee === ctx.me.name ? 'me' : t.assignee, t.assignee === ctx.me.name ? 'ok' : 'muted') : '—'),
                },
                { title: 'Priority', cell: (t: Task) => h('span', { 'data-testid': 'priority' }, t.priority), class: 'num' },
                { title: 'Due', cell: (t: Task) => dueCell(t) },
                { title: 'Waiting', cell: (t: Task) => h('span', { title: dateTime(t.createdAt) }, age(t.createdAt)), class: 'num' },
              ]),
        ],
        done
          ? 'You have completed no task yet.'
          : which === 'mine'
            ? 'No open task is assigned to you.'
            : which === 'candidate'
              ? 'No open task names you as a candidate.'
              : 'No open task for your groups. The list refreshes by itself.',
      ),
    );
  };

  const select = async (id: string) => {
    selected = id;
    history.replaceState(null, '', `/tasks?task=${encodeURIComponent(id)}`);
    renderList(view.value as View);
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
    const open = task.state === 'open';
    const holds = task.assignee === ctx.me.name;
    const mayAct =
      admin || holds || (!task.assignee && (task.candidateUsers.includes(ctx.me.name) || task.candidateGroups.some((g) => ctx.me.groups.includes(g))));
    // A task without candidates (assigned by the model, e.g. to the order's client) has no group to
    // go back to and nobody else to hand it to: only an admin unclaims or reassigns it.
    const handsOn = admin || task.candidateGroups.length > 0 || task.candidateUsers.length > 0;
    const assignTo = h('input', {
      type: 'text',
      name: 'assignee',
      placeholder: 'user name',
      'aria-label': 'assign to',
      class: 'short',
      'data-testid': 'assign-to',
    });
    const form = h(
      'form',
      { class: 'task-form', 'data-testid': 'task-form', novalidate: true },
      fields.length ? null : h('p', { class: 'muted' }, 'This task has no form: completing it carries the process on.'),
      fields.map((f) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `field-${f.id}` }, f.label || f.id, f.required && open ? h('span', { class: 'required', title: 'required' }, ' *') : null),
          // An open task starts from the field's defaultValue only: an earlier round's answer in the
          // instance's variables is not this round's (a dispute reason must be given anew).
          fieldInput(f, open ? f.defaultValue : task.variables[f.id], !open),
          h('div', { class: 'field-error', 'data-error-for': f.id }),
        ),
      ),
      open
        ? h(
            'div',
            { class: 'buttons' },
            task.assignee ? null : h('button', { type: 'button', class: 'secondary', 'data-action': 'claim', onclick: () => void change('claim') }, 'Claim'),
            task.assignee && (holds || admin) && handsOn
              ? h('button', { type: 'button', class: 'secondary', 'data-action': 'unclaim', onclick: () => void change('unclaim') }, 'Unclaim')
              : null,
            h('button', { type: 'submit', class: 'primary', 'data-action': 'complete' }, 'Complete'),
          )
        : h('p', { class: 'muted' }, `Completed by ${task.completedBy ?? '—'} on ${dateTime(task.completedAt)}.`),
      open && mayAct && !handsOn
        ? h(
            'p',
            { class: 'muted', 'data-testid': 'assigned-by-process' },
            'This task has no candidate groups or users: only an admin can hand it to someone else.',
          )
        : null,
      open && mayAct && handsOn
        ? h(
            'div',
            { class: 'buttons assign' },
            assignTo,
            h('button', { type: 'button', class: 'secondary', 'data-action': 'assign', onclick: () => void change('assign') }, 'Assign'),
            h('span', { class: 'muted' }, admin ? 'to any user' : 'to another candidate of its groups'),
          )
        : null,
      status,
    );
    const change = async (what: 'claim' | 'unclaim' | 'assign') => {
      try {
        if (what === 'assign' && !assignTo.value.trim()) {
          status.replaceChildren(notice('error', 'Name the user to assign the task to.'));
          return;
        }
        const body = what === 'assign' ? { assignee: assignTo.value.trim() } : {};
        const changed = await api<Task>(`/api/tasks/${task.id}/${what}`, { method: 'POST', body });
        renderDetail({ ...task, ...changed, variables: task.variables });
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
    const order = open ? orderPanel(task) : null;
    const business = open ? businessVariables(task) : null;
    mount(
      detail,
      h(
        'div',
        { class: 'card' },
        h('h2', null, task.name ?? task.activityId),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Business key'),
          h('dd', null, businessKeyCell(task)),
          h('dt', null, 'Process'),
          h('dd', null, task.definitionKey, ' · ', link(`/instances/${task.processInstanceId}`, 'instance ', shortId(task.processInstanceId))),
          h('dt', null, 'Candidate groups'),
          h('dd', null, task.candidateGroups.join(', ') || '—'),
          task.candidateUsers.length ? [h('dt', null, 'Candidate users'), h('dd', null, task.candidateUsers.join(', '))] : null,
          h('dt', null, 'Priority'),
          h('dd', { 'data-testid': 'task-priority' }, task.priority),
          h('dt', null, 'Due'),
          h('dd', { 'data-testid': 'task-due' }, task.dueAt ? [dateTime(task.dueAt), ` (${dueIn(task.dueAt)})`] : '—'),
          h('dt', null, 'Follow up'),
          h('dd', null, task.followUpAt ? dateTime(task.followUpAt) : '—'),
          h('dt', null, 'Assignee'),
          h('dd', { 'data-testid': 'assignee' }, task.assignee ?? (open ? 'nobody (claim it, or complete it directly)' : '—')),
          h('dt', null, 'Waiting since'),
          h('dd', null, dateTime(task.createdAt), open ? ` (${age(task.createdAt)})` : ''),
        ),
        order,
        business
          ? order
            ? h('details', { class: 'context' }, h('summary', null, 'All business data of the instance'), business)
            : h('div', { class: 'business-box' }, h('h3', null, 'Business data'), business)
          : null,
        open && mayAct
          ? [
              h('h3', null, 'Priority and dates'),
              attributeEditor(task, (t) => {
                renderDetail({ ...task, ...t, variables: task.variables });
                void refresh();
              }),
            ]
          : null,
        h('h3', null, open ? 'Your decision' : 'Submitted'),
        form,
        commentsThread(task),
      ),
    );
  };

  const reload = () => void refresh();
  view.addEventListener('change', () => {
    if (view.value === 'completed') sortBy.value = 'completed';
    else if (sortBy.value === 'completed') sortBy.value = 'oldest';
    reload();
  });
  sortBy.addEventListener('change', reload);
  dueFilter.addEventListener('change', reload);
  let typing: number | undefined;
  for (const input of [keyFilter, nameFilter]) {
    input.addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(reload, 250);
    });
  }
  saved.addEventListener('change', () => {
    const f = savedFilters()[saved.value];
    if (!f) return;
    view.value = f.view;
    sortBy.value = f.sort;
    nameFilter.value = f.name;
    keyFilter.value = f.businessKey;
    dueFilter.value = f.dueBefore;
    saveName.value = saved.value;
    reload();
  });
  const saveFilter = () => {
    const name = saveName.value.trim() || saved.value;
    if (!name) {
      saveName.focus();
      return;
    }
    storeFilters({
      ...savedFilters(),
      [name]: { view: view.value, sort: sortBy.value, name: nameFilter.value, businessKey: keyFilter.value, dueBefore: dueFilter.value },
    });
    renderSaved(name);
  };
  const deleteFilter = () => {
    if (!saved.value) return;
    const rest = savedFilters();
    delete rest[saved.value];
    storeFilters(rest);
    saveName.value = '';
    renderSaved();
  };
  renderSaved();
  mount(
    ctx.root,
    pageHeader('Tasks', view, sortBy, updated, h('button', { class: 'secondary', onclick: reload }, 'Refresh')),
    h(
      'div',
      { class: 'filters', 'data-testid': 'task-filters' },
      nameFilter,
      keyFilter,
      h('label', { for: 'task-due-before', class: 'muted' }, 'due before'),
      dueFilter,
      saved,
      saveName,
      h('button', { type: 'button', class: 'secondary small', 'data-action': 'save-filter', onclick: saveFilter }, 'Save filter'),
      h('button', { type: 'button', class: 'secondary small', 'data-action': 'delete-filter', onclick: deleteFilter }, 'Delete'),
    ),
    h('div', { class: 'split' }, listBox, detail),
  );
  mount(detail, h('p', { class: 'muted' }, 'Choose a task to see its form.'));
  await refresh();
  if (selected) await select(selected);
  every(ctx, REFRESH_MS, refresh);
}
