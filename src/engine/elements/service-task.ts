// Service tasks with a camunda external topic: the topic and retry cycle read at deploy, and the
// implementation bound through bpmn-engine's `extensions` option, which calls the handler
// registered for the topic or, with none, waits for an external worker.
import { BpmnError, type ServiceRegistry } from '../service-registry';
import type { ExtendedElement } from '../runner/engine-api';
import type { ActivityMeta, ElementReader } from './activity-meta';
import { catchingBoundary } from './call-activity';
import { scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate } from '../expression-evaluator';
import { extensionValue, str } from './moddle-element';
import type { ScopeContent } from './local-variables';

export const FAILED_JOB_RETRY_TIME_CYCLE = 'camunda:FailedJobRetryTimeCycle';

export const readServiceTopic: ElementReader = (el, meta) => {
  const topic = str(el.topic);
  if (topic && el.type === 'external') meta.topic = topic;
};

export const readRetryCycle: ElementReader = (el, meta) => {
  const retryCycle = str(extensionValue(el, FAILED_JOB_RETRY_TIME_CYCLE)?.body);
  if (retryCycle) meta.retryCycle = retryCycle;
};

export interface ServiceFailure {
  activityId: string;
  executionId: string;
  message: string;
}

export interface ExternalTaskWait {
  executionId: string;
  activityId: string;
  topic: string;
  /** camunda:taskPriority, evaluated when the task began waiting (0 when absent). */
  priority?: number;
}

/**
 * camunda:taskPriority of an external service task: a number, or an expression over the process
 * variables (`${order.rush ? 100 : 10}`), evaluated when the task starts to wait. A value that is
 * not an integer counts as 0, as does one that fails to evaluate.
 */
export function taskPriorityOf(raw: unknown, variables: Record<string, unknown>): number {
  if (raw === undefined || raw === null || raw === '') return 0;
  let value: unknown = raw;
  if (typeof raw === 'string' && hasTemplate(raw)) {
    try {
      value = resolveTemplate(raw, scopeOf({ environment: { variables } }), {
        number: (v) => Number(v),
        string: (v) => (v === null || v === undefined ? '' : String(v)),
      });
    } catch {
      return 0;
    }
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : 0;
}

type ServiceCallback = (err: unknown, output?: unknown) => void;

/** The error a service callback gets for a BPMN error: bpmn-elements matches boundary events on its `code`. */
export function bpmnErrorFor(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code, name: 'BpmnError' });
}

interface ExternalWait {
  activityId: string;
  topic: string;
  /** `worker`: no handler, an external worker completes it; `failed`: a handler failed, a retry re-runs it. */
  kind: 'worker' | 'failed';
  callback: ServiceCallback;
  priority: number;
}

/** What a service call needs from the runner that owns the instance. */
export interface ServiceTaskHost {
  services: ServiceRegistry;
  timeoutMs: number;
  instance: { id: string; businessKey: string | null; definitionKey: string };
  activities: Map<string, ActivityMeta>;
  /** The variables visible where the task runs (the process's and the local ones around it). */
  variables(at?: ScopeContent): Record<string, unknown>;
  detached(): boolean;
  /** Sets variables where the task runs: a local one of its scope there, the others in the process scope. */
  mergeVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>, at?: ScopeContent): void;
  /** A handler answered: the event's time budget starts again. */
  answered(): void;
  callSafely(fn: () => void): void;
  /** The id of the `<error>` element with this errorCode, if the definitions declare one. */
  errorIdFor(code: string): string | undefined;
}

/** The service task as bpmn-elements hands it to an extension: its broker and its execution's api. */
interface ServiceActivity extends ExtendedElement {
  broker: { publish(exchange: string, routingKey: string, content: unknown, properties?: unknown): void };
  getApi(message: { content: unknown }): { discard(): void };
}

interface ExecuteMessage {
  content: { executionId: string; isRecovered?: boolean; [key: string]: unknown };
}

/** The topic services of one instance: handler calls in flight, waits, failures to report. */
export class ServiceTasks {
  readonly inflight = new Set<Promise<unknown>>();
  private readonly waits = new Map<string, ExternalWait>();
  private readonly failures: ServiceFailure[] = [];

  constructor(private readonly host: ServiceTaskHost) {}

  /** bpmn-engine `extensions` entry: gives external-topic service tasks their implementation. */
  readonly extension = (activity: ExtendedElement): undefined => {
    const topic = this.host.activities.get(activity.id)?.topic;
    if (!topic || activity.behaviour.Service) return undefined;
    const run = (message: ExecuteMessage, callback: ServiceCallback) =>
      this.run(
        activity,
        topic,
        message.content.executionId,
        Boolean(message.content.isRecovered),
        this.answering(activity as ServiceActivity, message, callback),
        { ...message.content, id: activity.id },
      );
    activity.behaviour.Service = function ProcflowTopicService() {
      return {
        type: 'procflow:topic',
        execute(message: ExecuteMessage, callback: ServiceCallback) {
          run(message, callback);
        },
      };
    };
    return undefined;
  };

