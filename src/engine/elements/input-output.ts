// camunda:inputOutput on tasks, sub-processes and events: input parameters become local variables
// of the activity's execution when it is entered (evaluated in the scope around it; see
// local-variables.ts), output parameters are evaluated with those and the values the activity
// ended with, and set in the scope around it when it ends; the local variables go when it leaves.
// Values are text, `${expression}` (the safe evaluator), camunda:list, camunda:map and juel
// camunda:script; scripts in other languages are refused (no code from models). Bound through
// bpmn-engine's `extensions` option.
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate } from '../expression-evaluator';
import type { ExtendedElement } from '../runner/engine-api';
import type { LocalVariables, ScopeContent } from './local-variables';
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
  /** The local variables of the instance's running activities. */
  locals: LocalVariables;
  /** Sets variables in the process scope of the activity (every pool's scope, the runner's copy). */
  setVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void;
}

interface EventActivity extends ExtendedElement {
  attachedTo?: { id: string };
  on(event: string, cb: (api: { id?: string; content?: ScopeContent & { output?: unknown } }) => void): void;
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
      for (const e of def.entries ?? []) {
        if (e.key === undefined) continue;
        // A key may be an expression too (`<camunda:entry key="${exprKey}">`), as in Camunda.
        const key = hasTemplate(e.key) ? resolveTemplate(e.key, scopeOf({ environment: { variables } }), expressionFunctions(clock)) : e.key;
        out[String(key)] = parameterValue(e, variables, clock);
      }
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
    const activity = element as EventActivity;
    // A boundary event's expressions (a timer, a condition) see the locals of its activity.
    if (activity.attachedTo?.id) host.locals.attach(activity.id, activity.attachedTo.id);
    const mapping = mappingOf(element);
    if (!mapping || typeof activity.on !== 'function') return undefined;
    const inputs = mapping.inputParameters ?? [];
    const outputs = mapping.outputParameters ?? [];
    // The scope around the activity: the process variables and the locals of what encloses it.
    const outer = (content: ScopeContent | undefined) => ({ parent: content?.parent });
    if (inputs.length) {
      activity.on('enter', (api) => {
        // A sub-process also hears the events of the activities inside it.
        if (api.id !== activity.id || !api.content?.executionId) return;
        const around = { ...activity.environment.variables, ...host.locals.visible(outer(api.content)) };
        host.locals.open(api.content.executionId, activity.id, evaluateAll(inputs, around, host.clock));
      });
      activity.on('leave', (api) => {
        if (api.id === activity.id) host.locals.close(api.content?.executionId, activity.id);
      });
    }
    if (outputs.length) {
      activity.on('end', (api) => {
        if (api.id !== activity.id) return;
        const scope = activity.environment.variables;
        const output = api.content?.output;
        const taskOutput = output && typeof output === 'object' && !Array.isArray(output) ? (output as Record<string, unknown>) : {};
        const values = evaluateAll(outputs, { ...scope, ...host.locals.visible(api.content), ...taskOutput }, host.clock);
        // Set where Camunda's setVariable sets them from the scope around: an enclosing local, else the process.
        host.setVariables(scope, host.locals.assign(outer(api.content), values));
      });
    }
    return undefined;
  };
}
