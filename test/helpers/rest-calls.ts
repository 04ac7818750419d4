// The REST calls most scenario tests make, typed by what they read: start an instance, read it,
// list its open tasks, complete a task. Each checks the status a successful call answers, so a
// test reads as its scenario.
import type { TestService } from './test-service';

export interface InstanceAnswer {
  id: string;
  state: string;
  incidents: number;
  businessKey: string | null;
  parentInstanceId: string | null;
  variables: Record<string, unknown>;
  waitingAt: Array<{ activityId: string; type?: string; taskId?: string; variables?: Record<string, unknown> }>;
}

export interface TaskAnswer {
  id: string;
  processInstanceId: string;
  activityId: string;
  name: string | null;
  assignee: string | null;
  state: string;
  completedBy: string | null;
  variables: Record<string, unknown> | null;
}

/** The calls, as the admin, on the service `t` (or the one `t()` gives: for tests that restart it). */
export function restCalls(t: TestService | (() => TestService)) {
  const admin = () => (typeof t === 'function' ? t() : t).admin;
  return {
    async start(key: string, variables: Record<string, unknown> = {}): Promise<InstanceAnswer> {
      const res = await admin().post(`/api/process-definitions/${key}/start`).send({ variables });
      expect(res.status).toBe(201);
      return res.body as InstanceAnswer;
    },
    async instance(id: string): Promise<InstanceAnswer> {
      const res = await admin().get(`/api/process-instances/${id}`);
      expect(res.status).toBe(200);
      return res.body as InstanceAnswer;
    },
    /** The instance's open tasks, by activity id. */
    async openTasks(instanceId: string): Promise<TaskAnswer[]> {
      const res = await admin().get(`/api/tasks?state=open&processInstanceId=${instanceId}&limit=500`);
      expect(res.status).toBe(200);
      return (res.body.items as TaskAnswer[]).sort((a, b) => a.activityId.localeCompare(b.activityId));
    },
    /** Completes the instance's open task at `activityId` (there must be one) with `variables`. */
    async completeAt(instanceId: string, activityId: string, variables: Record<string, unknown> = {}): Promise<void> {
      const list = await admin().get(`/api/tasks?state=open&processInstanceId=${instanceId}&limit=500`);
      const task = (list.body.items as TaskAnswer[]).find((x) => x.activityId === activityId);
      if (!task) throw new Error(`no open task at <${activityId}> in instance <${instanceId}>`);
      const res = await admin().post(`/api/tasks/${task.id}/complete`).send({ variables });
      if (res.status !== 200) throw new Error(`completing <${activityId}> got ${res.status} ${JSON.stringify(res.body)}`);
    },
    /** Where the instance waits now, by activity id. */
    async waits(id: string): Promise<string[]> {
      const res = await admin().get(`/api/process-instances/${id}`);
      expect(res.status).toBe(200);
      return (res.body as InstanceAnswer).waitingAt.map((w) => w.activityId).sort();
    },
  };
}
