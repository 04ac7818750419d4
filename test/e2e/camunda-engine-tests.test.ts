// Camunda 7's own engine test processes (../shared/conformance/camunda-engine-tests, Apache-2.0,
// "Camunda, Copyright 2013-2025 Camunda Services GmbH"; origin and licence in its README.md), run
// the way their JUnit tests run them, over procflow's HTTP API: deploy the file (and the files its
// call activities name), start it, drive the steps of `expectations.json` and check the outcome
// (the driver, shared with test/e2e/own-corpus.test.ts, is test/helpers/camunda-harness.ts).
// Each entry gets a fresh database and service, because many of the files share process ids.
// Entries procflow does not pass yet are in KNOWN_GAPS with the reason and are reported as
// skipped; PROCFLOW_CAMUNDA_ALL=1 runs them too (to see whether a gap has closed).
import fs from 'node:fs';
import path from 'node:path';
import { Corpus, entryTests, type Entry, type Instance } from '../helpers/camunda-harness';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { CONFORMANCE, createUser, deploy, fixture, startTestService, type TestService } from '../helpers/test-service';

const CORPUS = path.join(CONFORMANCE, 'camunda-engine-tests');
const EXPECTATIONS = path.join(CORPUS, 'expectations.json');

/** Entries procflow does not run as their JUnit test says, with why. */
const KNOWN_GAPS: Record<string, string> = {
  'gateway/ExclusiveGatewayTest.testMergingExclusiveGateway.bpmn20.xml':
    'each of the three tokens passes the exclusive gateway, but bpmn-elements runs one token of an activity at a time: one theTask is open, the next opens when it is completed (Camunda: three at once)',
};

/**
 * The service settings an entry's JUnit test configures its engine with: UnhandledBpmnErrorTest
 * bootstraps its engine with enableExceptionsAfterUnhandledBpmnError=true.
 */
const SETTINGS: Record<string, Record<string, string>> = {
  'error/UnhandledBpmnErrorTest.testUnhandledErrorInEmbeddedSubprocess.bpmn20.xml': { PROCFLOW_UNHANDLED_BPMN_ERROR: 'fail' },
};

const present = fs.existsSync(EXPECTATIONS);
if (!present) console.warn(`Camunda engine tests skipped: ${EXPECTATIONS} is absent (it lives in ../shared beside the project)`);
const entries: Entry[] = present ? (JSON.parse(fs.readFileSync(EXPECTATIONS, 'utf8')) as Entry[]) : [];
const runAll = process.env.PROCFLOW_CAMUNDA_ALL === '1';

const corpus = new Corpus(CORPUS, entries);

const maybe = present ? describe.each(databaseKinds) : describe.skip.each(databaseKinds);

maybe('Camunda 7 engine test processes on %s', (kind) => {
  entryTests('Camunda engine tests', kind, corpus, entries, KNOWN_GAPS, runAll, SETTINGS);
});

describe.each(databaseKinds)('what Camunda 7 tolerates, on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  test('a file with id-less flows, no isExecutable, QName and undeclared refs deploys with warnings and runs to its end', async () => {
    const res = await deploy(t, fixture('tolerated-warnings.bpmn'), 'tolerated-warnings.bpmn');
    expect(res.status).toBe(201);
    expect(res.body.definitions).toEqual([expect.objectContaining({ key: 'toleratedWarnings', executable: true, startable: true })]);
    const warnings = res.body.warnings as Array<{ elementId?: string; message: string }>;
    expect(warnings.map((w) => w.elementId)).toEqual(
      expect.arrayContaining(['Defs_tolerated', 'start', 'flow_start_review', 'waitApproval', 'innerFail', 'caught', 'plane']),
    );
    const again = await deploy(t, fixture('tolerated-warnings.bpmn'), 'tolerated-warnings.bpmn');
    expect(again.status).toBe(200);

    const start = await t.admin.post('/api/process-definitions/toleratedWarnings/start').send({});
    expect(start.status).toBe(201);
    const kermit = await createUser(t, 'kermit', ['accountancy']);
    const tasks = (await t.as(kermit).get(`/api/tasks?state=open&processInstanceId=${start.body.id}`)).body.items as Array<{
      id: string;
      candidateGroups: string[];
    }>;
    expect(tasks).toEqual([expect.objectContaining({ candidateGroups: ['accountancy'] })]);
    expect((await t.as(kermit).post(`/api/tasks/${tasks[0]?.id}/complete`).send({})).status).toBe(200);
    expect((await t.admin.post('/api/messages').send({ messageName: 'approved', processInstanceId: start.body.id })).status).toBe(200);
    const done = (await t.admin.get(`/api/process-instances/${start.body.id}`)).body as Instance;
    expect(done.state).toBe('completed');
    // The boundary on the same undeclared errorRef does not catch yet (KNOWN_GAPS): the sub-process ends normally.
    const history = (await t.admin.get(`/api/process-instances/${start.body.id}/history`)).body as Array<{ activityId: string }>;
    expect(history.map((h) => h.activityId)).toContain('innerFail');
  });

  test('a service task naming a Java class is refused with 400 naming the element', async () => {
    const res = await deploy(t, fixture('java-delegate.bpmn'), 'java-delegate.bpmn');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'BPMN_INVALID',
      errors: [expect.objectContaining({ elementId: 'chargeCard', message: expect.stringContaining('camunda:class') })],
    });
  });
});
