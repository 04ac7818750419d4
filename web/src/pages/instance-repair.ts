// The repair controls of an instance page: edit or delete a variable (admin, with a confirm),
// trigger a waiting activity (admin, ops), retry an incident with a number of attempts (admin),
// and send a message or a signal. Each action is one call of the API; the page reloads after it.
import { api } from '../api';
import { isAdmin, type PageContext } from '../context';
import { h, table } from '../dom';
import { value } from '../format';
import { action, notice } from '../ui';
import type { Incident, ProcessInstance } from '@contract';

/** Waits answered another way (a task list, a worker): no trigger button for them. */
const NOT_TRIGGERED = new Set(['UserTask', 'ServiceTask', 'SendTask', 'BusinessRuleTask', 'ScriptTask', 'BoundaryEvent', 'StartEvent']);

function isOps(ctx: PageContext): boolean {
  return isAdmin(ctx.me) || ctx.me.groups.includes('ops');
}

/** A value typed in a field: JSON when it parses (42, true, {"a":1}, "text"), else the text itself. */
export function typedValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}

/** Variables as `{"a": 1}`: an empty field is none; anything but an object is refused. */
function variablesFrom(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('variables must be a JSON object, e.g. {"approved": true}');
  return parsed as Record<string, unknown>;
}

const done = (ctx: PageContext, instance: ProcessInstance) => () => ctx.navigate(`/instances/${instance.id}`);

/** The variables table; for admins of a running instance, with edit and delete, and a row to add one. */
export function variablesSection(ctx: PageContext, instance: ProcessInstance, status: HTMLElement): HTMLElement {
  const editable = isAdmin(ctx.me) && instance.state === 'running';
  const path = (name: string) => `/api/process-instances/${encodeURIComponent(instance.id)}/variables/${encodeURIComponent(name)}`;
  const rows = Object.entries(instance.variables);
  const editCell = ([name, v]: [string, unknown]) => {
    if (!editable) return null;
    const input = h('input', { type: 'text', class: 'short', name: `value-${name}`, 'aria-label': `new value of ${name}`, value: JSON.stringify(v) ?? '' });
    const save = h('button', { class: 'secondary', 'data-action': 'save-variable', 'data-name': name }, 'Save');
    const remove = h('button', { class: 'danger', 'data-action': 'delete-variable', 'data-name': name }, 'Delete');
    action(save, status, async () => {
      const next = typedValue(input.value);
      if (!window.confirm(`Set ${name} of this instance to ${JSON.stringify(next)}? The instance goes on with the new value.`)) return;
      await api(path(name), { method: 'PUT', body: { value: next } }).then(done(ctx, instance));
    });
    action(remove, status, async () => {
      if (!window.confirm(`Delete the variable ${name} of this instance?`)) return;
      await api(path(name), { method: 'DELETE' }).then(done(ctx, instance));
    });
    return h('span', { class: 'inline-form' }, input, save, remove);
  };
  const columns = [
    { title: 'Name', cell: ([k]: [string, unknown]) => k },
    { title: 'Value', cell: ([, v]: [string, unknown]) => h('code', null, value(v)) },
    ...(editable ? [{ title: 'Change', cell: editCell }] : []),
  ];
  let add: HTMLElement | null = null;
  if (editable) {
    const name = h('input', { type: 'text', class: 'short', name: 'new-variable-name', placeholder: 'name', 'aria-label': 'variable name' });
    const val = h('input', { type: 'text', class: 'short', name: 'new-variable-value', placeholder: 'value (JSON)', 'aria-label': 'variable value' });
    const button = h('button', { class: 'secondary', 'data-action': 'add-variable' }, 'Set variable');
    action(button, status, async () => {
      const key = name.value.trim();
      if (!key) throw new Error('a variable needs a name');
      const next = typedValue(val.value);
      if (!window.confirm(`Set ${key} of this instance to ${JSON.stringify(next)}?`)) return;
      await api(path(key), { method: 'PUT', body: { value: next } }).then(done(ctx, instance));
    });
    add = h('div', { class: 'inline-form', 'data-testid': 'add-variable' }, name, val, button);
  }
  return h('div', null, table(rows, columns, 'No variables.'), add);
}

