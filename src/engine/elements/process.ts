// Processes: a definition starts one process of its document; the other pools of a collaboration
// take part only when a message or signal starts them.
import type { ExtendedElement } from '../runner/engine-api';

export const PROCESS = 'bpmn:Process';

/**
 * bpmn-engine's execute() runs every executable process of the document; a definition is one
 * process (the pool that begins the conversation). The other pools take part when a message
 * or signal reaches one of their start events — and bpmn-elements starts a process that way
 * only if it is not executable (DefinitionExecution#_startProcessesByMessage). So every other
 * process is marked not executable: it does not run at execute(), and a message flow still
 * starts it.
 *
 * This is a bpmn-engine `extensions` entry: bpmn-elements calls extensions for a process too, at
 * the end of its constructor (Process: `context.loadExtensions(this)`, after `this.isExecutable`
 * is set from the model), and every process instance — at execute, at recover, and the new ones a
 * message starts — is built that way, before DefinitionExecution collects the executable ones.
 * The source context is serialized once per version at deploy and shared, so the `elements`
 * option (a Process type override) would have to be baked in there and could not know which
 * process this instance starts. Checked against bpmn-engine 25.0.1 (bpmn-elements 17.3.0); it
 * replaces a patch of the private Engine#_loadDefinition.
 */
export function startOnlyProcess(processId: string): (element: ExtendedElement) => undefined {
  return (element) => {
    if (element.type === PROCESS && element.id !== processId) element.isExecutable = false;
    return undefined;
  };
}

/**
 * A `<process>` without `isExecutable` is executable, as Camunda 7 and Flowable take it (BPMN
 * leaves the default open; bpmn-elements would never run it). Set in the parsed tree only.
 */
export function executableByDefault(process: { $type: string; isExecutable?: unknown }): void {
  if (process.$type === PROCESS && process.isExecutable === undefined) process.isExecutable = true;
}

/** A process's broker, as far as noInlineCalls needs it. */
interface ProcessBroker {
  subscribeTmp(exchange: string, pattern: string, onMessage: unknown, options?: { consumerTag?: string }): unknown;
}

/** The consumer a definition execution puts on each of its processes for `activity.call`. */
const DEFINITION_CALL_CONSUMER = '_definition-call-consumer';

/**
 * A called process runs as an instance of its own (runner/call-links.ts), never inside the
 * caller's engine. bpmn-elements' DefinitionExecution subscribes to `activity.call` on every
 * process it activates (`_activateProcess`: at execute, at resume after a recover, and for each
 * process a message starts) and runs the called process inline when the calledElement is a
 * process of the same document (`_onCallActivity` → `context.getNewProcessById`): the caller
 * would then have the called process's waits and tasks too, and the inline run's end would
 * complete the call activity. So that one subscription is never made: the process's broker
 * (built in the Process constructor, before any activation) skips it. The call activity's own
 * `activity.call` event still reaches the engine's listener (through the definition's
 * `_definition-activity-consumer`), where the runner's call handling starts the called instance.
 * Without the inline run, `activity.call.cancel` finds no inline process and does nothing.
 * Checked against bpmn-elements 17.3.0.
 */
export function noInlineCalls(element: ExtendedElement): undefined {
  if (element.type !== PROCESS) return undefined;
  const broker = (element as ExtendedElement & { broker?: ProcessBroker }).broker;
  if (!broker) return undefined;
  const subscribeTmp = broker.subscribeTmp.bind(broker);
  broker.subscribeTmp = (exchange, pattern, onMessage, options) =>
    options?.consumerTag === DEFINITION_CALL_CONSUMER ? undefined : subscribeTmp(exchange, pattern, onMessage, options);
  return undefined;
}
