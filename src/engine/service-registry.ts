// Handlers for external service-task topics (`camunda:type="external" camunda:topic="…"`),
// registered in code by the domain layer. A topic with no handler leaves the instance waiting
// at the task, visibly, for an external worker.

export interface ServiceCall {
  processInstanceId: string;
  businessKey: string | null;
  definitionKey: string;
  activityId: string;
  executionId: string;
  topic: string;
  variables: Readonly<Record<string, unknown>>;
  /** True when the engine re-runs the task after a recover: handlers must be idempotent. */
  isRecovered: boolean;
}

/** What a handler returns becomes process variables. */
export type ServiceHandler = (call: ServiceCall) => Promise<Record<string, unknown> | void>;

/** A business failure the diagram can catch with a boundary error event of the same code. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}

export class ServiceRegistry {
  private readonly handlers = new Map<string, ServiceHandler>();

  register(topic: string, handler: ServiceHandler): void {
    if (this.handlers.has(topic)) throw new Error(`a handler for topic <${topic}> is already registered`);
    this.handlers.set(topic, handler);
  }

  get(topic: string): ServiceHandler | undefined {
    return this.handlers.get(topic);
  }
}