/** A retry button with a retries field (empty: one run and no automatic retries). */
export function retryControl(ctx: PageContext, instance: ProcessInstance, incident: Incident, status: HTMLElement): HTMLElement | null {
  if (incident.state !== 'open' || !isAdmin(ctx.me)) return null;
  const retries = h('input', { type: 'number', min: '1', max: '100', class: 'short', name: 'retries', placeholder: 'retries', 'aria-label': 'retries' });
  const button = h('button', { class: 'secondary', 'data-action': 'retry', 'data-incident': incident.id }, 'Retry');
  action(button, status, async () => {
    const n = retries.value.trim() ? Number(retries.value) : undefined;
    await api(`/api/incidents/${encodeURIComponent(incident.id)}/retry`, { method: 'POST', body: n === undefined ? {} : { retries: n } }).then(
      done(ctx, instance),
    );
  });
  return h('span', { class: 'inline-form' }, retries, button);
}

/** Trigger buttons for the waits a person may end by hand, and a form to send a message or a signal. */
export function repairSection(ctx: PageContext, instance: ProcessInstance, status: HTMLElement): HTMLElement | null {
  if (instance.state !== 'running') return null;
  const parts: HTMLElement[] = [];
  const triggerable = instance.waitingAt.filter((w) => !NOT_TRIGGERED.has(w.type));
  if (isOps(ctx) && triggerable.length) {
    const vars = h('input', { type: 'text', name: 'trigger-variables', placeholder: 'variables, e.g. {"ok": true}', 'aria-label': 'trigger variables' });
    const buttons = triggerable.map((w) => {
      const b = h('button', { class: 'primary', 'data-action': 'trigger', 'data-activity': w.activityId }, `Trigger ${w.activityName ?? w.activityId}`);
      action(b, status, async () => {
        const variables = variablesFrom(vars.value);
        if (!window.confirm(`Trigger ${w.activityName ?? w.activityId}? The instance goes on past it.`)) return;
        await api(`/api/process-instances/${encodeURIComponent(instance.id)}/activities/${encodeURIComponent(w.activityId)}/trigger`, {
          method: 'POST',
          body: { variables },
        }).then(done(ctx, instance));
      });
      return b;
    });
    parts.push(h('div', { class: 'inline-form', 'data-testid': 'trigger' }, h('strong', null, 'Waiting with no message:'), vars, buttons));
  }

  const kind = h(
    'select',
    { name: 'send-kind', 'aria-label': 'message or signal' },
    h('option', { value: 'message' }, 'Message'),
    h('option', { value: 'signal' }, 'Signal'),
  );
  const name = h('input', { type: 'text', class: 'short', name: 'send-name', placeholder: 'name', 'aria-label': 'message or signal name' });
  const vars = h('input', { type: 'text', name: 'send-variables', placeholder: 'variables, e.g. {"paid": true}', 'aria-label': 'variables to send' });
  const send = h('button', { class: 'secondary', 'data-action': 'send' }, 'Send');
  const sent = h('span');
  action(send, status, async () => {
    const n = name.value.trim();
    if (!n) throw new Error('a message or signal needs a name');
    const variables = variablesFrom(vars.value);
    if (kind.value === 'message') {
      await api('/api/messages', { method: 'POST', body: { messageName: n, processInstanceId: instance.id, variables } });
    } else {
      const answer = await api<{ delivered: number }>('/api/signals', { method: 'POST', body: { signalName: n, variables } });
      sent.replaceChildren(notice('info', `Signal ${n} reached ${answer.delivered} waiting instance(s).`));
    }
    done(ctx, instance)();
  });
  parts.push(
    h('div', { class: 'inline-form', 'data-testid': 'send' }, kind, name, vars, send),
    h('p', { class: 'legend' }, 'A message goes to this instance only; a signal reaches every instance waiting for it.'),
    sent,
  );
  return h('div', null, parts);
}
