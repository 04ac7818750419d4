// Runs an event to its end: until every token waits or ends, no handler is in flight and the
// engine has been quiet for two turns of the event loop, within the event's time budget.
import type { HostTimers } from '../elements';
import type { RunBudget } from './run-budget';
import type { RunnerState } from './runner-state';

export interface SettleParts {
  state: RunnerState;
  inflight: Set<Promise<unknown>>;
  timers: HostTimers;
  budget: RunBudget;
}

export async function settle({ state, inflight, timers, budget }: SettleParts): Promise<void> {
  let quiet = 0;
  while (!state.ended && !state.failure && !state.detached) {
    if (inflight.size) {
      await Promise.allSettled([...inflight]);
      quiet = 0;
      continue;
    }
    // Only the timers the host fires at once belong to this event (a scheduled start's timer, an
    // event sub-process it started); any other timer, due now or not, is a job for the executor —
    // and a resume fires nothing: an overdue timer found while recovering fires in its timer event.
    const due = state.resuming ? [] : timers.immediate();
    if (due.length) {
      for (const t of due) {
        timers.take(t);
        state.callSafely(t.fire);
      }
      quiet = 0;
      continue;
    }
    const before = state.eventCount;
    await new Promise((resolve) => setImmediate(resolve));
    if (state.eventCount === before) {
      if (++quiet >= 2) break;
    } else {
      quiet = 0;
    }
    const unsettled = budget.unsettled();
    if (unsettled) state.failure = unsettled;
  }
}
