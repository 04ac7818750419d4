// Script tasks (and scripted conditions): bpmn-engine's `scripts` option. A script in Camunda's
// `juel` format (any case) is one expression (`${a + b}`, `#{echo}`) and is evaluated by procflow's
// safe evaluator, its value stored in `camunda:resultVariable`; scripts in any other language would
// run model text as code and are refused (see docs/modelling.md).
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { resolveTemplate, SET_VARIABLE, type Functions } from '../expression-evaluator';
import type { LocalVariables, ScopeContent } from './local-variables';
import { str } from './moddle-element';

export const SCRIPT_TASK = 'bpmn:ScriptTask';
const CONDITIONAL_EVENT = 'bpmn:ConditionalEventDefinition';

/** Camunda's expression language as a script format: `juel`, in any case. */
export function isJuel(language: unknown): boolean {
  return typeof language === 'string' && language.trim().toLowerCase() === 'juel';
}

type ScriptCallback = (err: Error | null, output?: unknown) => void;

interface ScriptOwner {
  id: string;
  type?: string;
  behaviour?: {
    script?: unknown;
    scriptFormat?: unknown;
    resultVariable?: unknown;
    resource?: unknown;
    conditionExpression?: { body?: unknown; resource?: unknown };
  };
}

interface ExecutionScope {
  environment?: { variables?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface ScriptHost {
  clock: Clock;
  instance: { id: string; businessKey: string | null };
  /** Sets variables in the process scope of the activity (the runner's copy too). */
  setVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void;
  callSafely(fn: () => void): void;
  /** The local variables of running activities: a script sees those around it, and setting one sets it there. */
  locals?: LocalVariables;
}

/**
 * The value of a juel script in the given scope. `execution` is the instance (id, business key,
 * the activity) unless a variable has that name; `execution.setVariable(name, value)` sets a
 * process variable through `setVariable`.
 */
export function evaluateJuel(
  text: string,
  scope: ExecutionScope,
  clock: Clock,
  execution: Record<string, unknown>,
  setVariable?: (name: string, value: unknown) => void,
): unknown {
  const variables = scopeOf(scope);
  const lookup = (name: string) => {
    const value = variables(name);
    return value === undefined && name === 'execution' ? execution : value;
  };
  const fns: Functions = { ...expressionFunctions(clock), ...(setVariable ? { [SET_VARIABLE]: (name, value) => setVariable(String(name), value) } : {}) };
  return resolveTemplate(text, lookup, fns);
}

function refused(owner: ScriptOwner, language: string) {
  return {
    execute(_scope: unknown, callback: ScriptCallback) {
      callback(new Error(`script <${owner.id}> (${language}) not run: procflow runs only juel scripts (one expression), no code from models`));
    },
  };
}

/** bpmn-engine `scripts` option: juel scripts of script tasks and of conditions are evaluated; others refused. */
export function juelScripts(host: ScriptHost) {
  const scripts = {
    // A conditional event's scripted condition is registered and used at once.
    register(owner: ScriptOwner) {
      if (owner?.type !== CONDITIONAL_EVENT || !isJuel(owner.behaviour?.scriptFormat)) return undefined;
      return scripts.getScript(String(owner.behaviour?.scriptFormat), owner);
    },
    getScript(language: string | undefined, owner: ScriptOwner) {
      // No language: a condition that is an expression, which the evaluator handles.
      if (!language) return undefined;
      if (!isJuel(language)) return refused(owner, language);
      const flowCondition = owner.behaviour?.conditionExpression;
      const condition = Boolean(flowCondition) || owner.type === CONDITIONAL_EVENT;
      const text = str(flowCondition ? flowCondition.body : owner.behaviour?.script);
      const resource = str(flowCondition ? flowCondition.resource : owner.behaviour?.resource);
      const resultVariable = condition ? null : str(owner.behaviour?.resultVariable);
      return {
        execute(scope: ExecutionScope, callback: ScriptCallback) {
          const answer = (err: Error | null, output?: unknown) => host.callSafely(() => callback(err, output));
          if (text === null) {
            answer(new Error(`script <${owner.id}> (juel) not run: ${resource ? `an external script resource <${resource}> is not read` : 'it is empty'}`));
            return;
          }
          const processVariables = scope.environment?.variables ?? {};
          const execution = {
            id: host.instance.id,
            processInstanceId: host.instance.id,
            processBusinessKey: host.instance.businessKey,
            businessKey: host.instance.businessKey,
            activityId: owner.id,
            currentActivityId: owner.id,
          };
          // A script (or a flow condition) sees the local variables around it; setting one of those sets it there.
          const at = (scope.content as ScopeContent | undefined) ?? { id: owner.id };
          // An iteration of a multi-instance script task sees its loopCounter (a compensation handler's: the compensated instance's).
          const iteration = scope.content as { isMultiInstance?: boolean; index?: unknown; loopCounter?: unknown } | undefined;
          const loop = iteration?.isMultiInstance && typeof iteration.index === 'number' ? { loopCounter: iteration.loopCounter ?? iteration.index } : {};
          const locals = { ...loop, ...(host.locals?.visible(at) ?? {}) };
          const set = (vars: Record<string, unknown>) => host.setVariables(processVariables, host.locals ? host.locals.assign(at, vars) : vars);
          const setVariable = condition ? undefined : (name: string, value: unknown) => set({ [name]: value });
          const withLocals = Object.keys(locals).length
            ? { ...scope, environment: { ...scope.environment, variables: { ...processVariables, ...locals } } }
            : scope;
          let value: unknown;
          try {
            value = evaluateJuel(text, withLocals, host.clock, execution, setVariable);
          } catch (err) {
            answer(new Error(`the juel script of <${owner.id}> cannot be evaluated: ${err instanceof Error ? err.message : String(err)}`));
            return;
          }
          if (condition) return answer(null, value);
          if (resultVariable) set({ [resultVariable]: value });
          answer(null, resultVariable ? { [resultVariable]: value } : {});
        },
      };
    },
  };
  return scripts;
}
