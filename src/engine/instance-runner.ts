// One bpmn-engine Engine driving one process instance through one event at a time: create or
// recover it, apply the event, run until every token waits or ends (within a budget), and
// describe the result as rows (state, tasks, subscriptions, history) for the store to commit.
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from './clock';
import type { ActivityMeta } from './definition-analyzer';
import type { RuntimeDefinition } from './definition-registry';
import { createEngineExpressions, expressionFunctions, scopeOf } from './engine-expressions';
import { hasTemplate, resolveTemplate } from './expression-evaluator';
import { BpmnError, type ServiceRegistry } from './service-registry';
import type { HistoryRecord, InstanceState, SubscriptionRecord, TaskRecord, WaitingAt } from '../store/types';

export interface RunnerOptions {
  clock: Clock;
  services: ServiceRegistry;
  budgetActivities: number;
  budgetMs: number;
  serviceTimeoutMs: number;
}

export interface InstanceIdentity {
  id: string;
  businessKey: string | null;
}

/** A runaway model: too many activities or too much time in one event. */
export class RunawayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunawayError';
  }
}

interface PostponedApi {
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content: { executionId: string; id: string; type: string; isRecovered?: boolean; attachedTo?: unknown };
  owner: { environment: { variables: Record<string, unknown> }; isSubProcess?: boolean };
  signal(message?: unknown): void;
  discard(): void;
  getPostponed(): PostponedApi[];
}

interface ElementApi {
  id: string;
  type: string;
  name?: string;
  executionId?: string;
  content: { executionId?: string; isRecovered?: boolean; output?: unknown; id?: string };
  environment: { variables: Record<string, unknown> };
}

interface LoadedDefinition {
  getProcesses(): Array<{ id: string; isExecutable: boolean }>;
}

interface EngineDefinition {
  environment: { variables: Record<string, unknown> };
  getProcesses?(): Array<{ environment: { variables: Record<string, unknown> } }>;
}

interface ServiceActivity {
  id: string;
  behaviour: Record<string, unknown>;
  environment: { variables: Record<string, unknown> };
}

interface ExternalWait {
  activityId: string;
  topic: string;
  /** `worker`: no handler, an external worker completes it; `failed`: a handler failed, a retry re-runs it. */
  kind: 'worker' | 'failed';
  callback: (err: unknown, output?: unknown) => void;
}

export interface ExternalTaskWait {
  executionId: string;
  activityId: string;
  topic: string;
}

interface TimerWait {
  dueAt: number;
  fire: () => void;
  ref: object;
  activityId: string | null;
  executionId: string | null;
}

/** What bpmn-elements hands `timers.register(owner)`: the timer's execution content. */
interface TimerOwner {
  id?: string;
  executionId?: string;
  timerType?: string;
  expireAt?: Date | string;
}

export interface ArmedTimer {
  activityId: string | null;
  executionId: string | null;
  dueAt: string;
}

export interface ServiceFailure {
  activityId: string;
  executionId: string;
  message: string;
}

export interface RunnerSnapshot {
  state: InstanceState;
  engineState: unknown;
  waitingAt: WaitingAt[];
  openTasks: TaskRecord[];
  subscriptions: SubscriptionRecord[];
  nextTimerAt: string | null;
  timers: ArmedTimer[];
  externalTasks: ExternalTaskWait[];
  failure: Error | null;
}

const POLLUTING_KEYS = new Set(['fields', 'content', 'properties']);

function cleanVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!POLLUTING_KEYS.has(k)) out[k] = v;
  return out;
}

