// The call activities of one runner that wait for a called instance (bpmn-elements emits
// `activity.call` and waits for a signal, an error or a discard), and what the runner's own
// instance throws without catching it (errors and escalations), which its caller may catch.
import type { EventEmitter } from 'node:events';
import type { RunnerState } from './runner-state';

/** The activity api an `activity.call` carries: it answers the waiting call activity (or iteration). */
interface CallApi {
  id: string;
  content: { executionId: string; calledElement?: unknown; index?: unknown; isMultiInstance?: boolean };
  environment: { variables: Record<string, unknown> };
  signal(message?: unknown): void;
  sendApiMessage(action: string, content?: unknown): void;
  /** The call activity's broker: an error its called instance throws is thrown from it (InstanceRunner#throwAtCall). */
  broker: { publish(exchange: string, routingKey: string, content: unknown, properties?: Record<string, unknown>): void };
}

export interface CallWait {
  activityId: string;
  executionId: string;
  /** The resolved calledElement. */
  calledElement: string;
  /** The iteration of a multi-instance call activity (its loopCounter). */
  index: number | null;
  /** Seen again while the engine resumed: its called instance was started by an earlier event. */
  recovered: boolean;
  api: CallApi;
}

/** What an instance threw and did not catch: an error (its end) or an escalation. */
export interface Thrown {
  kind: 'error' | 'escalation';
  /** The element id of the error or escalation. */
  refId: string | null;
  code: string | null;
  message: string;
  activityId: string;
}

interface ThrowApi {
  id: string;
  content: { message?: { id?: string; code?: string; name?: string; messageType?: string }; error?: { id?: string }; executionId?: string };
}

export class CallWaits {
  private readonly waits = new Map<string, CallWait>();
  private fresh: string[] = [];
  private thrown: Thrown[] = [];
  /**
   * Errors caught before their throw was seen: a catch inside the scope of the throw happens while
   * the throw is still on its way up, so the listener hears the catch first.
   */
  private caughtFirst: string[] = [];

  constructor(listener: EventEmitter, state: RunnerState, escalationCodeOf: (activityId: string) => string | undefined) {
    listener.on('activity.call', (api: CallApi) => {
      state.eventCount++;
      if (state.detached) return;
      const c = api.content;
      const wait: CallWait = {
        activityId: api.id,
        executionId: c.executionId,
        calledElement: String(c.calledElement ?? ''),
        index: typeof c.index === 'number' ? c.index : null,
        recovered: state.resuming,
        api,
      };
      this.waits.set(c.executionId, wait);
      if (!state.resuming) this.fresh.push(c.executionId);
    });
    listener.on('activity.call.cancel', (api: CallApi) => {
      state.eventCount++;
      this.waits.delete(api.content.executionId);
    });
    // An activity that leaves is done with every iteration it had.
    listener.on('activity.leave', (api: { id: string }) => {
      for (const [executionId, w] of this.waits) if (w.activityId === api.id) this.waits.delete(executionId);
    });
    listener.on('activity.throw', (api: ThrowApi) => {
      if (state.resuming || state.detached) return;
      const m = api.content.message;
      if (m?.messageType !== 'throw') return;
      const early = m.id ? this.caughtFirst.indexOf(m.id) : -1;
      if (early >= 0) {
        this.caughtFirst.splice(early, 1);
        return;
      }
      this.thrown.push({ kind: 'error', refId: m.id ?? null, code: m.code ?? null, message: m.name ?? m.code ?? 'BPMN error', activityId: api.id });
    });
    listener.on('activity.escalate', (api: ThrowApi) => {
      if (state.resuming || state.detached) return;
      const m = api.content.message;
      const code = escalationCodeOf(api.id);
      this.thrown.push({ kind: 'escalation', refId: m?.id ?? null, code: code ?? null, message: m?.name ?? code ?? 'escalation', activityId: api.id });
    });
    listener.on('activity.catch', (api: ThrowApi) => {
      if (state.resuming || state.detached) return;
      // Caught inside this instance: it does not reach the caller.
      const ref = api.content.error?.id ?? api.content.message?.id;
      if (!ref) return;
      for (let i = this.thrown.length - 1; i >= 0; i--) {
        if (this.thrown[i]?.refId === ref) {
          this.thrown.splice(i, 1);
          return;
        }
      }
      this.caughtFirst.push(ref);
    });
  }

  /** Call activities that began to wait in this event: each needs its called instance started. */
  takeFresh(): CallWait[] {
    const ids = this.fresh.splice(0);
    return ids.map((id) => this.waits.get(id)).filter((w): w is CallWait => w !== undefined);
  }

  get(executionId: string): CallWait | undefined {
    return this.waits.get(executionId);
  }

  all(): CallWait[] {
    return [...this.waits.values()];
  }

  /** The call activity was answered: it no longer waits. */
  done(executionId: string): void {
    this.waits.delete(executionId);
  }

  /** The errors this instance threw and did not catch since the last take (they stay to be taken). */
  uncaughtErrors(): Thrown[] {
    return this.thrown.filter((t) => t.kind === 'error');
  }

  /** What this instance threw and did not catch since the last take. */
  takeThrown(): Thrown[] {
    this.caughtFirst = [];
    return this.thrown.splice(0);
  }
}
