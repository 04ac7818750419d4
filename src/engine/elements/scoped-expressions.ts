// The engine's expressions with variables of an element's own scope added: an expression
// bpmn-elements evaluates for an activity (a timer, a condition, a flow leaving it, a loop
// iteration's attribute) also sees the variables that scope holds (loop counts, local inputs).

export interface ExpressionContext {
  environment?: { variables?: Record<string, unknown>; services?: Record<string, unknown> };
  content?: unknown;
  [key: string]: unknown;
}

export interface Expressions {
  resolveExpression(expression: unknown, context: ExpressionContext, fnContext?: unknown): unknown;
}

/** `expressions`, where `scopeOf(content)` gives the variables an element's expressions see besides the process's (none: null or empty). */
export function scopedExpressions<T extends Expressions>(expressions: T, scopeOf: (content: unknown) => Record<string, unknown> | null): T {
  return {
    ...expressions,
    resolveExpression(expression: unknown, context: ExpressionContext, fnContext?: unknown): unknown {
      const scope = context ? scopeOf(context.content) : null;
      if (!scope || !Object.keys(scope).length) return expressions.resolveExpression(expression, context, fnContext);
      const environment = { services: context.environment?.services, variables: { ...context.environment?.variables, ...scope } };
      return expressions.resolveExpression(expression, { ...context, environment }, fnContext);
    },
  };
}
