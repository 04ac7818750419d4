// procflow's own corpus of real-world BPMN files (test/fixtures/corpus: Camunda 7 engine test
// processes, Apache-2.0; origin, commit and licence of each file in its SOURCES.md), run the way
// their JUnit tests run them, over procflow's HTTP API with the driver the shared Camunda corpus
// uses (test/helpers/camunda-harness.ts): deploy the file (and the files its call activities name
// or its steps start), start it, drive the steps of `expectations.json` and check the outcome.
// Each entry gets a fresh database and service, because many of the files share process ids.
// Entries procflow does not pass yet are in KNOWN_GAPS with the reason and are reported as
// skipped; PROCFLOW_CORPUS_ALL=1 runs them too (to see whether a gap has closed).
import fs from 'node:fs';
import path from 'node:path';
import { Corpus, entryTests, type Entry } from '../helpers/camunda-harness';
import { createTestDatabase, databaseKinds } from '../helpers/databases';
import { deploy, startTestService } from '../helpers/test-service';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'corpus');
const entries = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expectations.json'), 'utf8')) as Entry[];
const corpus = new Corpus(CORPUS, entries);
const runAll = process.env.PROCFLOW_CORPUS_ALL === '1';

/** Entries procflow does not run as their JUnit test says, with why. */
const KNOWN_GAPS: Record<string, string> = {
  'gateway/InclusiveGatewayTest.testLoopingInclusiveGateways.bpmn':
    'a joining gateway that holds a token is not among the activities an instance waits at: the join at inclusiveGw3 waits as Camunda 7 does (task1 and task2 open, nothing after it), but waitingAt lists task1 and task2 only, where the activity instance tree of Camunda holds inclusiveGw3 too',
  'link/LinkEventTest.testEventLinkMultipleSources.bpmn20.xml':
    'bpmn-elements runs one token of an activity at a time: both link throws continue at the catch event, but the second token waits until the first WaitAfterLink is triggered, so one WaitAfterLink waits where Camunda has two (the second follows; test/e2e/call-errors-and-links.test.ts)',
  'timer/BoundaryTimerNonInterruptingEventTest.testTimerWithCycle.bpmn20.xml':
    'bpmn-elements runs one token of an activity at a time: the second firing of the R/PT1H boundary waits until the first timerFiredTask is completed, so one timerFiredTask is open where Camunda has two',
};

/**
 * The service settings an entry's JUnit test configures its engine with: UnhandledBpmnErrorTest
 * bootstraps its engine with enableExceptionsAfterUnhandledBpmnError=true.
 */
const SETTINGS: Record<string, Record<string, string>> = {
  'error/UnhandledBpmnErrorTest.testUncaughtErrorOnEventSubprocess.bpmn20.xml': { PROCFLOW_UNHANDLED_BPMN_ERROR: 'fail' },
};

describe('the own corpus', () => {
  const processFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) return processFiles(full);
      return /\.bpmn(20\.xml)?$/.test(d.name) ? [path.relative(CORPUS, full).split(path.sep).join('/')] : [];
    });

  test('every process file has one entry, a SOURCES.md section naming its upstream path, and a licence beside it', () => {
    const files = processFiles(CORPUS).sort();
    expect(entries.map((e) => e.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(30);
    const sources = fs.readFileSync(path.join(CORPUS, 'SOURCES.md'), 'utf8');
    for (const entry of entries) {
      expect(sources).toContain(`### \`${entry.file}\``);
      expect(sources).toContain(entry.source.path);
    }
    expect(fs.readFileSync(path.join(CORPUS, 'LICENSE-apache-2.0.txt'), 'utf8')).toContain('Apache License');
    expect(fs.readFileSync(path.join(CORPUS, 'NOTICE'), 'utf8')).toContain('Camunda Services GmbH');
    for (const file of Object.keys(KNOWN_GAPS)) expect(files).toContain(file);
  });
});

describe.each(databaseKinds)('own corpus of real-world processes on %s', (kind) => {
  test('a user task expression calling an unknown function is refused at deploy with 400 naming the task and the function', async () => {
    const db = await createTestDatabase(kind);
    const t = await startTestService(db);
    try {
      const xml = corpus
        .text('deployment/BpmnDeploymentTest.testInvalidExpression.bpmn20.xml')
        .replace('camunda:assignee="${}"', 'camunda:assignee="${owner(order)}"');
      const res = await deploy(t, xml, 'unknown-function.bpmn');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'BPMN_INVALID', detail: expect.stringContaining('user task <task>') });
      expect(res.body.detail).toContain('unknown function <owner>');
      const keys = ((await t.admin.get('/api/process-definitions')).body.items as Array<{ key: string }>).map((d) => d.key);
      expect(keys).not.toContain('invalidExpression');
    } finally {
      await t.stop();
      await db.drop();
    }
  });

  entryTests('Own corpus', kind, corpus, entries, KNOWN_GAPS, runAll, SETTINGS);
});
