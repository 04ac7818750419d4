// Turns the engine listener's activity events into history rows, counts activities against the
// runaway budget, and counts every engine event for the settle loop.
import type { EventEmitter } from 'node:events';
import type { HistoryRecord } from '../../store/types';
import { checkTimerValue, isUserTask, type ActivityMeta } from '../elements';
import type { ElementApi } from './engine-api';
import type { RunBudget } from './run-budget';
import type { RunnerState } from './runner-state';

export interface HistorySource {
  listener: EventEmitter;
  state: RunnerState;
  budget: RunBudget;
  activities: Map<string, ActivityMeta>;
  history: HistoryRecord[];
  now(): string;
  /** Who caused the current event: credited with the user tasks it ends. */
  actor(): string | null;
}

export function recordHistory(source: HistorySource): void {
  const { listener: l, state } = source;
  const record = (event: string) => (api: ElementApi) => {
    state.eventCount++;
    if (state.detached) return;
    if (state.resuming && (event === 'wait' || event === 'timer')) return;
    const meta = source.activities.get(api.id);
    source.history.push({
      at: source.now(),
      activityId: api.id,
      activityName: meta?.name ?? api.name ?? null,
      type: (meta?.type ?? api.type ?? '').replace(/^bpmn:/, ''),
      event,
      by: event === 'end' && isUserTask(meta?.type) ? source.actor() : null,
    });
  };
  l.on('activity.start', (api: ElementApi) => {
    record('start')(api);
    if (!state.detached) source.budget.countActivity();
  });
  l.on('activity.wait', record('wait'));
  l.on('activity.end', (api: ElementApi) => {
    record('end')(api);
  });
  l.on('activity.timer', (api: ElementApi) => {
    record('timer')(api);
    if (!state.resuming) checkTimerValue(api);
  });
  l.on('activity.leave', () => state.eventCount++);
  l.on('flow.take', () => state.eventCount++);
}
