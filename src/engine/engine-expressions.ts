// Plugs the safe evaluator into bpmn-engine: Camunda-style `${approved}` reads process
// variables, while bpmn-engine's own `${environment.variables.x}` / `${content.…}` keep working.
import { hasTemplate, resolveTemplate, type Functions } from './expression-evaluator';
import type { Clock } from './clock';

const CONTEXT_ROOTS = new Set(['environment', 'content', 'properties', 'fields', 'variables', 'services']);

interface ExpressionContext {
  environment?: { variables?: Record<string, unknown>; services?: Record<string, unknown> };
  content?: { output?: unknown };
  [key: string]: unknown;
}

export function scopeOf(context: ExpressionContext): (name: string) => unknown {
  return (name) => {
    if (CONTEXT_ROOTS.has(name)) {
      if (name === 'variables') return context.environment?.variables;
      if (name === 'services') return context.environment?.services;
      return context[name];
    }
    const vars = context.environment?.variables;
    if (vars && Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    return undefined;
  };
}

export function expressionFunctions(clock: Clock): Functions {
  return {
    now: () => clock.now().toISOString(),
    number: (v) => Number(v),
    string: (v) => (v === null || v === undefined ? '' : String(v)),
  };
}

export function createEngineExpressions(clock: Clock) {
  const fns = expressionFunctions(clock);
  return {
    resolveExpression(expression: unknown, context: ExpressionContext): unknown {
      if (typeof expression !== 'string') return expression;
      if (!hasTemplate(expression)) return expression;
      return resolveTemplate(expression, scopeOf(context ?? {}), fns);
    },
    isExpression(text: unknown): boolean {
      return typeof text === 'string' && /^\s*[$#]\{.+\}\s*$/s.test(text);
    },
    hasExpression(text: unknown): boolean {
      return hasTemplate(text);
    },
  };
}
