// Script tasks (and scripted conditions): bpmn-engine's `scripts` option. Scripts would run model
// text as JavaScript; procflow refuses them (see docs/modelling.md).
export const refusingScripts = {
  register() {
    return undefined;
  },
  getScript(language: string | undefined, identifier: { id: string }) {
    // No language: a condition that is an expression, which the evaluator handles.
    if (!language) return undefined;
    return {
      execute(_scope: unknown, callback: (err: Error) => void) {
        callback(new Error(`script <${identifier.id}> (${language}) not run: procflow does not execute scripts from models`));
      },
    };
  },
};
