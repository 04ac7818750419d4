// Camunda Modeler 5's requests to a Camunda 7 engine, replayed exactly as its CamundaAPI sends
// them (client/src/plugins/camunda-plugin/shared/CamundaAPI.js): every request with
// `accept: application/json` and Basic or Bearer authorization; the connection check
// `GET /deployment?maxResults=0` (only `response.ok` counts) and `GET /version`; Deploy as
// multipart with deployment-name, deployment-source "Camunda Modeler",
// enable-duplicate-filtering "true", no tenant-id, and the diagram as a `text/xml` part named
// after its file; "Start instance" as `POST /process-definition/{id}/start` with
// `{businessKey, variables}` for the definition the deploy answered (or, when the diagram was
// unchanged, the one it answered before). On SQLite and Postgres.
import { databaseKinds } from '../helpers/databases';
import { ADMIN_TOKEN, createUser, serviceForDescribe } from '../helpers/test-service';

/** Exercises: a user task for group `clerks` between a none start and an end. */
function diagram(id: string, taskName: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.17.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <bpmn:process id="${id}" name="Invoice ${id}" isExecutable="true" camunda:historyTimeToLive="180">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_review" />
    <bpmn:userTask id="Activity_review" name="${taskName}" camunda:candidateGroups="clerks" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_review" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>`;
}

type Auth = { username: string; password: string } | { token: string };

/** CamundaAPI of Camunda Modeler 5, request for request. */
class ModelerApi {
  constructor(
    private readonly baseUrl: string,
    private readonly auth: Auth,
  ) {}

