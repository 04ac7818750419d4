// Calls the execution and task listeners of one runner's instance (elements/listeners.ts) when the
// engine reports their events: a process or flow node starts or ends, a sequence flow is taken, a
// user task begins to wait (create, then assignment when it has an assignee). Complete and
// assignment over the API are called by the runner itself. Events the engine repeats while it
// resumes a recovered state (the waits of open tasks) call nothing: a listener runs once per event.
import type { EventEmitter } from 'node:events';
import type { Clock } from '../clock';
import type { RuntimeDefinition } from '../definition-registry';
import {
  describeOpenTask,
  evaluateListener,
  isBoundaryEvent,
  isUserTask,
  ListenerError,
  type ElementListeners,
  type ListenerContext,
  type ListenerSpec,
  type TaskEvent,
} from '../elements';
import type { TaskRecord } from '../../store/types';
import type { ElementApi, PostponedApi } from './engine-api';
import type { RunnerState } from './runner-state';

export interface ListenerHost {
  listener: EventEmitter;
  state: RunnerState;
  definition: RuntimeDefinition;
  identity: { id: string; businessKey: string | null };
  clock: Clock;
  /** The variables seen where the element runs (the process's, and the local ones of the activities around it). */
  variables(at?: unknown): Record<string, unknown>;
  /** Sets variables in the element's process scope, every pool's and the runner's copy. */
  setVariables(scope: Record<string, unknown>, variables: Record<string, unknown>): void;
}

interface EventApi extends ElementApi {
  content: ElementApi['content'] & { isRootScope?: boolean; sourceId?: string; isMultiInstance?: boolean };
}

export class ListenerCalls {
  private readonly byElement: Map<string, ElementListeners>;

  constructor(private readonly host: ListenerHost) {
    this.byElement = host.definition.listeners ?? new Map();
    if (!this.byElement.size) return;
    const l = host.listener;
    l.on('process.start', (api: EventApi) => this.execution(api, 'start'));
    l.on('process.end', (api: EventApi) => this.execution(api, 'end'));
    l.on('activity.start', (api: EventApi) => {
      // A boundary event (or an event after an event-based gateway) starts with its activity (its
      // gateway) but is entered, in Camunda 7, only when it fires.
      if (!this.entersWhenFired(api)) this.execution(api, 'start');
    });
    // When the activity's work is done, before its outgoing flows are chosen (as Camunda 7 calls end listeners).
    l.on('activity.execution.completed', (api: EventApi) => {
      if (api.content.isRootScope === false) return;
      if (this.entersWhenFired(api)) {
        const after = this.byElement.get(api.id)?.afterEventGateway;
        if (after) this.executionOf(after.flowId, 'take', api.environment?.variables ?? {}, after.gatewayId, api.content);
        this.execution(api, 'start');
      }
      this.execution(api, 'end');
    });
    // A running activity that is cancelled (an interrupting boundary or event sub-process) ends too.
    l.on('activity.execution.discard', (api: EventApi) => {
      if (api.content.isRootScope === false || this.entersWhenFired(api)) return;
      this.execution(api, 'end');
    });
    l.on('flow.take', (api: EventApi) => {
      if (!this.byElement.get(api.id)?.toGatewayEvent) this.execution(api, 'take');
    });
    l.on('activity.wait', (api: EventApi) => this.taskCreated(api));
  }

  /**
   * Calls the user task's listeners of `event` for the task waiting at `api` (the task as its row
   * shows it, with `changes` such as a new assignee); false when one failed (the instance fails).
   */
  taskEvent(api: PostponedApi, event: TaskEvent, changes: Partial<TaskRecord> = {}): boolean {
    const specs = (this.byElement.get(api.id)?.task ?? []).filter((s) => s.event === event);
    if (!specs.length) return true;
    const meta = this.host.definition.activities.get(api.id);
    if (!meta) return true;
    const task = { ...this.describeTask(api), ...changes };
    return this.call(specs, api.id, 'task', api.owner.environment.variables, api.content, {
      execution: this.executionContext(api.id, null),
      task: { id: task.id, name: task.name, assignee: task.assignee, eventName: event, taskDefinitionKey: api.id, executionId: task.executionId },
    });
  }

  private entersWhenFired(api: EventApi): boolean {
    const type = this.host.definition.activities.get(api.id)?.type ?? api.type ?? '';
    return isBoundaryEvent(type) || this.byElement.get(api.id)?.afterEventGateway !== undefined;
  }

  private execution(api: EventApi, event: 'start' | 'end' | 'take'): void {
    // A flow's listener sees the activity the flow leaves; a process's none.
    const activityId = event === 'take' ? (api.content.sourceId ?? null) : api.type === 'bpmn:Process' ? null : api.id;
    this.executionOf(api.id, event, api.environment?.variables ?? {}, activityId, api.content);
  }

  private executionOf(elementId: string, event: 'start' | 'end' | 'take', scope: Record<string, unknown>, activityId: string | null, at: unknown): void {
    const specs = (this.byElement.get(elementId)?.execution ?? []).filter((s) => s.event === event);
    if (!specs.length) return;
    this.call(specs, elementId, 'execution', scope, at, { execution: { ...this.executionContext(activityId, event) } });
  }

  private taskCreated(api: EventApi): void {
    const meta = this.host.definition.activities.get(api.id);
    // A resume repeats the wait of a task already open (isRecovered): it was created before. A task
    // reached while an engine resumes (a service run again on recover) is new.
    if (!meta || !isUserTask(meta.type) || api.content.isRecovered) return;
    const listeners = this.byElement.get(api.id)?.task ?? [];
    if (!listeners.length) return;
    const waiting = api as unknown as PostponedApi;
    if (!waiting.owner?.environment) return;
    if (!this.taskEvent(waiting, 'create')) return;
    // As Camunda 7: a task with an assignee when it is created gets the assignment event after create.
    if (this.describeTask(waiting).assignee !== null) this.taskEvent(waiting, 'assignment');
  }

  private describeTask(api: PostponedApi): TaskRecord {
    const meta = this.host.definition.activities.get(api.id);
    const context = {
      instanceId: this.host.identity.id,
      definitionKey: this.host.definition.record.key,
      variables: this.host.variables(),
      clock: this.host.clock,
    };
    return describeOpenTask(api, meta as NonNullable<typeof meta>, context, this.host.clock.now().toISOString(), {}, true);
  }

  private executionContext(activityId: string | null, event: string | null): Record<string, unknown> {
    const { id, businessKey } = this.host.identity;
    return {
      id,
      processInstanceId: id,
      processBusinessKey: businessKey,
      businessKey,
      processDefinitionKey: this.host.definition.record.key,
      activityId,
      currentActivityId: activityId,
      eventName: event,
    };
  }

  private call(
    specs: ListenerSpec[],
    elementId: string,
    kind: 'execution' | 'task',
    scope: Record<string, unknown>,
    at: unknown,
    context: ListenerContext,
  ): boolean {
    const { state } = this.host;
    if (state.detached || state.failure) return false;
    for (const spec of specs) {
      try {
        // Each listener sees what the ones before it set.
        evaluateListener(spec, { elementId, kind }, { ...scope, ...this.host.variables(at) }, context, this.host.clock, (name, value) =>
          this.host.setVariables(scope, { [name]: value }),
        );
      } catch (err) {
        state.fail(err instanceof ListenerError ? err : new ListenerError(elementId, err instanceof Error ? err.message : String(err), err));
        return false;
      }
    }
    return true;
  }
}
