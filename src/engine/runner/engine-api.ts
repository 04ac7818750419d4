// The parts of bpmn-elements' runtime objects procflow reads (bpmn-engine ships loose typings for
// them): waiting activities, listener payloads, activities handed to extensions.

/** An activity that waits (bpmn-elements' postponed api). */
export interface PostponedApi {
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content: { executionId: string; id: string; type: string; isRecovered?: boolean; attachedTo?: unknown };
  owner: { environment: { variables: Record<string, unknown> }; isSubProcess?: boolean };
  signal(message?: unknown): void;
  discard(): void;
  getPostponed(): PostponedApi[];
  /** Publishes an api message of this action to the activity (e.g. `escalate` to a boundary event). */
  sendApiMessage?(action: string, content?: unknown): void;
}

/** What the engine listener receives for an activity event. */
export interface ElementApi {
  id: string;
  type: string;
  name?: string;
  executionId?: string;
  content: { executionId?: string; isRecovered?: boolean; output?: unknown; id?: string };
  environment: { variables: Record<string, unknown> };
}

/** What an `extensions` function receives: an activity, or a process. */
export interface ExtendedElement {
  id: string;
  type: string;
  behaviour: Record<string, unknown>;
  environment: { variables: Record<string, unknown> };
  isExecutable?: boolean;
}

/** A loaded definition as the engine's execution holds it. */
export interface EngineDefinition {
  environment: { variables: Record<string, unknown> };
  getProcesses?(): Array<{ environment: { variables: Record<string, unknown> } }>;
}