  private headers(): Record<string, string> {
    const authorization =
      'token' in this.auth ? `Bearer ${this.auth.token}` : `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    return { accept: 'application/json', authorization };
  }

  fetch(path: string, options: { method?: string; body?: FormData | string; headers?: Record<string, string> } = {}) {
    return fetch(`${this.baseUrl}${path}`, { ...options, headers: { ...options.headers, ...this.headers() } });
  }

  checkConnection() {
    return this.fetch('/deployment?maxResults=0');
  }

  getVersion() {
    return this.fetch('/version');
  }

  deployDiagram(file: { name: string; contents: string }, deployment: { name: string; tenantId?: string }) {
    const form = new FormData();
    form.append('deployment-name', deployment.name);
    form.append('deployment-source', 'Camunda Modeler');
    form.append('enable-duplicate-filtering', 'true');
    if (deployment.tenantId) form.append('tenant-id', deployment.tenantId);
    form.append(file.name, new Blob([file.contents], { type: 'text/xml' }), file.name);
    return this.fetch('/deployment/create', { method: 'POST', body: form });
  }

  startInstance(processDefinition: { id: string }, options: { businessKey?: string; variables?: Record<string, unknown> }) {
    return this.fetch(`/process-definition/${processDefinition.id}/start`, {
      method: 'POST',
      body: JSON.stringify({ businessKey: options.businessKey, variables: options.variables }),
      headers: { 'content-type': 'application/json' },
    });
  }
}

interface DeploymentAnswer {
  id: string;
  name: string;
  source: string;
  tenantId: null;
  deployedProcessDefinitions: Record<string, { id: string; key: string; version: number; resource: string }> | null;
}

describe.each(databaseKinds)('Camunda Modeler 5 against /engine-rest on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let base: string;
  let clerkToken: string;

  beforeAll(async () => {
    base = `${t.service.url}/engine-rest`;
    clerkToken = await createUser(t, 'carla', ['clerks']);
  });

  test('connection check, Deploy and Start instance with Basic authentication, then an unchanged and a changed redeploy', async () => {
    const modeler = new ModelerApi(base, { username: 'admin', password: ADMIN_TOKEN });
    expect((await modeler.checkConnection()).ok).toBe(true);
    const version = await modeler.getVersion();
    expect(version.ok).toBe(true);
    expect(((await version.json()) as { version: string }).version).toMatch(/^7\.\d+\.\d+$/);

    // Deploy: the Modeler reads id and deployedProcessDefinitions, and keeps the first definition.
    const file = { name: 'invoice.bpmn', contents: diagram('mdInvoice', 'Review invoice') };
    const deployed = await modeler.deployDiagram(file, { name: 'invoice' });
    expect(deployed.status).toBe(200);
    expect(deployed.headers.get('content-type')).toBe('application/json');
    const deployment = (await deployed.json()) as DeploymentAnswer;
    expect(deployment).toMatchObject({ name: 'invoice', source: 'Camunda Modeler', tenantId: null });
    const saved = Object.values(deployment.deployedProcessDefinitions ?? {})[0];
    expect(saved).toMatchObject({ key: 'mdInvoice', version: 1, resource: 'invoice.bpmn' });
    if (!saved) throw new Error('no definition deployed');

    // Start instance, with the Modeler's default business key and typed variables.
    const started = await modeler.startInstance(saved, {
      businessKey: 'default',
      variables: { amount: { value: 250, type: 'Integer' }, customer: { value: 'ACME', type: 'String' } },
    });
    expect(started.status).toBe(200);
    const instance = (await started.json()) as { id: string; definitionId: string; businessKey: string; ended: boolean };
    expect(instance).toMatchObject({ definitionId: saved.id, businessKey: 'default', ended: false });
    const ours = (await t.admin.get(`/api/process-instances/${instance.id}`)).body as { state: string; variables: Record<string, unknown> };
    expect(ours).toMatchObject({ state: 'running', variables: { amount: 250, customer: 'ACME' } });

    // Deploying the unchanged diagram again creates nothing: no definitions in the answer, and the
    // Modeler starts the one it kept.
    const again = (await (await modeler.deployDiagram(file, { name: 'invoice' })).json()) as DeploymentAnswer;
    expect(again).toMatchObject({ id: deployment.id, deployedProcessDefinitions: null });
    const second = await modeler.startInstance(saved, {});
    expect(second.status).toBe(200);
    expect((await second.json()) as { definitionId: string }).toMatchObject({ definitionId: saved.id });

    // A changed diagram is a new version with a new definition id.
    const changed = await modeler.deployDiagram({ name: 'invoice.bpmn', contents: diagram('mdInvoice', 'Check invoice') }, { name: 'invoice' });
    const v2 = Object.values(((await changed.json()) as DeploymentAnswer).deployedProcessDefinitions ?? {})[0];
    expect(v2).toMatchObject({ key: 'mdInvoice', version: 2 });
    expect(v2?.id).not.toBe(saved.id);
    const onV2 = await modeler.startInstance(v2 as { id: string }, { businessKey: 'order-2' });
    expect((await onV2.json()) as { definitionId: string; businessKey: string }).toMatchObject({ definitionId: v2?.id, businessKey: 'order-2' });
  });

  test('Bearer authentication works; wrong credentials and a user who may not deploy get the statuses the Modeler explains', async () => {
    const bearer = new ModelerApi(base, { token: ADMIN_TOKEN });
    expect((await bearer.checkConnection()).ok).toBe(true);
    const deployed = await bearer.deployDiagram({ name: 'bearer.bpmn', contents: diagram('mdBearer', 'Review') }, { name: 'bearer' });
    expect(deployed.status).toBe(200);

    // 401: "Credentials do not match with the server."
    const wrong = new ModelerApi(base, { username: 'admin', password: 'not-the-token' });
    expect((await wrong.checkConnection()).status).toBe(401);
    // 403: "This user is not permitted to deploy."
    const clerk = new ModelerApi(base, { username: 'carla', password: clerkToken });
    expect((await clerk.checkConnection()).ok).toBe(true);
    const refused = await clerk.deployDiagram({ name: 'clerk.bpmn', contents: diagram('mdClerk', 'Review') }, { name: 'clerk' });
    expect(refused.status).toBe(403);
  });

  test('a diagram that cannot be deployed answers the message the Modeler shows as a parse error', async () => {
    const modeler = new ModelerApi(base, { username: 'admin', password: ADMIN_TOKEN });
    const broken = await modeler.deployDiagram(
      { name: 'broken.bpmn', contents: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process' },
      { name: 'broken' },
    );
    expect(broken.status).toBe(400);
    const body = (await broken.json()) as { type: string; message: string };
    expect(body.type).toBe('ParseException');
    expect(body.message.startsWith('ENGINE-09005 Could not parse BPMN process.')).toBe(true);
    // Starting a definition that does not exist: Camunda's error body, which the Modeler logs.
    const missing = await modeler.startInstance({ id: 'no-such-definition' }, { businessKey: 'default' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'InvalidRequestException', message: expect.any(String) });
  });
});
