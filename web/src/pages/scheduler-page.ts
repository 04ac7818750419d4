// The scheduler: the service clock (time and speed), the schedules with next and last run, adding
// one (process, date/time, recurrence) and deleting one.
import { api, list } from '../api';
import { every, isAdmin, type PageContext } from '../context';
import { badge, h, mount, table } from '../dom';
import { resetServiceClock } from '../clock';
import { dateTime } from '../format';
import { errorMessage, failure, notice, pageHeader, section } from '../ui';
import type { Clock, ProcessDefinition, Schedule } from '@contract';

function clockSection(ctx: PageContext): { el: HTMLElement; load: () => Promise<void> } {
  const el = h('div', { class: 'clock' });
  let base: { clock: Clock; at: number } | undefined;
  const time = h('div', { class: 'clock-time', 'data-testid': 'clock-time' });
  const speedLabel = h('div', { class: 'clock-speed' });
  const tick = () => {
    if (!base) return;
    const now = new Date(new Date(base.clock.now).getTime() + (Date.now() - base.at) * base.clock.speed);
    time.textContent = now.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  };
  const speed = h('input', { type: 'number', min: '0.001', step: 'any', 'aria-label': 'speed', class: 'short' });
  const status = h('div');
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', null, 'Speed ×'),
    speed,
    h('button', { type: 'submit', class: 'secondary' }, 'Set speed'),
    h(
      'p',
      { class: 'muted clock-warning', 'data-testid': 'clock-warning' },
      'The clock drives every instance’s timers: reminders, quote expiries, schedules — for real customers too. Change its speed on a test service only.',
    ),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = Number(speed.value);
    if (!Number.isFinite(next) || next <= 0) {
      status.replaceChildren(notice('error', 'The speed is a positive number (1 is real time).'));
      return;
    }
    if (
      next !== base?.clock.speed &&
      !window.confirm(
        `Set the service clock to ×${next}?\n\nThis drives every instance's timers, not only tests: every real customer's reminders and quote expiries, ` +
          `every schedule and every timer event fire ${next === 1 ? 'in real time again' : `${next} times as fast as real time`}, on every node.`,
      )
    ) {
      return;
    }
    api<Clock>('/api/clock', { method: 'PUT', body: { speed: next } })
      .then(() => {
        resetServiceClock();
        return load();
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  const load = async () => {
    try {
      const clock = await api<Clock>('/api/clock');
      base = { clock, at: Date.now() };
      speed.value = String(clock.speed);
      speedLabel.replaceChildren(
        clock.speed === 1 ? badge('real time', 'muted') : badge(`×${clock.speed}: a real second is ${formatSpeed(clock.speed)} of service time`, 'warning'),
      );
      mount(el, time, speedLabel, isAdmin(ctx.me) ? form : null);
      tick();
    } catch (err) {
      mount(el, failure(err, 'The clock', 'GET /api/clock'));
    }
  };
  const timer = window.setInterval(tick, 1000);
  ctx.onLeave(() => window.clearInterval(timer));
  return { el, load };
}

function formatSpeed(speed: number): string {
  const s = speed;
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${+(s / 60).toFixed(1)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}

function addScheduleForm(definitions: ProcessDefinition[], onAdded: () => void): HTMLElement {
  const processKey = h(
    'select',
    { name: 'processKey', required: true },
    definitions.filter((d) => d.startable).map((d) => h('option', { value: d.key }, d.name ? `${d.name} (${d.key})` : d.key)),
  );
  const name = h('input', { type: 'text', name: 'name', placeholder: 'name (optional)' });
  const at = h('input', { type: 'datetime-local', name: 'at', 'aria-label': 'first run' });
  const recurrence = h('input', { type: 'text', name: 'recurrence', placeholder: 'R/PT1H, R5/P1D or */5 * * * *', list: 'recurrences' });
  const variables = h('input', { type: 'text', name: 'variables', placeholder: 'variables as JSON (optional)' });
  const status = h('div');
  const form = h(
    'form',
    { class: 'inline-form' },
    processKey,
    name,
    at,
    recurrence,
    h(
      'datalist',
      { id: 'recurrences' },
      ['R/PT1M', 'R/PT15M', 'R/PT1H', 'R/P1D', '*/5 * * * *', '0 * * * *', '0 6 * * 1-5'].map((r) => h('option', { value: r })),
    ),
    variables,
    h('button', { type: 'submit', class: 'primary' }, 'Add schedule'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    let vars: unknown;
    try {
      vars = variables.value.trim() ? JSON.parse(variables.value) : undefined;
    } catch {
      status.replaceChildren(notice('error', 'The variables are not valid JSON.'));
      return;
    }
    if (!at.value && !recurrence.value.trim()) {
      status.replaceChildren(notice('error', 'Give a date/time, a recurrence, or both.'));
      return;
    }
    const body = {
      processKey: processKey.value,
      ...(name.value.trim() ? { name: name.value.trim() } : {}),
      ...(at.value ? { at: new Date(at.value).toISOString() } : {}),
      ...(recurrence.value.trim() ? { recurrence: recurrence.value.trim() } : {}),
      ...(vars ? { variables: vars } : {}),
    };
    api('/api/schedules', { method: 'POST', body })
      .then(() => {
        form.reset();
        status.replaceChildren(notice('success', 'Schedule added.'));
        onAdded();
      })
      .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
  });
  return form;
}

export async function schedulerPage(ctx: PageContext): Promise<void> {
  const clock = clockSection(ctx);
  const schedulesBox = h('div');
  const status = h('div');
  const formBox = h('div');
  mount(ctx.root, pageHeader('Scheduler'), section('Clock', clock.el), section('Schedules', status, schedulesBox), formBox);

  const load = async () => {
    try {
      const schedules = (await list<Schedule>('/api/schedules', { limit: 500 })).items;
      mount(
        schedulesBox,
        table(
          schedules,
          [
            { title: 'Name', cell: (s) => s.name ?? '—' },
            { title: 'Process', cell: (s) => s.processKey },
            { title: 'Recurrence', cell: (s) => (s.recurrence ? h('code', null, s.recurrence) : 'once') },
            { title: 'Next run', cell: (s) => dateTime(s.nextRunAt) },
            { title: 'Last run', cell: (s) => dateTime(s.lastRunAt) },
            { title: 'Enabled', cell: (s) => (s.enabled ? badge('yes', 'ok') : badge('no', 'muted')) },
            {
              title: '',
              cell: (s) =>
                h(
                  'button',
                  {
                    class: 'danger small',
                    onclick: () => {
                      if (!window.confirm(`Delete the schedule ${s.name ?? s.processKey}?`)) return;
                      api(`/api/schedules/${s.id}`, { method: 'DELETE' })
                        .then(load)
                        .catch((err: unknown) => status.replaceChildren(notice('error', errorMessage(err))));
                    },
                  },
                  'Delete',
                ),
            },
          ],
          'No schedule yet.',
        ),
      );
      if (!formBox.childElementCount) {
        const defs = await list<ProcessDefinition>('/api/process-definitions').catch(() => ({ items: [] as ProcessDefinition[], total: 0 }));
        mount(
          formBox,
          section(
            'Add a schedule',
            addScheduleForm(defs.items, () => void load()),
          ),
        );
      }
    } catch (err) {
      mount(schedulesBox, failure(err, 'Schedules', 'GET /api/schedules'));
    }
  };
  await Promise.all([clock.load(), load()]);
  every(ctx, 15_000, load);
}
