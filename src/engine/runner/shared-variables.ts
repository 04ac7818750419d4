// Process variables as one instance sees them: the pools of a collaboration share one set, and
// bpmn-engine's own message parts never become variables.
import type { Engine } from 'bpmn-engine';
import type { EngineDefinition } from './engine-api';

const POLLUTING_KEYS = new Set(['fields', 'content', 'properties']);

export function cleanVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!POLLUTING_KEYS.has(k)) out[k] = v;
  return out;
}

/**
 * The pools of one collaboration take part in one instance, so they share one set of
 * variables: a value set in one pool is seen by every pool's expressions.
 */
function variableScopes(engine: Engine, extra: Record<string, unknown>): Array<Record<string, unknown>> {
  const scopes = new Set<Record<string, unknown>>([extra]);
  const execution = engine.execution as unknown as { definitions?: EngineDefinition[] } | null;
  for (const def of execution?.definitions ?? []) {
    scopes.add(def.environment.variables);
    for (const bp of def.getProcesses?.() ?? []) scopes.add(bp.environment.variables);
  }
  return [...scopes];
}

/** Sets each variable in every pool's scope, the activity's process scope, and the runner's copy. */
export function mergeVariables(
  engine: Engine,
  runnerVariables: Record<string, unknown>,
  processVariables: Record<string, unknown>,
  variables: Record<string, unknown>,
): void {
  const scopes = variableScopes(engine, processVariables);
  for (const [k, v] of Object.entries(variables)) {
    if (POLLUTING_KEYS.has(k)) continue;
    for (const scope of scopes) scope[k] = v;
    runnerVariables[k] = v;
  }
}
