// The deploy-time lint over HTTP, on SQLite and on Postgres: what a model sets that procflow does
// not execute comes back in the 201 answer's warnings, naming the element and what happens
// instead (test/fixtures/bpmn/model-lint.bpmn); the bundled processes deploy without a warning;
// every file of ../shared/conformance deploys without a 5xx, and each of its warnings names its
// element. The verdicts come from src/engine/support-table.ts (see docs/modelling.md).
import fs from 'node:fs';
import path from 'node:path';
import { compileDocument } from '../../src/engine/definition-compiler';
import type { LintWarning } from '../../src/engine/model-lint';
import { databaseKinds } from '../helpers/databases';
import { CONFORMANCE, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Warning {
  code?: string;
  elementId?: string;
  attribute?: string;
  message: string;
}

const PROCESSES = path.join(__dirname, '..', '..', 'processes');
const bundled = fs.readdirSync(PROCESSES).filter((f) => f.endsWith('.bpmn'));

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return filesUnder(full);
    return /\.(bpmn|xml)$/.test(d.name) ? [full] : [];
  });
}
const haveConformance = fs.existsSync(CONFORMANCE);
if (!haveConformance) console.warn(`${CONFORMANCE} is absent: the lint over the conformance files is skipped`);
const conformance = haveConformance ? filesUnder(CONFORMANCE).sort() : [];

/** What the fixture sets that procflow does not execute: element, attribute, and a piece of what happens instead. */
const EXPECTED: Array<{ elementId: string; attribute: string; instead: RegExp }> = [
  { elementId: 'review', attribute: 'camunda:asyncBefore', instead: /is ignored: no job is made/ },
  { elementId: 'review', attribute: 'camunda:exclusive="false"', instead: /is ignored: no job is made/ },
  { elementId: 'review', attribute: '<camunda:FailedJobRetryTimeCycle>', instead: /is ignored: only service tasks with a handler are retried/ },
  { elementId: 'review', attribute: 'camunda:event="delete"', instead: /is ignored: the listener is never called \(update, delete and timeout are not\)/ },
  { elementId: 'review', attribute: 'camunda:formKey="embedded:app:forms/review.html"', instead: /is ignored: no external form is looked up/ },
  {
    elementId: 'review',
    attribute: 'acme:colourCode="amber"',
    instead: /is ignored: procflow does not read the namespace http:\/\/acme.example\/bpmn-extensions/,
  },
  { elementId: 'start', attribute: 'camunda:formKey="embedded:app:forms/start.html"', instead: /is ignored: no external form is looked up/ },
  { elementId: 'modelLint', attribute: '<camunda:ExecutionListener>', instead: /is partly executed: a camunda:expression or a juel camunda:script/ },
  { elementId: 'modelLint', attribute: 'camunda:versionTag="v2"', instead: /is ignored: not stored/ },
  { elementId: 'undoArchive', attribute: 'bpmn:isForCompensation', instead: /is partly executed: a compensation handler, run only when compensation reaches/ },
  { elementId: 'archive', attribute: 'bpmn:completionQuantity="2"', instead: /is ignored: the activity gives one token to each outgoing flow/ },
  { elementId: 'orderData', attribute: '<DataObject orderData> "Order data"', instead: /is ignored: holds no value in procflow/ },
];

const NAMES: Record<string, string> = {
  review: 'Review order',
  start: 'Order in',
  modelLint: 'Lint review',
  undoArchive: 'Undo archive',
  archive: 'Archive order',
  orderData: 'Order data',
};