  /**
   * The callback a handler's or a worker's answer goes to. A BPMN error that a boundary event of
   * the task catches goes to the engine as the task's error (bpmn-elements hands it to that
   * boundary event; an error nothing catches there would fail the whole instance). Any other
   * BPMN error is thrown from the task as an error end event throws it — for an error event
   * sub-process or a boundary event of an enclosing sub-process to catch, and seen as uncaught
   * otherwise (PROCFLOW_UNHANDLED_BPMN_ERROR) — and the task's execution then ends without taking
   * its outgoing flows, as Camunda 7 ends it when nothing catches the error.
   */
  private answering(activity: ServiceActivity, message: ExecuteMessage, callback: ServiceCallback): ServiceCallback {
    return (err, output) => {
      const code = (err as { code?: unknown } | null)?.code;
      const isBpmnError = err instanceof Error && err.name === 'BpmnError' && typeof code === 'string';
      if (!isBpmnError || catchingBoundary(this.host.activities, activity.id, 'error', code)) {
        callback(err, output);
        return;
      }
      const errorId = this.host.errorIdFor(code);
      const thrown = { id: errorId ?? code, type: 'bpmn:Error', messageType: 'throw', name: err.message || code, code };
      activity.broker.publish('event', 'activity.throw', { ...message.content, message: thrown, state: 'throw' }, { type: 'throw', delegate: true });
      activity.getApi(message).discard();
    };
  }

  /** The callback of the task waiting for a worker at this execution, removed; none if nothing waits for one there. */
  takeWorkerCallback(executionId: string): ServiceCallback | undefined {
    const wait = this.waits.get(executionId);
    if (wait?.kind !== 'worker') return undefined;
    this.waits.delete(executionId);
    return wait.callback;
  }

  /**
   * A worker reported that it failed with no retries left: the task stops waiting for a worker
   * and its failure is reported (an incident, as for a handler's failure); false if nothing waits there.
   */
  failWorkerWait(executionId: string, message: string): boolean {
    const wait = this.waits.get(executionId);
    if (wait?.kind !== 'worker') return false;
    this.waits.set(executionId, { ...wait, kind: 'failed' });
    this.failures.push({ activityId: wait.activityId, executionId, message });
    return true;
  }

  workerWaits(): ExternalTaskWait[] {
    return [...this.waits.entries()]
      .filter(([, w]) => w.kind === 'worker')
      .map(([executionId, w]) => ({ executionId, activityId: w.activityId, topic: w.topic, ...(w.priority ? { priority: w.priority } : {}) }));
  }

  takeFailures(): ServiceFailure[] {
    return this.failures.splice(0);
  }

  private run(activity: ExtendedElement, topic: string, executionId: string, isRecovered: boolean, callback: ServiceCallback, at?: ScopeContent): void {
    const host = this.host;
    const handler = host.services.get(topic);
    if (!handler) {
      const priority = taskPriorityOf(activity.behaviour.taskPriority, host.variables(at));
      this.waits.set(executionId, { activityId: activity.id, topic, kind: 'worker', callback, priority });
      return;
    }
    const call = {
      processInstanceId: host.instance.id,
      businessKey: host.instance.businessKey,
      definitionKey: host.instance.definitionKey,
      activityId: activity.id,
      executionId,
      topic,
      variables: Object.freeze({ ...host.variables(at) }),
      isRecovered,
    };
    const timeout = host.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const work = Promise.race([
      handler(call),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`handler for topic <${topic}> did not answer within ${timeout} ms`)), timeout);
      }),
    ]);
    const done = work.then(
      (output) => {
        clearTimeout(timer);
        if (host.detached()) return;
        const vars = output && typeof output === 'object' ? output : {};
        host.mergeVariables(activity.environment.variables, vars, at);
        host.answered();
        host.callSafely(() => callback(null, vars));
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (host.detached()) return;
        host.answered();
        if (err instanceof BpmnError) {
          const bpmnError = bpmnErrorFor(err.code, err.message);
          host.callSafely(() => callback(bpmnError));
          return;
        }
        // The instance stays at the task with an incident; a retry recovers and runs it again.
        this.failures.push({
          activityId: activity.id,
          executionId,
          message: `service task <${activity.id}> (topic <${topic}>) failed: ${err instanceof Error ? err.message : String(err)}`,
        });
        this.waits.set(executionId, { activityId: activity.id, topic, kind: 'failed', callback, priority: 0 });
      },
    );
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
  }
}
