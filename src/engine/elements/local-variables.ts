// The local variables of running activities: what camunda:inputOutput input parameters set, as
// Camunda 7 keeps them on the activity's execution. Seen by the activity's own expressions, by
// its boundary events and by what runs inside it (a sub-process), never part of the process
// variables; saved with the engine state and dropped when the activity leaves.
import { scopedExpressions, type Expressions } from './scoped-expressions';

/** Where a message or a waiting activity runs: its activity, execution and enclosing scopes. */
export interface ScopeContent {
  id?: string;
  executionId?: string;
  parent?: { id?: string; executionId?: string; path?: Array<{ id?: string; executionId?: string }> };
}

interface LocalScope {
  activityId: string;
  variables: Record<string, unknown>;
}

/** The saved form: per activity execution id, its activity and its variables. */
export type LocalVariablesState = Record<string, LocalScope>;

export class LocalVariables {
  private readonly scopes = new Map<string, LocalScope>();
  /** Boundary event id → the activity it is attached to (its expressions see that activity's locals). */
  private readonly attached = new Map<string, string>();

  get empty(): boolean {
    return this.scopes.size === 0;
  }

  attach(boundaryId: string, activityId: string): void {
    this.attached.set(boundaryId, activityId);
  }

  /** The activity execution begins its local scope with these variables. */
  open(executionId: string, activityId: string, variables: Record<string, unknown>): void {
    this.scopes.set(executionId, { activityId, variables: { ...variables } });
  }

  /** The activity execution left: its local variables are gone. */
  close(executionId: string | undefined, activityId: string): void {
    if (executionId && this.scopes.delete(executionId)) return;
    // A recovered run may carry another execution id than the one it entered with.
    for (const [key, scope] of this.scopes) if (scope.activityId === activityId) this.scopes.delete(key);
  }

  /** The local variables of the running activity with this id (and execution id, when known). */
  of(activityId: string | undefined, executionId?: string): Record<string, unknown> | undefined {
    if (!activityId) return undefined;
    if (executionId) {
      const exact = this.scopes.get(executionId);
      if (exact?.activityId === activityId) return exact.variables;
    }
    for (const scope of this.scopes.values()) if (scope.activityId === activityId) return scope.variables;
    return undefined;
  }

  /** The local scopes visible where this content runs, innermost first. */
  private chain(content: ScopeContent | undefined): Array<Record<string, unknown>> {
    if (!content || this.scopes.size === 0) return [];
    const places: Array<{ id?: string; executionId?: string }> = [content];
    const attachedTo = content.id ? this.attached.get(content.id) : undefined;
    if (attachedTo) places.push({ id: attachedTo });
    if (content.parent) places.push(content.parent, ...(content.parent.path ?? []));
    const out: Array<Record<string, unknown>> = [];
    for (const p of places) {
      const vars = this.of(p.id, p.executionId);
      if (vars && !out.includes(vars)) out.push(vars);
    }
    return out;
  }

  /** The local variables visible where this content runs (an inner scope's win over an outer one's). */
  visible(content: ScopeContent | undefined): Record<string, unknown> {
    const chain = this.chain(content);
    if (!chain.length) return {};
    return Object.assign({}, ...chain.reverse()) as Record<string, unknown>;
  }

  /**
   * Sets variables as Camunda's setVariable does where this content runs: a name that is a local
   * variable of a visible scope is set there; the others are returned, for the process scope.
   */
  assign(content: ScopeContent | undefined, variables: Record<string, unknown>): Record<string, unknown> {
    const chain = this.chain(content);
    if (!chain.length) return variables;
    const rest: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(variables)) {
      const scope = chain.find((vars) => Object.prototype.hasOwnProperty.call(vars, name));
      if (scope) scope[name] = value;
      else rest[name] = value;
    }
    return rest;
  }

  state(): LocalVariablesState | undefined {
    if (!this.scopes.size) return undefined;
    return Object.fromEntries([...this.scopes].map(([k, v]) => [k, { activityId: v.activityId, variables: { ...v.variables } }]));
  }

  restore(state: LocalVariablesState | undefined): void {
    this.scopes.clear();
    for (const [key, scope] of Object.entries(state ?? {})) {
      if (scope && typeof scope.activityId === 'string') this.open(key, scope.activityId, scope.variables ?? {});
    }
  }
}

/**
 * The engine's expressions, where an expression bpmn-elements evaluates for an activity (a timer,
 * a condition, a flow leaving it) also sees the local variables visible there.
 */
export function localScopedExpressions<T extends Expressions>(expressions: T, locals: LocalVariables): T {
  return scopedExpressions(expressions, (content) => (locals.empty ? null : locals.visible(content as ScopeContent | undefined)));
}