export class InstanceRunner {
  readonly engine: Engine;
  private readonly listener = new EventEmitter();
  private readonly history: HistoryRecord[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly externalWaits = new Map<string, ExternalWait>();
  private readonly timers = new Map<object, TimerWait>();
  private readonly serviceFailures: ServiceFailure[] = [];
  /** Due times kept by the host (jobs table), by execution id: they win over bpmn-elements' real-clock arithmetic. */
  private knownDue = new Map<string, number>();
  /** Start-event timers fire at once (the instance was started by its schedule). */
  private fireStartTimers = false;
  private resuming = false;
  private actor: string | null = null;
  private activityCount = 0;
  private deadline = 0;
  private eventCount = 0;
  private ended = false;
  private failure: Error | null = null;
  private detached = false;
  variables: Record<string, unknown>;
  /** The subscriptions and timers this runner's last event committed (to skip rewriting them). */
  committed?: { subscriptions: string; timers: string; externalTasks: string };
  pending?: { subscriptions: string; timers: string; externalTasks: string };

  private constructor(
    readonly definition: RuntimeDefinition,
    readonly identity: InstanceIdentity,
    private readonly options: RunnerOptions,
    variables: Record<string, unknown>,
  ) {
    this.variables = { ...variables };
    const clock = options.clock;
    const runner = this;
    this.engine = new Engine({
      name: identity.id,
      sourceContext: definition.sourceContext as never,
      expressions: createEngineExpressions(clock),
      scripts: refusingScripts,
      timers: {
        register: (owner: TimerOwner) => ({
          setTimeout: (cb: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => runner.armTimer(owner, cb, delay, ...args),
          clearTimeout: runner.disarmTimer,
        }),
        setTimeout: (cb: (...a: unknown[]) => void, delay: number, ...args: unknown[]) => runner.armTimer({}, cb, delay, ...args),
        clearTimeout: runner.disarmTimer,
        executing: [],
      },
      extensions: {
        procflow: (activity: ServiceActivity) => {
          runner.bindService(activity);
          return undefined;
        },
      },
    } as never);
    this.engine.on('end', () => {
      this.ended = true;
    });
    this.engine.on('error', (err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
    this.bindListener();
    this.startOnly(definition.record.info.processId);
  }

  // ----- creation -----

  static async start(
    definition: RuntimeDefinition,
    identity: InstanceIdentity,
    variables: Record<string, unknown>,
    actor: string | null,
    options: RunnerOptions,
    how: { fireStartTimers?: boolean; awaitMessage?: boolean } = {},
  ): Promise<InstanceRunner> {
    const runner = new InstanceRunner(definition, identity, options, variables);
    // A schedule fires the timer start event, unless a none start event already starts the instance.
    runner.fireStartTimers = (how.fireStartTimers ?? false) && !definition.record.info.noneStart;
    runner.beginEvent(actor);
    runner.history.push({ at: runner.now(), activityId: null, activityName: null, type: 'process', event: 'instance-start', by: actor });
    await runner.guard(async () => {
      await runner.engine.execute({ listener: runner.listener, variables: { ...variables } } as never);
    });
    await runner.settle();
    if (!how.awaitMessage) await runner.discardOtherStartEvents();
    return runner;
  }

  /**
   * bpmn-elements enters every start event of a process and discards the others only when a path
   * reaches an end event; until then a timer start stays armed and could fire a second token.
   * An instance starts at one start event: the ones still waiting are discarded.
   */
  async discardOtherStartEvents(): Promise<void> {
    const processId = this.definition.record.info.processId;
    const waiting = this.postponed().filter((api) => {
      const meta = this.definition.activities.get(api.id);
      return meta?.type === 'bpmn:StartEvent' && meta.processId === processId;
    });
    if (!waiting.length) return;
    await this.guard(() => {
      for (const api of waiting) api.discard();
      return Promise.resolve();
    });
    await this.settle();
  }

  static async recover(
    definition: RuntimeDefinition,
    identity: InstanceIdentity,
    engineState: unknown,
    variables: Record<string, unknown>,
    options: RunnerOptions,
    knownDue: Map<string, number> = new Map(),
  ): Promise<InstanceRunner> {
    const runner = new InstanceRunner(definition, identity, options, variables);
    runner.knownDue = knownDue;
    runner.beginEvent(null);
    // A resume re-emits the waits of open activities: those are not history. What really moves
    // (an overdue timer firing, a service re-run) is.
    runner.resuming = true;
    await runner.guard(async () => {
      runner.engine.recover(engineState);
      await runner.engine.resume({ listener: runner.listener });
    });
    await runner.settle();
    runner.resuming = false;
    runner.knownDue = new Map();
    return runner;
  }

  /**
   * bpmn-engine's execute() runs every executable process of the document; a definition is one
   * process (the pool that begins the conversation). The other pools take part when a message
   * or signal reaches one of their start events — and bpmn-elements starts a process that way
   * only if it is not executable (DefinitionExecution#_startProcessesByMessage). So, when the
   * definition is loaded (at start and at recover), every other process is marked not executable:
   * it does not run at execute(), and a message flow still starts it.
   */
  private startOnly(processId: string | undefined): void {
    if (!processId) return;
    const engine = this.engine as unknown as { _loadDefinition(source: unknown, options: unknown): LoadedDefinition };
    const load = engine._loadDefinition.bind(engine);
    engine._loadDefinition = (source, options) => {
      const definition = load(source, options);
      for (const bp of definition.getProcesses()) if (bp.id !== processId) bp.isExecutable = false;
      return definition;
    };
  }

  // ----- events -----

  get hasFailed(): boolean {
    return this.failure !== null;
  }

  postponed(): PostponedApi[] {
    const execution = this.engine.execution as unknown as { getPostponed(): PostponedApi[] } | null;
    if (!execution || this.ended) return [];
    const out: PostponedApi[] = [];
    const seen = new Set<string>();
    const walk = (apis: PostponedApi[]) => {
      for (const api of apis) {
        const executionId = api.content.executionId;
        // A sequence flow can sit among the postponed while a token queues: it is no wait.
        if (/Flow$|Association$/.test(api.type)) continue;
        if (seen.has(executionId)) continue;
        seen.add(executionId);
        if (api.owner.isSubProcess || /SubProcess|Transaction/.test(api.type)) {
          walk(api.getPostponed());
          continue;
        }
        out.push(api);
      }
    };
    walk(execution.getPostponed());
    return out;
  }

  /** Completes the user task waiting with this execution id; false when nothing waits there. */
  async completeUserTask(executionId: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    const api = this.postponed().find((a) => a.content.executionId === executionId);
    if (!api) return false;
    this.beginEvent(actor);
    this.mergeVariables(api.owner.environment.variables, variables);
    await this.guard(() => {
      api.signal({ ...variables });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /** Completes an external service task waiting for a worker. */
  async completeExternalTask(executionId: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    const wait = this.externalWaits.get(executionId);
    if (wait?.kind !== 'worker') return false;
    this.beginEvent(actor);
    this.externalWaits.delete(executionId);
    const api = this.postponed().find((a) => a.content.executionId === executionId);
    if (api) this.mergeVariables(api.owner.environment.variables, variables);
    await this.guard(() => {
      wait.callback(null, variables);
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /** Delivers a message or signal (by its element id) to whatever waits for it here. */
  async deliver(kind: 'message' | 'signal', elementRef: string, variables: Record<string, unknown>, actor: string | null): Promise<boolean> {
    const waiting = this.postponed().filter((api) => {
      const meta = this.definition.activities.get(api.id);
      return kind === 'message' ? meta?.message?.id === elementRef : meta?.signal?.id === elementRef;
    });
    if (!waiting.length) return false;
    this.beginEvent(actor);
    for (const api of waiting) this.mergeVariables(api.owner.environment.variables, variables);
    await this.guard(() => {
      const execution = this.engine.execution as unknown as { signal(m: unknown): void };
      execution.signal({ id: elementRef, ...variables });
      return Promise.resolve();
    });
    await this.settle();
    return true;
  }

  /** Fires every captured engine timer that is due by the service clock. */
  async fireDueTimers(): Promise<number> {
    const now = this.options.clock.now().getTime();
    const due = [...this.timers.values()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    if (!due.length) return 0;
    this.beginEvent(null);
    await this.guard(() => {
      for (const t of due) {
        this.timers.delete(t.ref);
        t.fire();
      }
      return Promise.resolve();
    });
    await this.settle();
    return due.length;
  }

  // ----- results -----

  takeHistory(): HistoryRecord[] {
    return this.history.splice(0);
  }

  takeServiceFailures(): ServiceFailure[] {
    return this.serviceFailures.splice(0);
  }

  async snapshot(): Promise<RunnerSnapshot> {
    const failure = this.failure;
    const state: InstanceState = failure ? 'failed' : this.ended ? 'completed' : 'running';
    let engineState: unknown = null;
    if (!failure) {
      const full = (await this.engine.getState()) as unknown as { definitions: Array<Record<string, unknown>> };
      // The serialized diagram is most of the state and is shared per version: keep it out.
      engineState = { ...full, definitions: full.definitions.map(({ source: _source, ...rest }) => rest) };
    }
    const postponed = failure || this.ended ? [] : this.postponed();
    const waitingAt: WaitingAt[] = [];
    const openTasks: TaskRecord[] = [];
    const subscriptions: SubscriptionRecord[] = [];
    const now = this.now();
    for (const api of postponed) {
      const meta = this.definition.activities.get(api.id);
      const type = meta?.type ?? api.type;
      if (type !== 'bpmn:BoundaryEvent') waitingAt.push({ activityId: api.id, activityName: meta?.name ?? null, type: type.replace(/^bpmn:/, '') });
      if (type === 'bpmn:UserTask' && meta) openTasks.push(this.describeTask(api, meta, now));
      if (meta?.message) subscriptions.push(this.subscription('message', meta.message, api.id));
      if (meta?.signal) subscriptions.push(this.subscription('signal', meta.signal, api.id));
    }
    const timerDue = [...this.timers.values()].map((t) => t.dueAt);
    const nextTimerAt = !failure && !this.ended && timerDue.length ? new Date(Math.min(...timerDue)).toISOString() : null;
    const timers: ArmedTimer[] =
      failure || this.ended
        ? []
        : [...this.timers.values()].map((t) => ({ activityId: t.activityId, executionId: t.executionId, dueAt: new Date(t.dueAt).toISOString() }));
    const externalTasks: ExternalTaskWait[] =
      failure || this.ended
        ? []
        : [...this.externalWaits.entries()]
            .filter(([, w]) => w.kind === 'worker')
            .map(([executionId, w]) => ({ executionId, activityId: w.activityId, topic: w.topic }));
    return { state, engineState, waitingAt, openTasks, subscriptions, nextTimerAt, timers, externalTasks, failure };
  }

  /** Stops the engine before it is dropped (a dropped running engine keeps its broker alive). */
  async dispose(): Promise<void> {
    if (this.detached) return;
    this.detached = true;
    this.listener.removeAllListeners();
    this.timers.clear();
    try {
      if (this.engine.execution && !this.ended && !this.failure) await this.engine.stop();
    } catch {
      // A broken engine (runaway) may refuse to stop; it is dropped either way.
    }
  }

  // ----- internals -----

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  private beginEvent(actor: string | null): void {
    this.actor = actor;
    this.activityCount = 0;
    this.deadline = Date.now() + this.options.budgetMs;
  }

  /**
   * The pools of one collaboration take part in one instance, so they share one set of
   * variables: a value set in one pool is seen by every pool's expressions.
   */
  private variableScopes(extra: Record<string, unknown>): Array<Record<string, unknown>> {
    const scopes = new Set<Record<string, unknown>>([extra]);
    const execution = this.engine.execution as unknown as { definitions?: EngineDefinition[] } | null;
    for (const def of execution?.definitions ?? []) {
      scopes.add(def.environment.variables);
      for (const bp of def.getProcesses?.() ?? []) scopes.add(bp.environment.variables);
    }
    return [...scopes];
  }

  private mergeVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void {
    const scopes = this.variableScopes(processVariables);
    for (const [k, v] of Object.entries(variables)) {
      if (POLLUTING_KEYS.has(k)) continue;
      for (const scope of scopes) scope[k] = v;
      this.variables[k] = v;
    }
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.failure ??= asRunaway(err);
    }
  }

  private countActivity(): void {
    if (this.detached) return;
    this.activityCount++;
    if (this.activityCount > this.options.budgetActivities) {
      throw new RunawayError(`more than ${this.options.budgetActivities} activities ran in one event: the model loops without waiting`);
    }
    if (Date.now() > this.deadline) {
      throw new RunawayError(`one event ran longer than ${this.options.budgetMs} ms: the model loops without waiting`);
    }
  }

  private bindListener(): void {
    const l = this.listener;
    const record = (event: string) => (api: ElementApi) => {
      this.eventCount++;
      if (this.detached) return;
      if (this.resuming && (event === 'wait' || event === 'timer')) return;
      const meta = this.definition.activities.get(api.id);
      this.history.push({
        at: this.now(),
        activityId: api.id,
        activityName: meta?.name ?? api.name ?? null,
        type: (meta?.type ?? api.type ?? '').replace(/^bpmn:/, ''),
        event,
        by: event === 'end' && meta?.type === 'bpmn:UserTask' ? this.actor : null,
      });
    };
    l.on('activity.start', (api: ElementApi) => {
      record('start')(api);
      this.countActivity();
    });
    l.on('activity.wait', record('wait'));
    l.on('activity.end', (api: ElementApi) => {
      record('end')(api);
    });
    l.on('activity.timer', (api: ElementApi) => {
      record('timer')(api);
      if (!this.resuming) checkTimerValue(api);
    });
    l.on('activity.leave', () => this.eventCount++);
    l.on('flow.take', () => this.eventCount++);
  }

  private armTimer(owner: TimerOwner, callback: (...args: unknown[]) => void, delay: number, ...args: unknown[]): object {
    const ref = { delay };
    const now = this.options.clock.now().getTime();
    const executionId = owner.executionId ?? null;
    const activityId = owner.id ?? null;
    const meta = activityId ? this.definition.activities.get(activityId) : undefined;
    let dueAt: number;
    const known = executionId ? this.knownDue.get(executionId) : undefined;
    if (this.fireStartTimers && meta?.type === 'bpmn:StartEvent') dueAt = now;
    else if (known !== undefined) dueAt = known;
    else if (owner.timerType === 'timeDate' && owner.expireAt) dueAt = new Date(owner.expireAt).getTime();
    else dueAt = now + Math.max(0, Number(delay) || 0);
    if (executionId) this.knownDue.delete(executionId);
    this.timers.set(ref, { dueAt, ref, activityId, executionId, fire: () => callback(...args) });
    this.eventCount++;
    return ref;
  }

  private readonly disarmTimer = (ref: unknown): void => {
    if (ref && typeof ref === 'object') this.timers.delete(ref);
  };

  /** Gives external-topic service tasks their implementation: a registered handler, or a wait. */
  private bindService(activity: ServiceActivity): void {
    const meta = this.definition.activities.get(activity.id);
    const topic = meta?.topic;
    if (!topic || activity.behaviour.Service) return;
    const runner = this;
    activity.behaviour.Service = function ProcflowTopicService() {
      return {
        type: 'procflow:topic',
        execute(message: { content: { executionId: string; isRecovered?: boolean } }, callback: (err: unknown, output?: unknown) => void) {
          runner.runService(activity, topic, message.content.executionId, Boolean(message.content.isRecovered), callback);
        },
      };
    };
  }

  private runService(
    activity: ServiceActivity,
    topic: string,
    executionId: string,
    isRecovered: boolean,
    callback: (err: unknown, output?: unknown) => void,
  ): void {
    const handler = this.options.services.get(topic);
    if (!handler) {
      this.externalWaits.set(executionId, { activityId: activity.id, topic, kind: 'worker', callback });
      return;
    }
    const call = {
      processInstanceId: this.identity.id,
      businessKey: this.identity.businessKey,
      definitionKey: this.definition.record.key,
      activityId: activity.id,
      executionId,
      topic,
      variables: Object.freeze({ ...this.variables }),
      isRecovered,
    };
    const timeout = this.options.serviceTimeoutMs;
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
        if (this.detached) return;
        const vars = output && typeof output === 'object' ? output : {};
        this.mergeVariables(activity.environment.variables, vars);
        this.deadline = Date.now() + this.options.budgetMs;
        this.callSafely(() => callback(null, vars));
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (this.detached) return;
        this.deadline = Date.now() + this.options.budgetMs;
        if (err instanceof BpmnError) {
          const bpmnError = Object.assign(new Error(err.message), { code: err.code, name: 'BpmnError' });
          this.callSafely(() => callback(bpmnError));
          return;
        }
        // The instance stays at the task with an incident; a retry recovers and runs it again.
        this.serviceFailures.push({
          activityId: activity.id,
          executionId,
          message: `service task <${activity.id}> (topic <${topic}>) failed: ${err instanceof Error ? err.message : String(err)}`,
        });
        this.externalWaits.set(executionId, { activityId: activity.id, topic, kind: 'failed', callback });
      },
    );
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
  }

  private callSafely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.failure ??= asRunaway(err);
    }
  }

  /** Runs until every token waits or ends: no handler in flight and two quiet turns of the loop. */
  private async settle(): Promise<void> {
    let quiet = 0;
    while (!this.ended && !this.failure && !this.detached) {
      if (this.inflight.size) {
        await Promise.allSettled([...this.inflight]);
        quiet = 0;
        continue;
      }
      // Timers armed with no delay (or already due) belong to this event — but not to a resume:
      // an overdue timer found while recovering fires in the timer event that follows.
      const now = this.options.clock.now().getTime();
      const due = this.resuming ? [] : [...this.timers.values()].filter((t) => t.dueAt <= now);
      if (due.length) {
        for (const t of due) {
          this.timers.delete(t.ref);
          this.callSafely(t.fire);
        }
        quiet = 0;
        continue;
      }
      const before = this.eventCount;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.eventCount === before) {
        if (++quiet >= 2) break;
      } else {
        quiet = 0;
      }
      if (Date.now() > this.deadline) {
        this.failure = new RunawayError(`one event ran longer than ${this.options.budgetMs} ms without settling`);
      }
    }
  }

  private describeTask(api: PostponedApi, meta: ActivityMeta, now: string): TaskRecord {
    const resolve = (text: string | null): string | null => {
      if (!text) return null;
      if (!hasTemplate(text)) return text;
      const v = resolveTemplate(text, scopeOf({ environment: { variables: this.variables } }), expressionFunctions(this.options.clock));
      return v === undefined || v === null || v === '' ? null : String(v);
    };
    const groups = meta.candidateGroups.flatMap((g) => (resolve(g) ?? '').split(',').map((x) => x.trim())).filter(Boolean);
    return {
      id: `${this.identity.id.slice(0, 8)}-${api.content.executionId}`,
      processInstanceId: this.identity.id,
      definitionKey: this.definition.record.key,
      activityId: api.id,
      executionId: api.content.executionId,
      name: meta.name,
      candidateGroups: groups,
      assignee: resolve(meta.assignee),
      state: 'open',
      createdAt: now,
      completedAt: null,
      completedBy: null,
      form: { fields: meta.formFields },
      variables: null,
    };
  }

  private subscription(kind: 'message' | 'signal', ref: { id: string; name: string }, activityId: string): SubscriptionRecord {
    return { processInstanceId: this.identity.id, kind, name: ref.name, elementRef: ref.id, activityId, businessKey: this.identity.businessKey };
  }

  currentVariables(): Record<string, unknown> {
    return cleanVariables(this.variables);
  }
}

/**
 * bpmn-elements treats a timer whose expression gives nothing as due now and fires it at once,
 * silently. A timer with no value is a modelling error: fail the event (an incident) instead.
 */
function checkTimerValue(api: ElementApi): void {
  const content = api.content as Record<string, unknown>;
  for (const kind of ['timeDuration', 'timeDate', 'timeCycle']) {
    if (!(kind in content)) continue;
    const value = content[kind];
    if (value === undefined || value === null || String(value).trim() === '') {
      throw new Error(
        `timer <${api.id}>: its ${kind} gave no value (an expression naming a missing variable?); expected an ISO 8601 ${kind === 'timeDate' ? 'date' : 'duration'}`,
      );
    }
  }
}

function asRunaway(err: unknown): Error {
  if (err instanceof RunawayError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new RunawayError('the model loops without waiting (the call stack overflowed)');
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Script tasks would run model text as JavaScript; procflow refuses them (see docs/modelling.md). */
const refusingScripts = {
  register() {
    return undefined;
  },
  getScript(language: string | undefined, identifier: { id: string }) {
    // No language: a condition that is an expression, which the evaluator handles.
    if (!language) return undefined;
    return {
      execute(_scope: unknown, callback: (err: Error) => void) {
        callback(new Error(`script <${identifier.id}> (${language}) not run: procflow does not execute scripts from models`));
      },
    };
  },
};
