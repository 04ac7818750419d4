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
