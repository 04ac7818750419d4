// src/engine/support-table.ts is the one table of what procflow executes: docs/modelling.md carries
// it as a generated section (UPDATE_SUPPORT_TABLE=1 rewrites that section from the table), every
// key in it is a type or property that bpmn-moddle and camunda-bpmn-moddle really declare, and the
// lint (src/engine/model-lint.ts) reports each kind once per element and caps repeats with a count.
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { moddleOptions, parseBpmnXml } from '../../src/engine/bpmn-parser';
import { LINT_WARNINGS_PER_KIND, lintDocument } from '../../src/engine/model-lint';
import { renderSupportTable, SUPPORT_TABLE, supportOf } from '../../src/engine/support-table';

const DOC = path.join(__dirname, '..', '..', 'docs', 'modelling.md');
const BEGIN = '<!-- support-table:begin (generated from src/engine/support-table.ts; UPDATE_SUPPORT_TABLE=1 npx jest test/unit/support-table.test.ts) -->';
const END = '<!-- support-table:end -->';

interface Descriptor {
  properties: Array<{ ns: { name: string } }>;
}
interface Registry {
  typeMap: Record<string, unknown>;
}
const moddle = new BpmnModdle(moddleOptions) as unknown as {
  registry: Registry;
  getType(name: string): unknown;
  getElementDescriptor(type: unknown): Descriptor;
};
function propertiesOf(type: string): string[] {
  try {
    return moddle.getElementDescriptor(moddle.getType(type)).properties.map((p) => p.ns.name);
  } catch {
    // A trait (bpmn.io's diagram colours) is no type of its own.
    return [];
  }
}

describe('the support table', () => {
  test('docs/modelling.md holds the section generated from it, row for row', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const begin = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(begin).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(begin);
    const expected = `${BEGIN}\n${renderSupportTable()}\n${END}`;
    if (process.env.UPDATE_SUPPORT_TABLE === '1') {
      fs.writeFileSync(DOC, doc.slice(0, begin) + expected + doc.slice(end + END.length));
      return;
    }
    expect(doc.slice(begin, end + END.length)).toBe(expected);
    for (const e of SUPPORT_TABLE) expect(doc).toContain(e.kind === 'element' ? `\`<${e.key}>\`` : `\`${e.key}\``);
  });

  test('names only element types and properties the moddle descriptors declare', () => {
    const types = Object.keys(moddle.registry.typeMap);
    const everyProperty = new Set(types.flatMap(propertiesOf));
    for (const e of SUPPORT_TABLE) {
      for (const t of e.on ?? []) expect(types).toContain(t);
      if (e.kind === 'element') expect(types).toContain(e.key);
      else if (e.on) expect(e.on.some((t) => propertiesOf(t).includes(e.key)) ? e.key : `${e.key} on none of ${e.on.join(', ')}`).toBe(e.key);
      else expect(everyProperty.has(e.key) ? e.key : `${e.key} declared nowhere`).toBe(e.key);
    }
  });

  test('has one verdict per key and scope, and a note for each', () => {
    const scopes = SUPPORT_TABLE.map((e) => `${e.kind} ${e.key} ${(e.on ?? ['*']).join(',')}`);
    expect(scopes.filter((s, i) => scopes.indexOf(s) !== i)).toEqual([]);
    for (const e of SUPPORT_TABLE) expect(e.note.trim().length).toBeGreaterThan(0);
  });

  test('scoped entries win over the one for every element', () => {
    const onServiceTask = supportOf('camunda:FailedJobRetryTimeCycle', 'element', (t) => t === 'bpmn:ServiceTask');
    const onUserTask = supportOf('camunda:FailedJobRetryTimeCycle', 'element', (t) => t === 'bpmn:UserTask');
    expect(onServiceTask?.support).toBe('supported');
    expect(onUserTask?.support).toBe('ignored');
  });
});

describe('the lint', () => {
  const many = (n: number) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_many" targetNamespace="t">
  <bpmn:process id="many" isExecutable="true">
    <bpmn:startEvent id="s" />
    ${Array.from({ length: n }, (_, i) => `<bpmn:task id="t${i}" name="Step ${i}" camunda:asyncBefore="true" camunda:asyncAfter="false" startQuantity="1" />`).join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;

  test('gives one warning per element and attribute, and counts the rest of a kind in one more', async () => {
    const warnings = lintDocument(await parseBpmnXml(many(LINT_WARNINGS_PER_KIND + 15)));
    // asyncAfter="false" and startQuantity="1" say what the default says: nothing to report.
    expect(warnings.map((w) => w.attribute)).toEqual(Array(LINT_WARNINGS_PER_KIND + 1).fill('camunda:asyncBefore'));
    expect(warnings[0]).toEqual({
      code: 'ATTRIBUTE_IGNORED',
      elementId: 't0',
      elementName: 'Step 0',
      attribute: 'camunda:asyncBefore',
      message: expect.stringMatching(/^camunda:asyncBefore on <Task t0> "Step 0" is ignored: no job is made/) as unknown,
    });
    const summary = warnings[LINT_WARNINGS_PER_KIND];
    expect(summary?.elementId).toBe(`t${LINT_WARNINGS_PER_KIND}`);
    expect(summary?.message).toMatch(
      new RegExp(`^camunda:asyncBefore on 15 more element\\(s\\) \\(t${LINT_WARNINGS_PER_KIND}, .*…\\) is ignored: no job is made`),
    );
  });

  test('says nothing about a model procflow executes fully', async () => {
    expect(lintDocument(await parseBpmnXml(many(0)))).toEqual([]);
  });
});
