// A small workload from real runs over the API, for tests that read what runs left behind (the
// cockpit's stats, the Grafana boards, the web UI): supplier-quote instances in every state of
// their path, and one instance failed with an open incident.
import { ADMIN_TOKEN, createUser, deploy, fixture, type TestService } from './test-service';

export interface SampleRuns {
  supplierToken: string;
  /** Instances waiting at "Verify order", at "Prepare quote", and completed. */
  waitingAtVerify: string[];
  waitingAtQuote: string[];
  completed: string[];
  failed: string;
}

interface Task {
  id: string;
  activityId: string;
}

async function openTask(t: TestService, token: string, instanceId: string): Promise<Task> {
  const res = await t.as(token).get(`/api/tasks?state=open&processInstanceId=${instanceId}`);
  const task = (res.body as { items: Task[] }).items[0];
  if (!task) throw new Error(`instance ${instanceId} has no open task: ${res.status} ${JSON.stringify(res.body)}`);
  return task;
}

async function complete(t: TestService, token: string, instanceId: string, variables: Record<string, unknown>): Promise<void> {
  const task = await openTask(t, token, instanceId);
  const res = await t.as(token).post(`/api/tasks/${task.id}/complete`).send({ variables });
  if (res.status !== 200) throw new Error(`completing ${task.activityId} of ${instanceId} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** `supplierGroups` lets a test give the supplier more groups (e.g. `ops` for game servers). */
export async function runSampleWorkload(t: TestService, supplierName = 'sally', supplierGroups: string[] = ['supplier']): Promise<SampleRuns> {
  for (const name of ['supplier-quote.bpmn', 'no-true-condition.bpmn']) {
    const res = await deploy(t, fixture(name), name);
    if (res.status !== 201 && res.status !== 200) throw new Error(`deploying ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const supplierToken = await createUser(t, supplierName, supplierGroups);
  const ids: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const res = await t.admin
      .post('/api/process-definitions/supplierQuote/start')
      .send({ businessKey: `order-${i}`, variables: { customer: `Customer ${i}` } });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push((res.body as { id: string }).id);
  }
  const [a, b, c, d, e, f] = ids as [string, string, string, string, string, string];
  await complete(t, supplierToken, a, { accepted: true, note: 'in stock' });
  await complete(t, supplierToken, b, { accepted: true });
  await complete(t, supplierToken, c, { accepted: true });
  await complete(t, supplierToken, d, { accepted: false, note: 'we do not sell this' });
  await complete(t, supplierToken, a, { cost: 1200 });
  await complete(t, supplierToken, b, { cost: 80 });

  const failing = await t.admin.post('/api/process-definitions/noTrueCondition/start').send({});
  const failedId = (failing.body as { id: string }).id;
  await complete(t, ADMIN_TOKEN, failedId, { choice: 'c' });
  return { supplierToken, waitingAtVerify: [e, f], waitingAtQuote: [c], completed: [a, b, d], failed: failedId };
}
