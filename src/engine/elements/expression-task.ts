// Service tasks (and send / business rule tasks) with `camunda:expression`: the expression is
// evaluated with procflow's safe evaluator (no eval) when the task runs, and its value is stored
// in `camunda:resultVariable` when the task names one. An expression that cannot be evaluated
// fails the task (an incident). Bound through bpmn-engine's `extensions` option, after the topic
// binding of service-task.ts (a task with an external topic keeps that implementation).
import type { Clock } from '../clock';
import { expressionFunctions, scopeOf } from '../engine-expressions';
import { hasTemplate, resolveTemplate, SET_VARIABLE } from '../expression-evaluator';
import type { ExtendedElement } from '../runner/engine-api';
import type { LocalVariables, ScopeContent } from './local-variables';
import { str } from './moddle-element';

type ServiceCallback = (err: unknown, output?: unknown) => void;

export interface ExpressionTaskHost {
  clock: Clock;
  setVariables(processVariables: Record<string, unknown>, variables: Record<string, unknown>): void;
  callSafely(fn: () => void): void;
  /** The local variables of running activities: the expression sees those around it, and setting one sets it there. */
  locals?: LocalVariables;
}

/** The value of a camunda:expression in the given variables. */
export function evaluateTaskExpression(
  expression: string,
  variables: Record<string, unknown>,
  clock: Clock,
  setVariable?: (name: string, value: unknown) => void,
): unknown {
  if (!hasTemplate(expression)) return expression;
  const fns = {
    ...expressionFunctions(clock),
    ...(setVariable ? { [SET_VARIABLE]: (name: unknown, value: unknown) => setVariable(String(name), value) } : {}),
  };
  return resolveTemplate(expression, scopeOf({ environment: { variables } }), fns);
}

/** bpmn-engine `extensions` entry: gives `camunda:expression` service tasks their implementation. */
export function expressionTasks(host: ExpressionTaskHost): (element: ExtendedElement) => undefined {
  return (activity) => {
    const expression = str(activity.behaviour.expression);
    if (!expression || activity.behaviour.Service) return undefined;
    const resultVariable = str(activity.behaviour.resultVariable);
    activity.behaviour.Service = function ProcflowExpressionService() {
      return {
        type: 'procflow:expression',
        execute(message: { content?: ScopeContent } | undefined, callback: ServiceCallback) {
          const scope = activity.environment.variables;
          const at = { ...message?.content, id: activity.id };
          const set = (vars: Record<string, unknown>) => host.setVariables(scope, host.locals ? host.locals.assign(at, vars) : vars);
          let value: unknown;
          try {
            // `${execution.setVariable('x', 1)}` sets a process variable (or a local one of that name), as in Camunda.
            value = evaluateTaskExpression(expression, { ...scope, ...host.locals?.visible(at) }, host.clock, (name, v) => set({ [name]: v }));
          } catch (err) {
            const reason = err instanceof Error ? err.message : String(err);
            host.callSafely(() => callback(new Error(`the expression of <${activity.id}> cannot be evaluated: ${reason}`)));
            return;
          }
          const output = resultVariable ? { [resultVariable]: value } : {};
          if (resultVariable) set(output);
          host.callSafely(() => callback(null, output));
        },
      };
    };
    return undefined;
  };
}