test('the lint gives each warning a code, the element, its name and the attribute (deploy result, before HTTP)', async () => {
  const doc = await compileDocument(fixture('model-lint.bpmn'));
  const lint = doc.warnings as LintWarning[];
  expect(lint.find((w) => w.attribute === 'camunda:asyncBefore')).toEqual({
    code: 'ATTRIBUTE_IGNORED',
    elementId: 'review',
    elementName: 'Review order',
    attribute: 'camunda:asyncBefore',
    message: expect.stringContaining('camunda:asyncBefore on <UserTask review> "Review order" is ignored') as unknown,
  });
  expect(lint.find((w) => w.attribute === 'bpmn:DataObject')).toMatchObject({ code: 'ELEMENT_IGNORED', elementId: 'orderData' });
  expect(lint.find((w) => w.attribute === 'acme:colourCode')).toMatchObject({ code: 'FOREIGN_ATTRIBUTE_IGNORED', elementId: 'review' });
  expect(lint.find((w) => w.attribute === 'bpmn:isForCompensation')).toMatchObject({ code: 'ATTRIBUTE_PARTLY', elementId: 'undoArchive' });
  expect(lint).toHaveLength(EXPECTED.length);
});

describe.each(databaseKinds)('deploy-time lint on %s', (kind) => {
  const t = serviceForDescribe(kind);

  test('a model setting what procflow does not execute deploys (201) with a warning for each, naming the element and what happens instead', async () => {
    const res = await deploy(t, fixture('model-lint.bpmn'), 'model-lint.bpmn');
    expect(res.status).toBe(201);
    const warnings = res.body.warnings as Warning[];
    for (const e of EXPECTED) {
      const found = warnings.filter((w) => w.elementId === e.elementId && w.message.startsWith(`${e.attribute} `));
      expect(found.map((w) => w.message)).toEqual([expect.stringMatching(e.instead)]);
      expect(found[0]?.message).toContain(`"${NAMES[e.elementId] ?? ''}"`);
      // Over HTTP too, each says which attribute (or element type) it is about, under a stable code.
      expect(found[0]).toMatchObject({ attribute: expect.any(String) as unknown, code: expect.stringMatching(/_(IGNORED|PARTLY|NOT_LISTED)$/) as unknown });
    }
    expect(warnings.find((w) => w.elementId === 'review' && w.attribute === 'camunda:asyncBefore')?.code).toBe('ATTRIBUTE_IGNORED');
    // Nothing else: the supported parts (candidate groups, names, the diagram, documentation) say nothing.
    expect(warnings).toHaveLength(EXPECTED.length);

    // The model runs as drawn all the same: the instance waits at the user task.
    const started = await t.admin.post('/api/process-definitions/modelLint/start').send({});
    expect(started.status).toBe(201);
    expect((started.body.waitingAt as Array<{ activityId: string }>).map((w) => w.activityId)).toEqual(['review']);
    // Its process's start listener ran; the task's delete listener is never called.
    expect(started.body.variables).toEqual({ linted: true });

    // A repeat deploy of the same content is not compiled again: 200, no warnings.
    const again = await deploy(t, fixture('model-lint.bpmn'), 'model-lint.bpmn');
    expect(again.status).toBe(200);
    expect(again.body.warnings).toBeUndefined();
  });

  test.each(bundled)('the bundled %s deploys without a warning', async (file) => {
    const res = await deploy(t, fs.readFileSync(path.join(PROCESSES, file)), file);
    expect([200, 201]).toContain(res.status);
    expect(res.body.warnings ?? []).toEqual([]);
  });

  (haveConformance ? test : test.skip)('every conformance file deploys without a 5xx, and each warning names its element and says what happens', async () => {
    const statuses = new Map<number, number>();
    let warned = 0;
    for (const file of conformance) {
      const res = await deploy(t, fs.readFileSync(file), path.basename(file));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect({ file, status: res.status < 500 ? 'not 5xx' : res.status }).toEqual({ file, status: 'not 5xx' });
      for (const w of (res.body.warnings ?? []) as Warning[]) {
        warned++;
        expect(typeof w.message).toBe('string');
        expect(w.message.length).toBeGreaterThan(10);
        // Only what is said of a <definitions> without an id can name no element.
        if (w.elementId === undefined)
          expect({ file, message: w.message }).toEqual({
            file,
            message: expect.stringMatching(/<definitions>|<Definitions>|bpmn:Definitions|the document/) as unknown,
          });
      }
    }
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect(warned).toBeGreaterThan(0);
  });
});
