// camunda:inputOutput on tasks, sub-processes and events: input parameters become variables of
// the activity when it is entered, output parameters are copied into the process scope when it
// ends (the activity's own variables are dropped then, as Camunda drops a local scope). Values
// are text, `${expression}` (the safe evaluator), camunda:list, camunda:map and juel camunda:script;
// scripts in other languages are refused (no code from models). Bound through bpmn-engine's `extensions` option.
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate } from '../expression-evaluator';
import type { ExtendedElement } from '../runner/engine-api';
import { evaluateJuel, isJuel } from './script-task';

export const INPUT_OUTPUT = 'camunda:InputOutput';

interface Definition {
  $type?: string;
  value?: unknown;
  scriptFormat?: unknown;
  items?: Definition[];
  entries?: Array<{ key?: string; value?: unknown; definition?: Definition }>;
  definition?: Definition;
}
interface Parameter extends Definition {
  name?: string;
}
interface InputOutput {
  $type: string;
  inputParameters?: Parameter[];
  outputParameters?: Parameter[];
}

/** What the mapping needs from the runner that owns the instance. */
export interface InputOutputHost {
  clock: Clock;
  /** Sets variables in the process scope of the activity (every pool's scope, the runner's copy). */
  setVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void;
  /** Removes variables from the runner's copy and the given scope. */
  removeVariables(processVariables: Record<string, unknown>, names: string[]): void;
}

interface EventActivity extends ExtendedElement {
  on(event: string, cb: (api: { id?: string; content?: { output?: unknown } }) => void): void;
}

function mappingOf(activity: ExtendedElement): InputOutput | undefined {
  const ext = activity.behaviour.extensionElements as { values?: InputOutput[] } | undefined;
  return ext?.values?.find((v) => v.$type === INPUT_OUTPUT);
}

/** The value of one parameter, list item or map entry in the given variables. */
export function parameterValue(p: Definition, variables: Record<string, unknown>, clock: Clock): unknown {
  const def = p.definition;
  if (def) {
    if (def.$type === 'camunda:List') return (def.items ?? []).map((item) => parameterValue(item, variables, clock));
    if (def.$type === 'camunda:Map') {
      const out: Record<string, unknown> = {};
      for (const e of def.entries ?? []) if (e.key !== undefined) out[e.key] = parameterValue(e, variables, clock);
      return out;
    }
    if (def.$type === 'camunda:Script') {
      // A juel script is one expression; any other language would run model text as code.
      if (!isJuel(def.scriptFormat) || typeof def.value !== 'string') {
        throw new Error(`camunda:script parameters are not run unless they are juel (one expression): procflow executes no code from models`);
      }
      return evaluateJuel(def.value, { environment: { variables } }, clock, {});
    }
    return parameterValue(def, variables, clock);
  }
  if (p.$type === 'camunda:List' || p.$type === 'camunda:Map') return parameterValue({ definition: p }, variables, clock);
  const text = p.value;
  if (typeof text !== 'string') return null;
  if (!hasTemplate(text)) return text;
  return resolveTemplate(text, scopeOf({ environment: { variables } }), expressionFunctions(clock));
}

function evaluateAll(params: Parameter[] | undefined, variables: Record<string, unknown>, clock: Clock): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params ?? []) if (p.name) out[p.name] = parameterValue(p, variables, clock);
  return out;
}

/** bpmn-engine `extensions` entry for camunda:inputOutput. */
export function inputOutputMapping(host: InputOutputHost): (element: ExtendedElement) => undefined {
  return (element) => {
    const mapping = mappingOf(element);
    if (!mapping || typeof (element as EventActivity).on !== 'function') return undefined;
    const activity = element as EventActivity;
    const inputs = mapping.inputParameters ?? [];
    const outputs = mapping.outputParameters ?? [];
    if (inputs.length) {
      activity.on('enter', (api) => {
        // A sub-process also hears the events of the activities inside it.
        if (api.id !== activity.id) return;
        const scope = activity.environment.variables;
        host.setVariables(scope, evaluateAll(inputs, { ...scope }, host.clock));
      });
    }
    activity.on('end', (api) => {
      if (api.id !== activity.id) return;
      const scope = activity.environment.variables;
      const output = api.content?.output;
      const taskOutput = output && typeof output === 'object' && !Array.isArray(output) ? (output as Record<string, unknown>) : {};
      const values = evaluateAll(outputs, { ...scope, ...taskOutput }, host.clock);
      const locals = inputs.flatMap((p) => (p.name && !(p.name in values) ? [p.name] : []));
      if (locals.length) host.removeVariables(scope, locals);
      if (outputs.length) host.setVariables(scope, values);
    });
    return undefined;
  };
}
