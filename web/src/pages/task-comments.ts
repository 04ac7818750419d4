// On a task's page: its comments thread (anyone who sees the task reads it and, while the task is
// open, adds to it) and the control that changes its priority, due and follow-up dates.
import { api, list } from '../api';
import { serviceNow } from '../clock';
import { badge, h, mount } from '../dom';
import { dateTime, duration } from '../format';
import { errorMessage, failure, notice } from '../ui';
import type { Task, TaskComment } from '@contract';

/** "in 2 d 4 h" or "3 h overdue" (`brief`: "in 2 d"), measured on the service clock. */
export function dueIn(iso: string | null, brief = false): string {
  if (!iso) return '—';
  const ms = Date.parse(iso) - serviceNow();
  const words = duration(Math.abs(ms));
  const span = brief ? words.split(' ').slice(0, 2).join(' ') : words;
  return ms >= 0 ? `in ${span}` : `${span} overdue`;
}

/** The due date as a cell: relative, with the date as its title; overdue ones stand out. */
export function dueCell(t: Task): HTMLElement | string {
  if (!t.dueAt) return '—';
  const overdue = t.state === 'open' && Date.parse(t.dueAt) < serviceNow();
  // No line break inside "in 2 d": the column stays one line high.
  const text = dueIn(t.dueAt, true).replace(/ /g, '\u00a0');
  return h('span', { title: `${dateTime(t.dueAt)} (${dueIn(t.dueAt)})`, 'data-testid': 'due' }, overdue ? badge(text, 'warning') : text);
}

/** An ISO time as a datetime-local input's value (the browser's time zone). */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** Priority, due and follow-up of an open task, changed with PATCH /api/tasks/{id}. */
export function attributeEditor(task: Task, changed: (task: Task) => void): HTMLElement {
  const status = h('div', { class: 'form-status' });
  const priority = h('input', { type: 'number', step: '1', name: 'priority', id: 'task-priority', class: 'short', value: task.priority });
  const due = h('input', { type: 'datetime-local', name: 'dueAt', id: 'task-due', value: localInput(task.dueAt) });
  const followUp = h('input', { type: 'datetime-local', name: 'followUpAt', id: 'task-follow-up', value: localInput(task.followUpAt) });
  const form = h(
    'form',
    { class: 'inline-form', 'data-testid': 'task-attributes', novalidate: true },
    // Each label stays with its input when the row wraps.
    h('span', null, h('label', { for: 'task-priority' }, 'Priority\u00a0'), priority),
    h('span', null, h('label', { for: 'task-due' }, 'Due\u00a0'), due),
    h('span', null, h('label', { for: 'task-follow-up' }, 'Follow up\u00a0'), followUp),
    h('button', { type: 'submit', class: 'secondary', 'data-action': 'save-attributes' }, 'Save'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = Number(priority.value);
    if (!Number.isInteger(value)) {
      status.replaceChildren(notice('error', 'The priority is a whole number.'));
      return;
    }
    api<Task>(`/api/tasks/${encodeURIComponent(task.id)}`, {
      method: 'PATCH',
      body: { priority: value, dueAt: fromLocalInput(due.value), followUpAt: fromLocalInput(followUp.value) },
    })
      .then((t) => {
        status.replaceChildren(notice('success', 'Saved.'));
        changed(t);
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

/** The task's comments, oldest first, and (while it is open) a box to add one. */
export function commentsThread(task: Task): HTMLElement {
  const thread = h('div', { class: 'comments', 'data-testid': 'comments' }, h('p', { class: 'loading' }, 'Loading comments…'));
  const status = h('div', { class: 'form-status' });
  const load = async () => {
    try {
      const page = await list<TaskComment>(`/api/tasks/${encodeURIComponent(task.id)}/comments`, { limit: 500 });
      mount(
        thread,
        page.items.length
          ? h(
              'ul',
              { class: 'comment-list' },
              page.items.map((c) =>
                h(
                  'li',
                  { 'data-testid': 'comment' },
                  h('strong', { 'data-testid': 'comment-author' }, c.author),
                  ' ',
                  h('span', { class: 'muted' }, dateTime(c.createdAt)),
                  h('p', { 'data-testid': 'comment-message' }, c.message),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No comments yet.'),
      );
    } catch (err) {
      mount(thread, failure(err, 'Comments', `GET /api/tasks/${task.id}/comments`));
    }
  };
  const text = h('textarea', { name: 'message', rows: 3, maxlength: 2000, 'aria-label': 'comment', 'data-testid': 'comment-text' });
  const form =
    task.state === 'open'
      ? h(
          'form',
          { class: 'comment-form', 'data-testid': 'comment-form', novalidate: true },
          text,
          h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'secondary', 'data-action': 'comment' }, 'Add comment')),
          status,
        )
      : null;
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      status.replaceChildren(notice('error', 'Write something first.'));
      return;
    }
    api<TaskComment>(`/api/tasks/${encodeURIComponent(task.id)}/comments`, { method: 'POST', body: { message: text.value } })
      .then(() => {
        text.value = '';
        status.replaceChildren();
        return load();
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  void load();
  return h('div', { class: 'task-comments', 'data-testid': 'task-comments' }, h('h3', null, 'Comments'), thread, form);
}
