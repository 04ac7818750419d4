// Sub-processes and transactions: they wait only through their children, so what waits is
// found by walking into them.
import type { PostponedApi } from '../runner/engine-api';
import { isConnector } from './sequence-flow';

function isSubProcess(api: PostponedApi): boolean {
  return Boolean(api.owner.isSubProcess) || /SubProcess|Transaction/.test(api.type);
}

/** The activities that really wait: sub-processes replaced by their children, each execution once. */
export function waitingActivities(postponed: PostponedApi[]): PostponedApi[] {
  const out: PostponedApi[] = [];
  const seen = new Set<string>();
  const walk = (apis: PostponedApi[]) => {
    for (const api of apis) {
      const executionId = api.content.executionId;
      // A sequence flow can sit among the postponed while a token queues: it is no wait.
      if (isConnector(api.type)) continue;
      if (seen.has(executionId)) continue;
      seen.add(executionId);
      if (isSubProcess(api)) {
        walk(api.getPostponed());
        continue;
      }
      out.push(api);
    }
  };
  walk(postponed);
  return out;
}
